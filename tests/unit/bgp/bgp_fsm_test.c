/* SPDX-License-Identifier: ISC */
/*
 * The BGP FSM, event by event: the happy path to Established, every way
 * back down, and the NOTIFICATION each one sends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bgp/bgp_fsm.h"
#include "bgp/bgp_msg.h"

static enum bgp_state
step(enum bgp_state s, enum bgp_event ev, unsigned want_actions)
{
	struct bgp_fsm_out o = bgp_fsm(s, ev, 0);

	assert_int_equal(o.actions, want_actions);
	return o.state;
}

static enum bgp_state
established(void)
{
	enum bgp_state s = BGP_ST_IDLE;

	s = step(s, BGP_EV_START, BGP_A_CONNECT);
	assert_int_equal(s, BGP_ST_CONNECT);
	s = step(s, BGP_EV_CONN_OPEN, BGP_A_SEND_OPEN | BGP_A_HOLD_LARGE);
	assert_int_equal(s, BGP_ST_OPENSENT);
	s = step(s, BGP_EV_RCVD_OPEN, BGP_A_SEND_KEEPALIVE | BGP_A_HOLD |
	    BGP_A_KEEPALIVE);
	assert_int_equal(s, BGP_ST_OPENCONFIRM);
	s = step(s, BGP_EV_RCVD_KEEPALIVE, BGP_A_HOLD | BGP_A_ESTABLISHED);
	assert_int_equal(s, BGP_ST_ESTABLISHED);
	return s;
}

static void
test_happy_path(void **state)
{
	enum bgp_state s = established();

	(void)state;
	assert_int_equal(step(s, BGP_EV_RCVD_UPDATE, BGP_A_HOLD), s);
	assert_int_equal(step(s, BGP_EV_RCVD_KEEPALIVE, BGP_A_HOLD), s);
	assert_int_equal(step(s, BGP_EV_KEEPALIVE_TIMER, BGP_A_SEND_KEEPALIVE |
	    BGP_A_KEEPALIVE), s);
	assert_int_equal(step(s, BGP_EV_RCVD_REFRESH, BGP_A_HOLD |
	    BGP_A_RESEND), s);
}

static void
test_connect_fails_and_retries(void **state)
{
	enum bgp_state s;

	(void)state;
	s = step(BGP_ST_IDLE, BGP_EV_START, BGP_A_CONNECT);
	s = step(s, BGP_EV_CONN_FAIL, BGP_A_CLOSE | BGP_A_RETRY);
	assert_int_equal(s, BGP_ST_ACTIVE);
	s = step(s, BGP_EV_RETRY_TIMER, BGP_A_CLOSE | BGP_A_CONNECT);
	assert_int_equal(s, BGP_ST_CONNECT);
}

static void
test_hold_expiry_sends_4_0(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(established(), BGP_EV_HOLD_TIMER, 0);

	(void)state;
	assert_int_equal(o.state, BGP_ST_ACTIVE);
	assert_int_equal(o.actions, BGP_A_SEND_NOTIFY | BGP_A_CLOSE |
	    BGP_A_RETRY | BGP_A_DOWN);
	assert_int_equal(o.code, BGP_ERR_HOLD);
}

static void
test_bad_message_uses_pending_error(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(BGP_ST_OPENSENT, BGP_EV_BAD_MSG, 0);

	(void)state;
	assert_int_equal(o.actions, BGP_A_SEND_NOTIFY | BGP_A_CLOSE |
	    BGP_A_RETRY);
	assert_int_equal(o.code, 0);
}

/* RFC 6608: the FSM error subcode says in which state it happened. */
static void
test_fsm_errors(void **state)
{
	struct bgp_fsm_out o;

	(void)state;
	o = bgp_fsm(BGP_ST_OPENSENT, BGP_EV_RCVD_KEEPALIVE, 0);
	assert_int_equal(o.code, BGP_ERR_FSM);
	assert_int_equal(o.subcode, 1);
	o = bgp_fsm(BGP_ST_OPENCONFIRM, BGP_EV_RCVD_UPDATE, 0);
	assert_int_equal(o.subcode, 2);
	o = bgp_fsm(BGP_ST_ESTABLISHED, BGP_EV_RCVD_OPEN, 0);
	assert_int_equal(o.subcode, 3);
	assert_true(o.actions & BGP_A_DOWN);
}

static void
test_notification_received(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(established(), BGP_EV_RCVD_NOTIFICATION,
	    0);

	(void)state;
	/* One never answers a NOTIFICATION with another (RFC 4271 6.4). */
	assert_false(o.actions & BGP_A_SEND_NOTIFY);
	assert_int_equal(o.actions, BGP_A_CLOSE | BGP_A_RETRY | BGP_A_DOWN);
}

static void
test_stop_is_admin_shutdown(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(established(), BGP_EV_STOP, 0);

	(void)state;
	assert_int_equal(o.state, BGP_ST_IDLE);
	assert_int_equal(o.code, BGP_ERR_CEASE);
	assert_int_equal(o.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	assert_int_equal(o.actions, BGP_A_SEND_NOTIFY | BGP_A_CLOSE |
	    BGP_A_DOWN);
	o = bgp_fsm(BGP_ST_CONNECT, BGP_EV_STOP, 0);
	assert_int_equal(o.actions, BGP_A_CLOSE);
}

static void
test_passive_never_connects(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(BGP_ST_IDLE, BGP_EV_START, 1);

	(void)state;
	assert_int_equal(o.state, BGP_ST_ACTIVE);
	assert_false(o.actions & BGP_A_CONNECT);
	o = bgp_fsm(BGP_ST_ACTIVE, BGP_EV_RETRY_TIMER, 1);
	assert_false(o.actions & BGP_A_CONNECT);
	o = bgp_fsm(BGP_ST_ACTIVE, BGP_EV_CONN_OPEN, 1);
	assert_int_equal(o.state, BGP_ST_OPENSENT);
}

/* RFC 9384: BFD Down closes an open session with Cease / BFD Down. */
static void
test_bfd_down_is_cease_10(void **state)
{
	struct bgp_fsm_out o = bgp_fsm(established(), BGP_EV_BFD_DOWN, 0);

	(void)state;
	assert_int_equal(o.state, BGP_ST_ACTIVE);
	assert_int_equal(o.actions, BGP_A_SEND_NOTIFY | BGP_A_CLOSE |
	    BGP_A_RETRY | BGP_A_DOWN);
	assert_int_equal(o.code, BGP_ERR_CEASE);
	assert_int_equal(o.subcode, BGP_CEASE_BFD_DOWN);
	o = bgp_fsm(BGP_ST_OPENSENT, BGP_EV_BFD_DOWN, 0);
	assert_int_equal(o.actions, BGP_A_SEND_NOTIFY | BGP_A_CLOSE |
	    BGP_A_RETRY);
	assert_int_equal(o.subcode, BGP_CEASE_BFD_DOWN);
	/* Still connecting: give up the attempt, no NOTIFICATION. */
	o = bgp_fsm(BGP_ST_CONNECT, BGP_EV_BFD_DOWN, 0);
	assert_int_equal(o.state, BGP_ST_ACTIVE);
	assert_int_equal(o.actions, BGP_A_CLOSE | BGP_A_RETRY);
	assert_string_equal(bgp_event_name(BGP_EV_BFD_DOWN), "BFD down");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_happy_path),
		cmocka_unit_test(test_connect_fails_and_retries),
		cmocka_unit_test(test_hold_expiry_sends_4_0),
		cmocka_unit_test(test_bad_message_uses_pending_error),
		cmocka_unit_test(test_fsm_errors),
		cmocka_unit_test(test_notification_received),
		cmocka_unit_test(test_stop_is_admin_shutdown),
		cmocka_unit_test(test_passive_never_connects),
		cmocka_unit_test(test_bfd_down_is_cease_10),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
