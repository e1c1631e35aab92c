/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the pipelined session's reader (src/dns/dns_pipe.c):
 * whatever bytes a server sends on a kept DNS-over-TCP session.  Three
 * queries are in flight with ids 0x0001, 0x0002 and 0x0003, so the
 * fuzzer reaches the delivery path with two easy bytes; the first input
 * byte says how the input is cut into writes, and whether the server
 * closes the session after it.  Each user forgets itself on an answer
 * (as dns_xfer does) except the second, which takes none (as for a
 * bogus question), so it stays in flight.  The harness aborts when an
 * answer is delivered to a query that was no longer in flight, when a
 * delivered message is shorter than a DNS header, or when the end of
 * the session leaves a query in flight unaccounted for.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns_pipe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct user {
	struct dns_pipe_user	 u;
	int			 answers, lost, forgets;
};

static struct dns_pipe	*cur;
static int		 ended;

static void
on_answer(struct dns_pipe_user *u, const uint8_t *msg, size_t len)
{
	struct user *x = (struct user *)(void *)u;

	(void)msg;
	if (u->pipe == NULL || len < 12)
		abort();
	x->answers++;
	if (x->forgets)
		dns_pipe_forget(u);
}

static void
on_lost(struct dns_pipe_user *u, const char *why)
{
	struct user *x = (struct user *)(void *)u;

	if (u->pipe != NULL || why == NULL)
		abort();
	x->lost++;
}

static void
on_end(void *arg, int err)
{
	(void)arg;
	(void)err;
	ended = 1;
	dns_pipe_free(cur, "ended");
	cur = NULL;
}

static void
run(struct event_base *base)
{
	int i;

	for (i = 0; i < 4; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_base	*base;
	struct user		 users[3];
	uint8_t			 q[14];
	size_t			 i, off, cut;
	int			 sv[2], close_after;

	if (size < 1 || size > 8192)
		return 0;
	cut = 1 + (data[0] & 0x3f) * 16;	/* bytes per write */
	close_after = data[0] & 0x80;
	data++;
	size--;
	if ((base = event_base_new()) == NULL)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ended = 0;
	cur = dns_pipe_new(base, sv[0], on_end, NULL);
	for (i = 0; i < 3; i++) {
		memset(&users[i], 0, sizeof(users[i]));
		users[i].u.answer = on_answer;
		users[i].u.lost = on_lost;
		users[i].forgets = i != 1;
		memset(q, 0, sizeof(q));
		q[1] = 12;
		q[3] = (uint8_t)(i + 1);
		if (dns_pipe_send(cur, &users[i].u, q, sizeof(q)) != 0)
			abort();
	}
	for (off = 0; off < size && cur != NULL; off += cut) {
		if (write(sv[1], data + off, size - off < cut ? size - off :
		    cut) == -1)
			break;
		run(base);
	}
	if (close_after && cur != NULL) {
		close(sv[1]);
		sv[1] = -1;
		run(base);
	}
	for (i = 0; i < 3; i++)
		if (users[i].u.pipe != NULL) {
			if (ended)	/* the end loses every query */
				abort();
		} else if (users[i].answers == 0 && users[i].lost == 0)
			abort();	/* gone without a word */
	if (cur != NULL)
		dns_pipe_free(cur, "done");
	if (sv[1] != -1)
		close(sv[1]);
	event_base_free(base);
	return 0;
}
