/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_UDP_H
#define ANYCASTD_DNS_UDP_H

#include <event2/event.h>

#include "dns/dns_demux.h"

/*
 * The UDP probe sockets of the dns checks: a few shared sockets, each on
 * a random source port, replaced often, instead of a socket per query.
 * dns_udp.c says how often and why that keeps a spoofer out.
 */

struct dns_udp_sock;

/* A query on the pool, embedded in its exchange (dns_xfer.c). */
struct dns_udp_user {
	struct dns_demux_user	 d;		/* query, server, port */
	/* Its answer (ours or truncated, and as read), or an ICMP error
	 * (errno). */
	void			(*answer)(struct dns_udp_user *,
				    const uint8_t *, size_t,
				    enum dns_wire_class,
				    const struct dns_msg *);
	void			(*error)(struct dns_udp_user *, int);
	struct dns_udp_sock	*sock;		/* NULL: not in flight */
};

/*
 * Send WIRE (U's query) from a pooled socket of U's server's family and
 * SOURCE (family 0: any).  The socket may give the query another id: it
 * is written into WIRE and U's query (dns_demux_add).  -1 with ERR filled on failure.
 */
int	dns_udp_send(struct event_base *, const struct addr *source,
	    struct dns_udp_user *, uint8_t *wire, size_t len,
	    struct hc_result *err);
/* U's query is over: nothing more is delivered to it. */
void	dns_udp_forget(struct dns_udp_user *);

#endif
