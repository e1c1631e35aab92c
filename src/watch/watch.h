/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_WATCH_H
#define ANYCASTD_WATCH_H

#include <event2/event.h>
#include <stdint.h>

#include "conf/conf.h"

/*
 * Watches: event sources that fail a check at once, besides its probes
 * (anycastd.conf(5), "Watches").  A watch is either failing -- the server
 * process is gone, its socket is closed, the server closed our session --
 * or not; each change goes to hc_watch_event(), and while a watch fails,
 * no probe can bring its check up.
 */

struct hc_check;

struct watch {
	struct watch		*next;
	struct hc_check		*ck;
	const struct watch_conf	*conf;
	struct event_base	*base;
	int			 failing;
	int			 told;		/* a first verdict was given */
	uint64_t		 fired;		/* times it failed the check */
	char			 detail[160];	/* what it last saw */
	void			*impl;		/* the type's own state */
};

struct watch_ops {
	/* Start watching; the first verdict comes from the event loop. */
	void	(*start)(struct watch *);
	void	(*stop)(struct watch *);
};

extern const struct watch_ops watch_process_ops;
extern const struct watch_ops watch_listener_ops;
extern const struct watch_ops watch_session_ops;
extern const struct watch_ops watch_unit_ops;

/* The watches of CK's config, started. */
struct watch	*watch_list_start(struct hc_check *, struct event_base *);
void		 watch_list_free(struct watch *);
/* After a reload kept CK: its watches follow the new config's. */
void		 watch_list_rebind(struct watch *, const struct watch_conf *);
/* The first failing watch of a list, or NULL. */
const struct watch *watch_list_failing(const struct watch *);

/*
 * The open tcp-session of a watch list, for probes to pipeline on;
 * NULL when there is none, or it is not open now (*HAS says which).
 */
struct dns_pipe	*watch_session_pipe(const struct watch *, int *has);

/* For the types: say what the watch sees now. */
void		 watch_set(struct watch *, int failing, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* What the check probes (for listener and tcp-session defaults). */
const struct addr *watch_target(const struct watch *);
uint16_t	 watch_port(const struct watch *);

/* Pure parts, for the unit tests. */
/* A pid file's content: a decimal pid above 1, maybe with spaces. */
int		 watch_process_parse_pid(const char *, int *);
/*
 * How a zombie ended, from its /proc/PID/stat text: "exited: killed by
 * SIGKILL", "exited with status 1"; 0 when not known (a status 0 is
 * believed only when ZERO_OK).
 */
int		 watch_process_exit_text(const char *, int zero_ok, char *,
		    size_t);
/* How the process at /proc/PID (PROCFD) exited, as above, else
 * "exited"; its name (comm), else "process". */
void		 watch_process_how(int procfd, char *, size_t);
void		 watch_process_comm(int procfd, char *, size_t);
/* Whether a dumped socket (family, local address, port, IPV6_V6ONLY)
 * serves ADDR port PORT. */
int		 watch_listener_serves(int, const void *, uint16_t, int,
		    const struct addr *, uint16_t);
/* The tcp-session query: length-prefixed, with edns-tcp-keepalive. */
int		 watch_session_query(const struct dns_check_conf *, uint16_t,
		    uint8_t **, size_t *);

/* In hc.c: a watch changed its verdict. */
void		 hc_watch_event(struct hc_check *, struct watch *);

#endif
