/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_PIPE_H
#define ANYCASTD_DNS_PIPE_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One DNS-over-TCP connection carrying many queries at once (RFC 7766
 * 6.2.1.1, pipelining; 7 for out-of-order answers): each query in flight
 * has its own message id, unique on the connection, and an answer goes
 * to the query with its id, whatever the order.  Whether the answer is
 * to that query's question is the user's to judge (dns_wire_classify).
 * The connection is made by someone else (watch_session.c) and given
 * here once connected; when the server ends it, every query still in
 * flight is told it is lost -- it may go another way -- and then the
 * owner hears how it ended.
 */

struct dns_pipe;

struct dns_pipe_user {
	struct dns_pipe_user	*next;
	struct dns_pipe		*pipe;		/* NULL: not in flight */
	uint16_t		 id;		/* the id it went with */
	/* An answer with this id; the user may forget itself (or not:
	 * an answer to another question is not its answer). */
	void			(*answer)(struct dns_pipe_user *,
				    const uint8_t *, size_t);
	/* The connection ended before an answer came: no longer in
	 * flight, and WHY says how. */
	void			(*lost)(struct dns_pipe_user *, const char *why);
};

/* How the server ended the connection: 0 for a FIN, else an errno. */
typedef void	(*dns_pipe_end_cb)(void *arg, int err);

/* A pipe on the connected non-blocking TCP socket FD, which it owns. */
struct dns_pipe	*dns_pipe_new(struct event_base *, int fd, dns_pipe_end_cb,
		    void *arg);
/* Close; the queries in flight are lost with WHY.  Safe in a callback. */
void		 dns_pipe_free(struct dns_pipe *, const char *why);
/*
 * Send WIRE (a query with its 2-byte length first) for U.  Its id is
 * rewritten when another query in flight has it: U->id is what it went
 * with.  -1 when the pipe is ending; the query is then not sent.
 */
int		 dns_pipe_send(struct dns_pipe *, struct dns_pipe_user *,
		    uint8_t *wire, size_t len);
/* U no longer waits (answered elsewhere, given up); a late answer to
 * its id is ignored.  Nothing when U is not in flight. */
void		 dns_pipe_forget(struct dns_pipe_user *);
/* util_now_ms() of the last query sent (0: none yet); queries in
 * flight. */
uint64_t	 dns_pipe_last_send(const struct dns_pipe *);
size_t		 dns_pipe_in_flight(const struct dns_pipe *);
/* Answers that matched no query in flight (late or stray). */
uint64_t	 dns_pipe_unmatched(const struct dns_pipe *);

#endif
