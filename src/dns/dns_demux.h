/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_DEMUX_H
#define ANYCASTD_DNS_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns_wire.h"
#include "check/hc_result.h"
#include "sys/util.h"

/*
 * Which query in flight on one shared UDP probe socket (dns_udp.h) a
 * datagram answers.  A socket carries at most DNS_DEMUX_SLOTS queries in
 * its life, each with an id no other query on it had, so an id names one
 * query for as long as the socket lives, in flight or ended.  A datagram
 * is a query's answer only when it comes from the address and port the
 * query went to, with its id and its question (dns_wire_classify):
 *
 *   from the query's server, its id, another question: bogus, counted on
 *	the query (as a connected socket's exchange counted it), ignored;
 *   from a server asked on this socket, an id never used for it: bogus
 *	(HC_R_BOGUS_ID), counted on a query in flight to that server;
 *   the id of a query that has ended, from its server: late, counted;
 *   from anyone else, or an id of a query to someone else: stray,
 *	counted, ignored (a connected socket's kernel dropped these).
 *
 * Pure: no sockets; dns_udp.c reads and tells.
 */

#define DNS_DEMUX_SLOTS	32

/* One query in flight, embedded in its exchange (dns_xfer.c). */
struct dns_demux_user {
	struct dns_query	*q;		/* its id is set by add */
	struct addr		 server;
	uint16_t		 port;
	unsigned		 bogus;		/* answers ignored as not ours */
	enum hc_reason		 bogus_reason;	/* the last one's */
};

struct dns_demux_slot {
	struct dns_demux_user	*u;		/* NULL: ended */
	struct addr		 server;
	uint16_t		 port, id;
};

struct dns_demux {
	struct dns_demux_slot	 slot[DNS_DEMUX_SLOTS];
	unsigned		 used;		/* slots taken, ever */
	unsigned		 live;		/* queries in flight */
	uint64_t		 late;		/* answers after the query ended */
	uint64_t		 stray;		/* from no one asked, or unknown */
};

/* 1 when every slot was used: the socket takes no more queries. */
int	dns_demux_full(const struct dns_demux *);
/*
 * Take a slot for U, whose query wants its id; it gets another (at
 * random, set in U's query) when another query on this socket had it.
 * Returns the id, or -1 when full.
 */
int	dns_demux_add(struct dns_demux *, struct dns_demux_user *);
/* U's query ended (answered, failed or given up): its slot stays. */
void	dns_demux_end(struct dns_demux *, struct dns_demux_user *);
/*
 * The query MSG from FROM:PORT answers, with the class of the answer
 * (ours or truncated) and the answer as read (READ, for the judge), or
 * NULL: ignored, and counted as above.
 */
struct dns_demux_user *dns_demux_match(struct dns_demux *,
	    const struct addr *from, uint16_t port, const uint8_t *msg,
	    size_t len, enum dns_wire_class *, struct dns_msg *read);
/*
 * The query in flight an ICMP error is about: the datagram that went to
 * TO:PORT with ORIG (our query, as much as came back) in it; NULL when it
 * has ended.  Without its id (fewer than 2 bytes quoted): the first
 * query in flight to TO:PORT, which the error concerns as much.
 */
struct dns_demux_user *dns_demux_error(struct dns_demux *,
	    const struct addr *to, uint16_t port, const uint8_t *orig,
	    size_t len);

#endif
