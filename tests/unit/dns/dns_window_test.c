/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns/dns_window.c: the nearest-rank p95 of a ring of
 * round-trip times, the hysteresis of `degraded latency p95` (degraded
 * above the limit, up again only below 80% of it).  That a window lives
 * as long as its check, across reloads, is tests/unit/check/hc_state_test.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dns/dns_window.h"

#define MS	1000ULL		/* samples are microseconds */

static void
test_p95_nearest_rank(void **state)
{
	struct dns_window	w;
	unsigned		i;

	(void)state;
	dns_window_init(&w, 100);
	assert_int_equal(dns_window_p95(&w), 0);
	/* 1..100 ms: the 95th of 100 sorted samples is 95 ms. */
	for (i = 100; i >= 1; i--)
		dns_window_add(&w, i * MS);
	assert_int_equal(w.n, 100);
	assert_int_equal(dns_window_p95(&w), 95 * MS);
	dns_window_free(&w);

	/* With 10 samples, ceil(9.5) = 10: the largest. */
	dns_window_init(&w, 10);
	for (i = 1; i <= 10; i++)
		dns_window_add(&w, i * MS);
	assert_int_equal(dns_window_p95(&w), 10 * MS);
	/* The ring forgets the oldest: 11..20 now. */
	for (i = 11; i <= 20; i++)
		dns_window_add(&w, i == 20 ? 1 * MS : i * MS);
	assert_int_equal(w.n, 10);
	assert_int_equal(dns_window_p95(&w), 19 * MS);
	dns_window_free(&w);

	/* 20 samples: rank 19, one outlier does not count. */
	dns_window_init(&w, 20);
	for (i = 0; i < 19; i++)
		dns_window_add(&w, 5 * MS);
	dns_window_add(&w, 900 * MS);
	assert_int_equal(dns_window_p95(&w), 5 * MS);
	dns_window_free(&w);
}

static void
test_hysteresis(void **state)
{
	struct dns_window	w;
	uint64_t		p95;
	unsigned		i;

	(void)state;
	dns_window_init(&w, 4);
	/* Not judged until the window is full. */
	for (i = 0; i < 3; i++) {
		dns_window_add(&w, 500 * MS);
		assert_false(dns_window_judge(&w, 100 * MS, &p95));
	}
	dns_window_add(&w, 500 * MS);
	assert_true(dns_window_judge(&w, 100 * MS, &p95));
	assert_int_equal(p95, 500 * MS);
	/* 90 ms: below the limit, above 80% of it: still degraded. */
	for (i = 0; i < 4; i++)
		dns_window_add(&w, 90 * MS);
	assert_true(dns_window_judge(&w, 100 * MS, &p95));
	assert_int_equal(p95, 90 * MS);
	/* Exactly 80%: still degraded; below: up. */
	for (i = 0; i < 4; i++)
		dns_window_add(&w, 80 * MS);
	assert_true(dns_window_judge(&w, 100 * MS, &p95));
	dns_window_add(&w, 79 * MS);
	dns_window_add(&w, 79 * MS);
	dns_window_add(&w, 79 * MS);
	dns_window_add(&w, 79 * MS);
	assert_false(dns_window_judge(&w, 100 * MS, &p95));
	/* Up at 90 ms stays up: the limit itself is not exceeded. */
	for (i = 0; i < 4; i++)
		dns_window_add(&w, 90 * MS);
	assert_false(dns_window_judge(&w, 100 * MS, &p95));
	dns_window_add(&w, 100 * MS);
	assert_false(dns_window_judge(&w, 100 * MS, &p95));
	dns_window_add(&w, 101 * MS);
	assert_true(dns_window_judge(&w, 100 * MS, &p95));
	dns_window_free(&w);
}

/* The reason says what holds: above the limit, or inside the band. */
static void
test_reason(void **state)
{
	struct dns_window	w;
	uint64_t		p95;
	char			buf[160];
	unsigned		i;

	(void)state;
	dns_window_init(&w, 20);
	for (i = 0; i < 20; i++)
		dns_window_add(&w, 35 * MS);
	assert_true(dns_window_judge(&w, 30 * MS, &p95));
	dns_window_reason(&w, p95, 30 * MS, buf, sizeof(buf));
	assert_string_equal(buf, "p95 latency 35.0ms over the last 20 answers "
	    "> 30ms (up again below 24ms)");
	/* 29.9 ms after being degraded: not "> 30ms", degraded all the same. */
	for (i = 0; i < 20; i++)
		dns_window_add(&w, 29900);
	assert_true(dns_window_judge(&w, 30 * MS, &p95));
	dns_window_reason(&w, p95, 30 * MS, buf, sizeof(buf));
	assert_string_equal(buf, "p95 latency 29.9ms over the last 20 answers, "
	    "degraded until below 24ms (limit 30ms)");
	/* A recovery point that is not a whole millisecond. */
	dns_window_reason(&w, 30 * MS, 33 * MS, buf, sizeof(buf));
	assert_string_equal(buf, "p95 latency 30.0ms over the last 20 answers, "
	    "degraded until below 26.4ms (limit 33ms)");
	dns_window_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p95_nearest_rank),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
