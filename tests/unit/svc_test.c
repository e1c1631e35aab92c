/* SPDX-License-Identifier: ISC */
/*
 * The service state machine on a clock the test drives: combining,
 * delays, damping, drain with and without a deadline, disable and
 * maintenance.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "svc.h"

static struct service_conf	sc;
static struct svc_state		st;
static struct svc_input		in[3];
static uint64_t			now;

static int
setup(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	size_t i;

	(void)state;
	memset(&sc, 0, sizeof(sc));
	strcpy(sc.name, "dns");
	sc.combine = COMBINE_ALL;
	sc.drain_time = 10000;
	sc.damping.penalty = 1000;
	sc.damping.half_life = 60000;
	sc.damping.suppress = 3000;
	sc.damping.reuse = 750;
	sc.damping.max_suppress = 15 * 60000;
	for (i = 0; i < 3; i++) {
		in[i].name = names[i];
		in[i].backend = -1;
		in[i].type = CHECK_DNS;
		in[i].state = HC_STATE_INIT;
		in[i].why = names[i];
	}
	now = 100000;
	svc_init(&st, now);
	return 0;
}

static enum svc_st
eval(size_t n)
{
	svc_eval(&st, &sc, in, n, now);
	return st.state;
}

static void
set(enum hc_state a, enum hc_state b)
{
	in[0].state = a;
	in[1].state = b;
}

static void
test_all(void **state)
{
	(void)state;
	assert_int_equal(eval(2), SVC_INIT);
	set(HC_STATE_UP, HC_STATE_INIT);
	assert_int_equal(eval(2), SVC_INIT);
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_UP);
	assert_string_equal(st.reason, "2 of 2 checks pass");
	set(HC_STATE_UP, HC_STATE_DEGRADED);
	assert_int_equal(eval(2), SVC_DEGRADED);
	assert_string_equal(st.reason, "b");
	set(HC_STATE_DOWN, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_DOWN);
	assert_string_equal(st.reason, "a");
}

static void
test_any_and_threshold(void **state)
{
	(void)state;
	sc.combine = COMBINE_ANY;
	set(HC_STATE_DOWN, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_UP);
	set(HC_STATE_DOWN, HC_STATE_DOWN);
	assert_int_equal(eval(2), SVC_DOWN);
	sc.combine = COMBINE_THRESHOLD;
	sc.threshold = 2;
	set(HC_STATE_UP, HC_STATE_UP);
	in[2].state = HC_STATE_DOWN;
	assert_int_equal(eval(3), SVC_UP);
	set(HC_STATE_UP, HC_STATE_DOWN);
	assert_int_equal(eval(3), SVC_DOWN);
}

static void
test_file_checks_do_not_vote(void **state)
{
	(void)state;
	sc.combine = COMBINE_ANY;
	in[1].type = CHECK_FILE;
	set(HC_STATE_DOWN, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_DOWN);
}

static void
test_delay_up_and_down(void **state)
{
	(void)state;
	sc.delay_up = 2000;
	sc.delay_down = 1000;
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_INIT);
	assert_int_equal(svc_next_event(&st, &sc, now), now + 2000);
	now += 1999;
	assert_int_equal(eval(2), SVC_INIT);
	now += 1;
	assert_int_equal(eval(2), SVC_UP);
	assert_int_equal(svc_next_event(&st, &sc, now), 0);
	set(HC_STATE_DOWN, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_UP);
	/* A failure shorter than delay down is forgiven. */
	now += 500;
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_UP);
	set(HC_STATE_DOWN, HC_STATE_UP);
	eval(2);
	now += 1000;
	assert_int_equal(eval(2), SVC_DOWN);
}

static void
flap(void)
{
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	now += 1000;
	set(HC_STATE_DOWN, HC_STATE_UP);
	eval(2);
	now += 1000;
}

static void
test_damping(void **state)
{
	uint64_t at;
	double	 p, expect;
	char	 want[200], why[320];

	(void)state;
	sc.damping.enabled = 1;
	flap();
	flap();
	flap();
	/* Three flaps in 6s: 3000 minus a little decay, just below. */
	assert_false(st.suppressed);
	flap();
	assert_true(st.suppressed);
	p = svc_penalty(&st, &sc, now);
	assert_true(p > 3000.0 && p < 4000.0);
	/* The start of suppression is an event of its own, with the penalty. */
	snprintf(want, sizeof(want), "damping suppresses it: penalty %lld "
	    "reached suppress 3000; held down until below reuse 750 (in ",
	    (long long)st.penalty);
	assert_memory_equal(st.damp_event, want, strlen(want));
	assert_non_null(strstr(st.damp_event, ", at most 15m)"));
	/* Healthy again, but held down while the penalty is high. */
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_DOWN);
	assert_string_equal(st.damp_event, "");
	snprintf(want, sizeof(want), "damped: flapping, penalty %lld (suppress "
	    "3000, reuse 750)", (long long)svc_penalty(&st, &sc, now));
	assert_string_equal(st.reason, want);
	/* A half-life later, with no eval between: the reason says the
	 * penalty of now, as the JSON and the metric do, not the old one. */
	now += 60000;
	svc_reason(&st, &sc, now, why, sizeof(why));
	snprintf(want, sizeof(want), "damped: flapping, penalty %lld (suppress "
	    "3000, reuse 750)", (long long)svc_penalty(&st, &sc, now));
	assert_string_equal(why, want);
	assert_string_not_equal(why, st.reason);
	assert_true(svc_penalty(&st, &sc, now) < p / 2 + 1);
	p = svc_penalty(&st, &sc, now);
	at = svc_next_event(&st, &sc, now);
	assert_true(at > now);
	/* Released when p * 2^(-t / half-life) falls to reuse. */
	expect = 60000.0 * log2(p / 750.0);
	assert_true((double)(at - now) > expect - 1000.0 &&
	    (double)(at - now) < expect + 1000.0);
	now = at - 1000;
	assert_int_equal(eval(2), SVC_DOWN);
	now = at;
	assert_int_equal(eval(2), SVC_UP);
	assert_false(st.suppressed);
	/* The end too, with the penalty at that moment. */
	snprintf(want, sizeof(want), "damping releases it: penalty %lld below "
	    "reuse 750, after ", (long long)svc_penalty(&st, &sc, now));
	assert_memory_equal(st.damp_event, want, strlen(want));
	assert_true(svc_penalty(&st, &sc, now) < 750.0);
	/* Not damped: the reason is the state's own. */
	svc_reason(&st, &sc, now, why, sizeof(why));
	assert_string_equal(why, st.reason);
}

static void
test_damping_max_suppress(void **state)
{
	char want[200];

	(void)state;
	sc.damping.enabled = 1;
	sc.damping.penalty = 100000;
	sc.damping.max_suppress = 30000;
	flap();
	assert_true(st.suppressed);
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_DOWN);
	now = st.suppressed_at + 30000;
	assert_int_equal(eval(2), SVC_UP);
	snprintf(want, sizeof(want), "damping releases it: max-suppress 30s "
	    "reached, penalty %lld", (long long)svc_penalty(&st, &sc, now));
	assert_string_equal(st.damp_event, want);
}

static void
test_drain(void **state)
{
	(void)state;
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	st.drain = 1;
	st.drain_until = now + 5000;
	assert_int_equal(eval(2), SVC_DRAINING);
	assert_string_equal(st.reason, "drained by operator");
	assert_int_equal(svc_next_event(&st, &sc, now), now + 5000);
	now += 5000;
	assert_int_equal(eval(2), SVC_UP);
	assert_false(st.drain);
	/* Nothing to drain when the checks fail: down wins. */
	st.drain = 1;
	st.drain_until = 0;
	set(HC_STATE_DOWN, HC_STATE_UP);
	assert_int_equal(eval(2), SVC_DOWN);
}

static void
test_drain_time_then_withdraw(void **state)
{
	(void)state;
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	assert_true(svc_announced(&st));
	st.drain = 1;
	eval(2);
	assert_int_equal(st.state, SVC_DRAINING);
	assert_true(svc_announced(&st));
	assert_int_equal(svc_next_event(&st, &sc, now), now + 10000);
	now += 9999;
	assert_int_equal(svc_eval(&st, &sc, in, 2, now), 0);
	now += 1;
	/* The phase change is reported though the state stays. */
	assert_int_equal(svc_eval(&st, &sc, in, 2, now), 1);
	assert_int_equal(st.state, SVC_DRAINING);
	assert_false(svc_announced(&st));
	st.drain = 0;
	eval(2);
	assert_int_equal(st.state, SVC_UP);
	assert_false(st.drained);
	assert_true(svc_announced(&st));
}

static void
test_last_site_protection(void **state)
{
	(void)state;
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	st.last_site = 1;
	set(HC_STATE_DOWN, HC_STATE_UP);
	/* Not asked for: down as always. */
	assert_int_equal(eval(2), SVC_DOWN);
	sc.protect_last = 1;
	assert_int_equal(eval(2), SVC_DEGRADED);
	assert_non_null(strstr(st.reason, "last site"));
	assert_true(svc_announced(&st));
	/* Another site appears: the failing service goes. */
	st.last_site = 0;
	assert_int_equal(eval(2), SVC_DOWN);
	assert_false(svc_announced(&st));
	/* The operator still wins. */
	st.last_site = 1;
	st.disabled = 1;
	assert_int_equal(eval(2), SVC_DISABLED);
}

static void
test_disable_wins(void **state)
{
	(void)state;
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	st.disabled = 1;
	st.drain = 1;
	assert_int_equal(eval(2), SVC_DISABLED);
	st.disabled = 0;
	assert_int_equal(eval(2), SVC_DRAINING);
}

static void
test_maintenance_file(void **state)
{
	(void)state;
	in[2].type = CHECK_FILE;
	in[2].state = HC_STATE_MAINT;
	in[2].why = "/etc/maint present";
	set(HC_STATE_UP, HC_STATE_UP);
	assert_int_equal(eval(3), SVC_DRAINING);
	assert_true(st.maint);
	assert_non_null(strstr(st.reason, "/etc/maint"));
	in[2].state = HC_STATE_UP;
	assert_int_equal(eval(3), SVC_UP);
}

static void
test_shutdown(void **state)
{
	(void)state;
	set(HC_STATE_UP, HC_STATE_UP);
	eval(2);
	st.shutdown = 1;
	assert_int_equal(eval(2), SVC_DRAINING);
	assert_string_equal(st.reason, "shutting down");
	assert_int_equal(st.since, now);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all, setup),
		cmocka_unit_test_setup(test_any_and_threshold, setup),
		cmocka_unit_test_setup(test_file_checks_do_not_vote, setup),
		cmocka_unit_test_setup(test_delay_up_and_down, setup),
		cmocka_unit_test_setup(test_damping, setup),
		cmocka_unit_test_setup(test_damping_max_suppress, setup),
		cmocka_unit_test_setup(test_drain, setup),
		cmocka_unit_test_setup(test_drain_time_then_withdraw, setup),
		cmocka_unit_test_setup(test_last_site_protection, setup),
		cmocka_unit_test_setup(test_disable_wins, setup),
		cmocka_unit_test_setup(test_maintenance_file, setup),
		cmocka_unit_test_setup(test_shutdown, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
