/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_XFER_H
#define ANYCASTD_DNS_XFER_H

#include <event2/event.h>

#include "dns/dns_pipe.h"
#include "dns/dns_wire.h"
#include "check/hc_result.h"
#include "sys/util.h"

/*
 * One DNS exchange of a dns check: a query sent from a shared UDP socket
 * (dns_udp.h) or a fresh TCP connection, its answer received.  UDP with a retry over TCP when the
 * answer is truncated, or TCP only.  A datagram that is not the answer
 * to our question is counted as bogus and ignored.  There is no timer
 * here: the probe that started the exchange has the deadline and frees
 * the exchange when it fires.
 */

struct dns_xfer;

struct dns_xfer_conf {
	const struct addr	*target;
	uint16_t		 port;
	const struct addr	*source;	/* family 0: the kernel picks */
	int			 tcp;		/* TCP only */
	/* A kept session to the same server (dns_pipe.h): the query goes
	 * on it, and the usual way when it is gone or ends first. */
	struct dns_pipe		*pipe;
	/* The query as dns_xfer_wire() built it, or NULL: build it here.
	 * Only its id is changed (to the query's), in a copy. */
	const uint8_t		*wire;
	size_t			 wlen;
};

struct dns_xfer_result {
	const uint8_t	*msg;		/* the answer (ours), NULL when none */
	size_t		 len;
	const struct dns_msg *read;	/* msg as classified, for the judge */
	uint16_t	 id;		/* the query's: a shared socket or
					 * session may have changed it */
	uint64_t	 rtt_us;	/* from the start to the answer */
	int		 piped;		/* the answer came on the session */
	struct hc_result err;		/* why there is no answer */
};

/*
 * Called once when the exchange is over, answer or error.  RES is valid
 * during the call only.  The callback may free the exchange.
 */
typedef void	(*dns_xfer_cb)(void *arg, const struct dns_xfer_result *res);

/* Start; NULL with ERR filled when no socket could be opened. */
struct dns_xfer	*dns_xfer_start(struct event_base *,
		    const struct dns_xfer_conf *, const struct dns_query *,
		    dns_xfer_cb, void *arg, struct hc_result *err);
/*
 * Q in TCP form (a 2-byte length first; the UDP datagram is the rest),
 * for a check that asks the same query each time: only the id changes.
 */
int		 dns_xfer_wire(const struct dns_query *q, uint8_t **wire,
		    size_t *len);
/* Free, abandoning the exchange if it is still running. */
void		 dns_xfer_free(struct dns_xfer *);
/* Datagrams ignored as not ours. */
unsigned	 dns_xfer_bogus(const struct dns_xfer *);
/* RES for an exchange the deadline caught: "timeout after 200ms ...". */
void		 dns_xfer_timeout(const struct dns_xfer *, uint64_t timeout_ms,
		    struct hc_result *res);
#endif
