/* SPDX-License-Identifier: ISC */
/*
 * dns_pipe on a socketpair: the test is the server end.  Queries are
 * written back to back without waiting, answers go to their query by id
 * in whatever order they come, an id in flight is never reused, unknown
 * ids are dropped, and the end of the connection loses what is in
 * flight before the owner hears of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/dns_pipe.h"

struct user {
	struct dns_pipe_user	 u;	/* first: the callbacks cast back */
	int			 answers;
	uint8_t			 last[64];
	size_t			 lastlen;
	int			 lost;
	char			 why[64];
};

static int	ended = -1;	/* the end callback's error */
static struct dns_pipe *cur;	/* what on_end frees */

static void
on_answer(struct dns_pipe_user *u, const uint8_t *msg, size_t len)
{
	struct user *x = (struct user *)(void *)u;

	x->answers++;
	x->lastlen = len < sizeof(x->last) ? len : sizeof(x->last);
	memcpy(x->last, msg, x->lastlen);
	dns_pipe_forget(u);
}

static void
on_lost(struct dns_pipe_user *u, const char *why)
{
	struct user *x = (struct user *)(void *)u;

	x->lost++;
	snprintf(x->why, sizeof(x->why), "%s", why);
}

static void
on_end(void *arg, int err)
{
	(void)arg;
	ended = err;
	dns_pipe_free(cur, "freed by the owner");
}

static void
user_init(struct user *x)
{
	memset(x, 0, sizeof(*x));
	x->u.answer = on_answer;
	x->u.lost = on_lost;
}

/* A 2-byte length, then a 12-byte header with ID and a marker byte. */
static size_t
message(uint8_t *buf, uint16_t id, uint8_t mark)
{
	memset(buf, 0, 16);
	buf[1] = 14;
	buf[2] = (uint8_t)(id >> 8);
	buf[3] = (uint8_t)id;
	buf[4] = mark;
	buf[15] = mark;
	return 16;
}

static void
run(struct event_base *base)
{
	int i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

struct rig {
	struct event_base	*base;
	struct dns_pipe		*pipe;
	int			 peer;
};

static int
setup(void **state)
{
	struct rig	*r = calloc(1, sizeof(*r));
	int		 sv[2];

	assert_non_null(r);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	r->base = event_base_new();
	r->peer = sv[1];
	ended = -1;
	r->pipe = dns_pipe_new(r->base, sv[0], on_end, NULL);
	cur = r->pipe;
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct rig *r = *state;

	if (ended == -1)
		dns_pipe_free(r->pipe, "test over");
	if (r->peer != -1)
		close(r->peer);
	event_base_free(r->base);
	free(r);
	return 0;
}

/* What the server end has read: N messages' ids. */
static void
read_ids(int fd, uint16_t *ids, size_t n)
{
	uint8_t	buf[16];
	size_t	i;

	for (i = 0; i < n; i++) {
		assert_int_equal(read(fd, buf, 16), 16);
		ids[i] = (uint16_t)(buf[2] << 8 | buf[3]);
	}
}

static void
test_pipelined_out_of_order(void **state)
{
	struct rig	*r = *state;
	struct user	 a, b, c;
	uint8_t		 q[16], ans[48];
	uint16_t	 ids[3];
	size_t		 n = 0;

	user_init(&a);
	user_init(&b);
	user_init(&c);
	/* Three queries, sent before any answer; B asks with A's id. */
	message(q, 0x1111, 'a');
	assert_int_equal(dns_pipe_send(r->pipe, &a.u, q, 16), 0);
	message(q, 0x1111, 'b');
	assert_int_equal(dns_pipe_send(r->pipe, &b.u, q, 16), 0);
	message(q, 0x3333, 'c');
	assert_int_equal(dns_pipe_send(r->pipe, &c.u, q, 16), 0);
	assert_int_equal(dns_pipe_in_flight(r->pipe), 3);
	read_ids(r->peer, ids, 3);
	assert_int_equal(ids[0], 0x1111);
	assert_int_not_equal(ids[1], 0x1111);	/* rewritten: A has it */
	assert_int_equal(ids[1], b.u.id);
	assert_int_equal(ids[2], 0x3333);
	/* Answers in reverse order, one with an id nobody asked with, all
	 * in one write: each reaches its own query. */
	n += message(ans + n, 0x3333, 'C');
	n += message(ans + n, 0x7777, 'X');
	n += message(ans + n, ids[1], 'B');
	assert_int_equal(write(r->peer, ans, n), (ssize_t)n);
	run(r->base);
	assert_int_equal(c.answers, 1);
	assert_int_equal(c.last[2], 'C');
	assert_int_equal(b.answers, 1);
	assert_int_equal(b.last[2], 'B');
	assert_int_equal(a.answers, 0);
	assert_int_equal(dns_pipe_unmatched(r->pipe), 1);
	assert_int_equal(dns_pipe_in_flight(r->pipe), 1);
	/* A's answer split across two writes. */
	message(ans, 0x1111, 'A');
	assert_int_equal(write(r->peer, ans, 5), 5);
	run(r->base);
	assert_int_equal(a.answers, 0);
	assert_int_equal(write(r->peer, ans + 5, 11), 11);
	run(r->base);
	assert_int_equal(a.answers, 1);
	assert_int_equal(a.last[2], 'A');
	assert_int_equal(dns_pipe_in_flight(r->pipe), 0);
	assert_int_equal(ended, -1);
}

static void
test_forgotten_answer_dropped(void **state)
{
	struct rig	*r = *state;
	struct user	 a;
	uint8_t		 q[16];
	uint16_t	 id;

	user_init(&a);
	message(q, 0x2222, 'a');
	assert_int_equal(dns_pipe_send(r->pipe, &a.u, q, 16), 0);
	read_ids(r->peer, &id, 1);
	dns_pipe_forget(&a.u);		/* its deadline came */
	assert_int_equal(write(r->peer, q, 16), 16);
	run(r->base);
	assert_int_equal(a.answers, 0);
	assert_int_equal(dns_pipe_unmatched(r->pipe), 1);
}

static void
test_end_loses_in_flight_first(void **state)
{
	struct rig	*r = *state;
	struct user	 a, b;
	uint8_t		 q[16];
	uint16_t	 ids[2];

	user_init(&a);
	user_init(&b);
	message(q, 1, 'a');
	assert_int_equal(dns_pipe_send(r->pipe, &a.u, q, 16), 0);
	message(q, 2, 'b');
	assert_int_equal(dns_pipe_send(r->pipe, &b.u, q, 16), 0);
	read_ids(r->peer, ids, 2);	/* read: a close, not a reset */
	close(r->peer);			/* the server's FIN */
	r->peer = -1;
	run(r->base);
	assert_int_equal(ended, 0);
	assert_int_equal(a.lost, 1);
	assert_int_equal(b.lost, 1);
	assert_string_equal(a.why, "closed by the server (FIN)");
}

static void
test_free_loses_in_flight(void **state)
{
	struct rig	*r = *state;
	struct user	 a;
	uint8_t		 q[16];

	user_init(&a);
	message(q, 1, 'a');
	assert_int_equal(dns_pipe_send(r->pipe, &a.u, q, 16), 0);
	dns_pipe_free(r->pipe, "closed by us");
	ended = 0;			/* nothing left for teardown */
	assert_int_equal(a.lost, 1);
	assert_string_equal(a.why, "closed by us");
	assert_null(a.u.pipe);
}

static void
test_short_message_refused(void **state)
{
	struct rig	*r = *state;
	struct user	 a;
	uint8_t		 q[16];

	user_init(&a);
	message(q, 1, 'a');
	assert_int_equal(dns_pipe_send(r->pipe, &a.u, q, 10), -1);
	assert_int_equal(dns_pipe_in_flight(r->pipe), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pipelined_out_of_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_forgotten_answer_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_loses_in_flight_first,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_loses_in_flight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_message_refused,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
