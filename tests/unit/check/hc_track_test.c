/* SPDX-License-Identifier: ISC */
/*
 * Rise/fall hysteresis, the fast interval while in doubt, and the
 * statistics of one check, on results made up by the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/hc_track.h"

static struct check_conf	conf;
static struct hc_track		track;
static uint64_t			now;

static int
teardown(void **state)
{
	(void)state;
	hc_track_free(&track);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.type = CHECK_DNS;
	strcpy(conf.name, "dns");
	conf.interval = 500;
	conf.fast_interval = 100;
	conf.timeout = 200;
	conf.rise = 3;
	conf.fall = 2;
	now = 1000;
	hc_track_init(&track, now);
	return 0;
}

static int
feed(enum hc_status s, uint64_t rtt_us)
{
	struct hc_result r;

	memset(&r, 0, sizeof(r));
	r.status = s;
	r.reason = s == HC_FAIL ? HC_R_TIMEOUT : s == HC_DEGRADED ?
	    HC_R_LATENCY : HC_R_OK;
	r.rtt_us = rtt_us;
	strcpy(r.detail, s == HC_FAIL ? "timeout after 200ms" : "fine");
	now += 100;
	return hc_track_apply(&track, &conf, &r, now);
}

static void
test_rise(void **state)
{
	(void)state;
	assert_int_equal(track.state, HC_STATE_INIT);
	assert_int_equal(hc_track_next_delay(&track, &conf), 100);
	assert_false(feed(HC_OK, 500));
	assert_false(feed(HC_OK, 500));
	assert_int_equal(track.state, HC_STATE_INIT);
	assert_true(feed(HC_OK, 500));
	assert_int_equal(track.state, HC_STATE_UP);
	assert_int_equal(track.changed_at, now);
	assert_int_equal(hc_track_next_delay(&track, &conf), 500);
	assert_non_null(strstr(track.why, "passed 3/3"));
}

static void
test_fall_with_fast_interval(void **state)
{
	(void)state;
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	assert_false(feed(HC_FAIL, 0));
	assert_int_equal(track.state, HC_STATE_UP);
	/* One failure puts the check in doubt: re-check at once. */
	assert_int_equal(hc_track_next_delay(&track, &conf), 100);
	assert_true(feed(HC_FAIL, 0));
	assert_int_equal(track.state, HC_STATE_DOWN);
	assert_string_equal(track.why,
	    "dns check failed 2/2: timeout after 200ms");
	assert_int_equal(hc_track_next_delay(&track, &conf), 500);
}

static void
test_one_lost_packet_does_not_flap(void **state)
{
	(void)state;
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	assert_false(feed(HC_FAIL, 0));
	assert_false(feed(HC_OK, 1));
	assert_false(feed(HC_FAIL, 0));
	assert_int_equal(track.state, HC_STATE_UP);
	assert_int_equal(track.failures, 2);
	assert_int_equal(track.successes, 4);
}

static void
test_init_straight_to_down(void **state)
{
	(void)state;
	assert_false(feed(HC_FAIL, 0));
	assert_true(feed(HC_FAIL, 0));
	assert_int_equal(track.state, HC_STATE_DOWN);
	/* Back up needs rise passes, probed fast while in doubt. */
	assert_false(feed(HC_OK, 1));
	assert_int_equal(hc_track_next_delay(&track, &conf), 100);
	assert_false(feed(HC_OK, 1));
	assert_true(feed(HC_OK, 1));
	assert_int_equal(track.state, HC_STATE_UP);
}

static void
test_degraded_hysteresis(void **state)
{
	(void)state;
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	assert_false(feed(HC_DEGRADED, 80000));
	assert_true(feed(HC_DEGRADED, 80000));
	assert_int_equal(track.state, HC_STATE_DEGRADED);
	assert_false(feed(HC_OK, 1));
	assert_false(feed(HC_OK, 1));
	assert_true(feed(HC_OK, 1));
	assert_int_equal(track.state, HC_STATE_UP);
}

static void
test_rise_into_degraded(void **state)
{
	(void)state;
	feed(HC_DEGRADED, 80000);
	feed(HC_DEGRADED, 80000);
	assert_true(feed(HC_DEGRADED, 80000));
	assert_int_equal(track.state, HC_STATE_DEGRADED);
}

/*
 * The counter in a reason counts what the reason claims (rise 3, fall
 * 2): never "degraded 3/2" for a check that rose from down through slow
 * answers, nor "passed 1/3" for one that rose through mixed ones.
 */
/* Only the pairs seen are kept, in the order of the metrics. */
static void
test_pairs_sorted(void **state)
{
	struct hc_result r;

	(void)state;
	assert_int_equal(track.ncounts, 0);
	memset(&r, 0, sizeof(r));
	hc_result_set(&r, HC_FAIL, HC_R_REFUSED, "refused");
	hc_track_apply(&track, &conf, &r, now);
	feed(HC_OK, 1);
	feed(HC_FAIL, 0);			/* timeout */
	feed(HC_FAIL, 0);
	feed(HC_DEGRADED, 80000);
	assert_int_equal(track.ncounts, 4);
	assert_int_equal(track.counts[0].status, HC_OK);
	assert_int_equal(track.counts[1].status, HC_DEGRADED);
	assert_int_equal(track.counts[2].reason, HC_R_TIMEOUT);
	assert_int_equal(track.counts[3].reason, HC_R_REFUSED);
	assert_int_equal(hc_track_count(&track, HC_FAIL, HC_R_TIMEOUT), 2);
	assert_int_equal(hc_track_count(&track, HC_FAIL, HC_R_REFUSED), 1);
	assert_int_equal(hc_track_count(&track, HC_FAIL, HC_R_RCODE), 0);
}

static void
test_reason_counts(void **state)
{
	(void)state;
	feed(HC_FAIL, 0);
	assert_true(feed(HC_FAIL, 0));
	assert_string_equal(track.why, "dns check failed 2/2: timeout after "
	    "200ms");
	feed(HC_DEGRADED, 80000);
	feed(HC_DEGRADED, 80000);
	assert_true(feed(HC_DEGRADED, 80000));
	assert_int_equal(track.state, HC_STATE_DEGRADED);
	assert_string_equal(track.why, "dns check passed 3/3, degraded: fine");
	/* Up from degraded: good answers against rise. */
	feed(HC_OK, 1);
	feed(HC_OK, 1);
	assert_true(feed(HC_OK, 1));
	assert_string_equal(track.why, "dns check passed 3/3: fine");
	/* Degraded from up: slow answers against fall. */
	feed(HC_DEGRADED, 80000);
	assert_true(feed(HC_DEGRADED, 80000));
	assert_string_equal(track.why, "dns check degraded 2/2: fine");
	/* Down, then up through slow and good answers mixed. */
	feed(HC_FAIL, 0);
	assert_true(feed(HC_FAIL, 0));
	feed(HC_DEGRADED, 80000);
	feed(HC_DEGRADED, 80000);
	assert_true(feed(HC_OK, 1));
	assert_int_equal(track.state, HC_STATE_UP);
	assert_string_equal(track.why, "dns check passed 3/3: fine");
}

static void
test_rtt_stats(void **state)
{
	(void)state;
	feed(HC_OK, 300);
	feed(HC_OK, 100);
	feed(HC_FAIL, 0);
	feed(HC_OK, 200);
	assert_int_equal(track.rtt_n, 3);
	assert_int_equal(track.rtt_min_us, 100);
	assert_int_equal(track.rtt_max_us, 300);
	assert_int_equal(track.rtt_last_us, 200);
	assert_int_equal(track.rtt_sum_us / track.rtt_n, 200);
	assert_true(track.have_last);
	assert_int_equal(track.last_status, HC_OK);
	assert_string_equal(track.last_detail, "fine");
}

/* The last detail's buffer only grows; a shorter one after a longer one
 * and one of the longest a result holds are both kept whole. */
static void
test_last_detail(void **state)
{
	struct hc_result r;

	(void)state;
	feed(HC_FAIL, 0);
	assert_string_equal(track.last_detail, "timeout after 200ms");
	assert_int_equal(track.last_reason, HC_R_TIMEOUT);
	feed(HC_OK, 100);
	assert_string_equal(track.last_detail, "fine");
	memset(&r, 0, sizeof(r));
	r.status = HC_DEGRADED;
	r.reason = HC_R_LATENCY;
	memset(r.detail, 'x', sizeof(r.detail) - 1);
	hc_track_apply(&track, &conf, &r, now += 100);
	assert_int_equal(strlen(track.last_detail), sizeof(r.detail) - 1);
	assert_int_equal(track.last_status, HC_DEGRADED);
	feed(HC_OK, 100);
	assert_string_equal(track.last_detail, "fine");
}

static void
test_bogus_counted(void **state)
{
	struct hc_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.status = HC_FAIL;
	r.reason = HC_R_TIMEOUT;
	r.bogus = 3;
	hc_track_apply(&track, &conf, &r, ++now);
	assert_int_equal(track.bogus, 3);
	assert_int_equal(track.failures, 1);
}

static void
test_file_check_is_immediate(void **state)
{
	struct hc_result r;

	(void)state;
	conf.type = CHECK_FILE;
	conf.rise = conf.fall = 1;
	memset(&r, 0, sizeof(r));
	r.status = HC_MAINT;
	r.reason = HC_R_FILE_PRESENT;
	assert_true(hc_track_apply(&track, &conf, &r, ++now));
	assert_int_equal(track.state, HC_STATE_MAINT);
	r.status = HC_OK;
	assert_true(hc_track_apply(&track, &conf, &r, ++now));
	assert_int_equal(track.state, HC_STATE_UP);
}

/* The next probe is due an interval after the last was due, unless that
 * probe ran past it: then an interval after it ended. */
static void
test_next_due_keeps_the_phase(void **state)
{
	(void)state;
	/* Due at 1000, answered at 1080: the next is due at 1500. */
	assert_int_equal(hc_track_next_due(1000, 500, 1080), 1500);
	/* The timer fired late (1030) and the answer took 80 ms. */
	assert_int_equal(hc_track_next_due(1000, 500, 1110), 1500);
	/* A fast interval after a failure, from the due time too. */
	assert_int_equal(hc_track_next_due(1000, 100, 1050), 1100);
	/* A probe that timed out after 200 ms, fast interval 100 ms: not
	 * at once, but 100 ms after the timeout. */
	assert_int_equal(hc_track_next_due(1000, 100, 1200), 1300);
	assert_int_equal(hc_track_next_due(1000, 100, 1100), 1200);
	/* Less than half a delay left: a delay after the end. */
	assert_int_equal(hc_track_next_due(1000, 100, 1060), 1160);
	/* A timeout as long as the interval, its timer a little early by
	 * another clock: still not back to back. */
	assert_int_equal(hc_track_next_due(1000, 300, 1297), 1597);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rise),
		T(test_fall_with_fast_interval),
		T(test_one_lost_packet_does_not_flap),
		T(test_init_straight_to_down),
		T(test_degraded_hysteresis),
		T(test_rise_into_degraded),
		T(test_pairs_sorted),
		T(test_reason_counts),
		T(test_rtt_stats),
	T(test_last_detail),
		T(test_bogus_counted),
		T(test_file_check_is_immediate),
		T(test_next_due_keeps_the_phase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
