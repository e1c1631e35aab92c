/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_ZONES_H
#define ANYCASTD_DNS_ZONES_H

#include <event2/event.h>

#include "check/hc_result.h"
#include "sys/util.h"

/*
 * `zones { ... }` of a dns check: every zone of a list must be served
 * authoritatively (an SOA query answered NOERROR with AA and the SOA).
 * A thousand zones are asked over one UDP socket with a bounded window
 * of queries in flight, not a thousand sockets at once; each query has
 * its own random id and is matched to its answer by id and question.
 */

/* Queries in flight at once, and times a query is sent. */
#define DNS_ZONES_WINDOW	32
#define DNS_ZONES_TRIES		2

struct dns_zones;

struct dns_zones_conf {
	const struct addr	*target;
	uint16_t		 port;
	const struct addr	*source;	/* family 0: the kernel picks */
	int			 edns;
	size_t			 nzones;
	/* Zone I, read when needed: the config may be swapped by a reload. */
	const char		*(*zone)(void *arg, size_t i);
	uint64_t		 retry_ms;	/* resend a query unanswered so long */
};

/* Called once, when every zone has its answer; RES is the summary. */
typedef void	(*dns_zones_cb)(void *arg, const struct hc_result *res);

/* Start; NULL with ERR filled when no socket could be opened. */
struct dns_zones *dns_zones_start(struct event_base *,
		    const struct dns_zones_conf *, dns_zones_cb, void *arg,
		    struct hc_result *err);
void		 dns_zones_free(struct dns_zones *);
/* The summary when the deadline came first: the unanswered failed. */
void		 dns_zones_timeout(struct dns_zones *, struct hc_result *);

#endif
