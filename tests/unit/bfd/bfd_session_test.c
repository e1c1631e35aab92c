/* SPDX-License-Identifier: ISC */
/*
 * The BFD session state machine (src/bfd/bfd_session.c): the three-way
 * handshake of RFC 5880 6.2, the way down and its diagnostics, the slow
 * rate while not Up and the Poll Sequence that leaves it (6.8.3), the
 * Final that answers a Poll (6.8.7), the negotiated intervals (6.8.2,
 * 6.8.4) and the jitter (6.8.7).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bfd/bfd_session.h"

#define MS	1000u

/* What the peer sends: STATE with its own timers. */
static struct bfd_pkt
from_peer(const struct bfd_session *s, uint8_t state, uint8_t flags,
    uint32_t min_tx, uint32_t min_rx)
{
	struct bfd_pkt p = { 0 };

	p.version = BFD_VERSION;
	p.state = state;
	p.flags = flags;
	p.mult = 3;
	p.len = BFD_PKT_LEN;
	p.my_disc = 0xabc;
	p.your_disc = state == BFD_DOWN ? 0 : s->local_disc;
	p.min_tx = min_tx;
	p.min_rx = min_rx;
	return p;
}

static unsigned
rx(struct bfd_session *s, uint8_t state, uint8_t flags)
{
	struct bfd_pkt p = from_peer(s, state, flags, 100 * MS, 100 * MS);

	return bfd_session_rx(s, &p);
}

static void
up(struct bfd_session *s)
{
	bfd_session_init(s, 7, 100 * MS, 100 * MS, 3);
	assert_int_equal(rx(s, BFD_DOWN, 0) & BFD_SA_STATE, BFD_SA_STATE);
	assert_int_equal(s->state, BFD_INIT);
	assert_int_equal(rx(s, BFD_UP, 0) & BFD_SA_STATE, BFD_SA_STATE);
	assert_int_equal(s->state, BFD_UP);
}

static void
test_handshake(void **state)
{
	struct bfd_session	s;
	struct bfd_pkt		p;

	(void)state;
	bfd_session_init(&s, 7, 100 * MS, 100 * MS, 3);
	assert_int_equal(s.state, BFD_DOWN);
	/* Slow while not Up, whatever is configured. */
	assert_int_equal(s.desired_min_tx, BFD_SLOW_TX_US);
	assert_int_equal(bfd_session_tx_interval(&s), BFD_SLOW_TX_US);
	bfd_session_packet(&s, 0, &p);
	assert_int_equal(p.state, BFD_DOWN);
	assert_int_equal(p.your_disc, 0);
	assert_int_equal(p.my_disc, 7);
	assert_int_equal(p.min_rx, 100 * MS);
	up(&s);
	assert_int_equal(s.remote_disc, 0xabc);
	/* Up: fast at once (a decrease), and a Poll tells the peer. */
	assert_int_equal(s.desired_min_tx, 100 * MS);
	assert_int_equal(bfd_session_tx_interval(&s), 100 * MS);
	assert_true(s.poll);
	bfd_session_packet(&s, 0, &p);
	assert_int_equal(p.state, BFD_UP);
	assert_int_equal(p.flags, BFD_F_POLL);
	assert_int_equal(p.your_disc, 0xabc);
	/* The Final ends it. */
	rx(&s, BFD_UP, BFD_F_FINAL);
	assert_false(s.poll);
	bfd_session_packet(&s, 0, &p);
	assert_int_equal(p.flags, 0);
}

static void
test_down_init_up(void **state)
{
	struct bfd_session s;

	(void)state;
	/* Down receiving Init goes straight Up; Down receiving Up stays. */
	bfd_session_init(&s, 7, 100 * MS, 100 * MS, 3);
	assert_int_equal(rx(&s, BFD_UP, 0) & BFD_SA_STATE, 0);
	assert_int_equal(s.state, BFD_DOWN);
	rx(&s, BFD_INIT, 0);
	assert_int_equal(s.state, BFD_UP);
	/* Up receiving Init stays Up. */
	assert_int_equal(rx(&s, BFD_INIT, 0) & BFD_SA_STATE, 0);
	assert_int_equal(s.state, BFD_UP);
}

static void
test_neighbor_down(void **state)
{
	struct bfd_session s;

	(void)state;
	up(&s);
	assert_true(rx(&s, BFD_DOWN, 0) & BFD_SA_STATE);
	assert_int_equal(s.state, BFD_DOWN);
	assert_int_equal(s.diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_int_equal(s.last_down_diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_int_equal(s.remote_state, BFD_DOWN);
	assert_int_equal(s.remote_diag, BFD_DIAG_NONE);
	/* Back to the slow rate at once. */
	assert_int_equal(bfd_session_tx_interval(&s), BFD_SLOW_TX_US);
	up(&s);
	assert_true(rx(&s, BFD_ADMIN_DOWN, 0) & BFD_SA_STATE);
	assert_int_equal(s.state, BFD_DOWN);
	assert_int_equal(s.diag, BFD_DIAG_NEIGHBOR_DOWN);
}

static void
test_detection_expiry(void **state)
{
	struct bfd_session s;

	(void)state;
	bfd_session_init(&s, 7, 100 * MS, 100 * MS, 3);
	assert_int_equal(bfd_session_expire(&s), 0);	/* Down stays Down */
	up(&s);
	assert_true(bfd_session_expire(&s) & BFD_SA_STATE);
	assert_int_equal(s.state, BFD_DOWN);
	assert_int_equal(s.diag, BFD_DIAG_DETECT_EXPIRED);
	assert_int_equal(s.last_down_diag, BFD_DIAG_DETECT_EXPIRED);
	assert_int_equal(s.remote_disc, 0);
	assert_int_equal(bfd_session_detect_time(&s), 0);
	/* Init expires too. */
	rx(&s, BFD_DOWN, 0);
	assert_int_equal(s.state, BFD_INIT);
	assert_true(bfd_session_expire(&s) & BFD_SA_STATE);
	assert_int_equal(s.state, BFD_DOWN);
}

static void
test_poll_gets_final(void **state)
{
	struct bfd_session	s;
	struct bfd_pkt		p;

	(void)state;
	up(&s);
	rx(&s, BFD_UP, BFD_F_FINAL);
	assert_true(rx(&s, BFD_UP, BFD_F_POLL) & BFD_SA_FINAL);
	bfd_session_packet(&s, 1, &p);
	assert_int_equal(p.flags, BFD_F_FINAL);
	/* Our own Poll running: the Final still goes without P. */
	s.poll = 1;
	bfd_session_packet(&s, 1, &p);
	assert_int_equal(p.flags, BFD_F_FINAL);
}

static void
test_negotiated_intervals(void **state)
{
	struct bfd_session	s;
	struct bfd_pkt		p;

	(void)state;
	up(&s);
	/* Peer wants 300 ms received, sends every 50 ms, multiplier 5. */
	p = from_peer(&s, BFD_UP, 0, 50 * MS, 300 * MS);
	p.mult = 5;
	assert_true(bfd_session_rx(&s, &p) & BFD_SA_TIMERS);
	assert_int_equal(bfd_session_tx_interval(&s), 300 * MS);
	/* Theirs is faster than we accept: our 100 ms rules, times 5. */
	assert_int_equal(bfd_session_detect_time(&s), 500 * MS);
	p = from_peer(&s, BFD_UP, 0, 200 * MS, 10 * MS);
	bfd_session_rx(&s, &p);
	assert_int_equal(bfd_session_tx_interval(&s), 100 * MS);
	assert_int_equal(bfd_session_detect_time(&s), 600 * MS);
	/* Required Min RX 0: the peer wants no packets at all. */
	p = from_peer(&s, BFD_UP, 0, 100 * MS, 0);
	bfd_session_rx(&s, &p);
	assert_int_equal(bfd_session_tx_interval(&s), 0);
}

static void
test_slower_waits_for_final(void **state)
{
	struct bfd_session s;

	(void)state;
	up(&s);
	rx(&s, BFD_UP, BFD_F_FINAL);
	assert_true(bfd_session_set_timers(&s, 500 * MS, 500 * MS, 3) &
	    BFD_SA_TIMERS);
	assert_true(s.poll);
	assert_int_equal(s.desired_min_tx, 500 * MS);
	assert_int_equal(bfd_session_tx_interval(&s), 100 * MS);
	rx(&s, BFD_UP, BFD_F_FINAL);
	assert_int_equal(bfd_session_tx_interval(&s), 500 * MS);
	/* Faster takes effect at once. */
	bfd_session_set_timers(&s, 50 * MS, 50 * MS, 3);
	assert_int_equal(bfd_session_tx_interval(&s), 100 * MS); /* peer's */
	assert_int_equal(s.tx_min_tx, 50 * MS);
	/* Unchanged timers: no Poll. */
	rx(&s, BFD_UP, BFD_F_FINAL);
	assert_int_equal(bfd_session_set_timers(&s, 50 * MS, 50 * MS, 3), 0);
	assert_false(s.poll);
}

static void
test_admin_down(void **state)
{
	struct bfd_session	s;
	struct bfd_pkt		p;

	(void)state;
	up(&s);
	bfd_session_admin_down(&s);
	bfd_session_packet(&s, 0, &p);
	assert_int_equal(p.state, BFD_ADMIN_DOWN);
	assert_int_equal(p.diag, BFD_DIAG_ADMIN_DOWN);
	/* AdminDown ignores what comes in. */
	assert_int_equal(rx(&s, BFD_DOWN, 0), 0);
	assert_int_equal(s.state, BFD_ADMIN_DOWN);
}

static void
test_jitter(void **state)
{
	(void)state;
	assert_int_equal(bfd_session_jitter(100000, 3, 0), 100000);
	assert_int_equal(bfd_session_jitter(100000, 3, 25000), 75000);
	assert_int_equal(bfd_session_jitter(100000, 3, 25001), 100000);
	/* Multiplier 1: between 75 % and 90 %. */
	assert_int_equal(bfd_session_jitter(100000, 1, 0), 90000);
	assert_int_equal(bfd_session_jitter(100000, 1, 15000), 75000);
	for (uint32_t r = 0; r < 200000; r += 997) {
		uint32_t j = bfd_session_jitter(300000, 3, r * 21517u);

		assert_true(j >= 225000 && j <= 300000);
		j = bfd_session_jitter(300000, 1, r * 21517u);
		assert_true(j >= 225000 && j <= 270000);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_down_init_up),
		cmocka_unit_test(test_neighbor_down),
		cmocka_unit_test(test_detection_expiry),
		cmocka_unit_test(test_poll_gets_final),
		cmocka_unit_test(test_negotiated_intervals),
		cmocka_unit_test(test_slower_waits_for_final),
		cmocka_unit_test(test_admin_down),
		cmocka_unit_test(test_jitter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
