/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_DESC_H
#define ANYCASTD_CHECK_DESC_H

#include <stdint.h>
#include <stdio.h>

#include "check/check_types.h"
#include "sys/util.h"

/*
 * A check type's descriptor: everything anycastd knows of one kind of
 * check, in one struct, kept in its own file (check_NAME.c, and
 * check_dns_conf.c for the dns check's grammar).  The config (conf.c,
 * conf_checks.c, conf_finish.c, conf_print.c), the engine (hc.c),
 * status.c and metrics_text.c ask the descriptor and never switch on a
 * type.  The table of all types is check_types.h and check_types.c;
 * docs/architecture.md has the recipe for adding one.
 *
 * This header is light on purpose: the pure modules (conf, hc_track,
 * svc) read the flags, and declare nothing of libevent or json-c.
 */


struct check_conf;
struct hc_check;
struct hc_ops;
struct keyword;
struct parser;

/* Written by the operator as `check NAME [LABEL] { ... }`. */
#define CT_BLOCK	0x01
/*
 * A maintenance flag, not a probe (the file check): it does not say
 * whether the service is healthy, its MAINT result drains the service,
 * it has no timeout, fast-interval, rise, fall or watches, its rise and
 * fall are 1 and its first look comes at once.
 */
#define CT_MAINT	0x02
/* Runs to its backend's address (the via), not to a server of its own. */
#define CT_VIA		0x04
/* Its probes wait for a process slot (proc.h): status and metrics show
 * how late they started. */
#define CT_SLOTS	0x08
/* Its server speaks DNS over TCP: `watch tcp-session` applies. */
#define CT_TCP_SESSION	0x10

/* Where a network probe goes: the keywords server, port and source. */
struct check_net {
	struct addr	*server;	/* family 0: the service's address */
	uint16_t	*port;
	struct addr	*source;	/* family 0: the kernel chooses */
};

struct check_desc {
	const char	*name;		/* as written after `check` */
	unsigned	 flags;		/* CT_* */

	/* Defaults of the settings every check has (ms, counts). */
	uint64_t	 interval;
	uint64_t	 timeout;
	unsigned	 rise, fall;

	/*
	 * The config.  KEYWORDS: up to two tables, its own and one it shares
	 * with another type (a DNS-speaking type takes the dns check's,
	 * check_dns.h), after server, port and source (when NET is set) and
	 * before those every check shares (conf_checks.c); their handlers
	 * get a struct check_ctx.
	 */
	const struct keyword *keywords[2];
	/* Defaults of its own settings; may be NULL. */
	void	(*init)(struct check_conf *);
	/* After the block: implied settings, what is required, what
	 * contradicts; errors through conf_error().  May be NULL. */
	int	(*finish)(struct parser *, struct check_conf *);
	/* Its settings, one per line, each line indented by IND, after
	 * server, port and source; NULL: it has no others. */
	void	(*print)(FILE *, const char *ind,
		    const struct check_conf *);
	void	(*free)(struct check_conf *);		/* may be NULL */
	/* Fills where a network probe goes; NULL: it probes no address. */
	void	(*net)(struct check_conf *, struct check_net *);

	/* status.c: what the check looks at; NULL: the address it probes
	 * and the port, e.g. "192.0.2.1 port 53". */
	void	(*target)(const struct hc_check *, char *, size_t);

	/* The engine: probes and per-check state (hc.h). */
	const struct hc_ops *ops;
};

/* The descriptor of type T (check_types.c). */
const struct check_desc *check_desc_of(enum check_type);
/* The type written as NAME after `check`, or -1. */
int		 check_desc_find(const char *name);
/* "dns, tcp, exec, file": the types written as blocks, for messages. */
const char	*check_desc_block_names(void);
/* Whether the check's type is a maintenance flag (CT_MAINT). */
int		 check_is_maint(enum check_type);

#endif
