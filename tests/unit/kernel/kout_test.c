/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the comparisons kout.c repairs by: whether the route the
 * kernel holds has the next hops we want (kout_same_hops), the metric
 * the kernel stores, and how a route of the kernel is written in the log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "kernel/kout.h"

static void
hop(struct nl_route *r, const char *gw, unsigned ifindex, unsigned weight)
{
	struct nl_nexthop *h = &r->nh[r->nnh++];

	memset(h, 0, sizeof(*h));
	if (gw) {
		h->gw.family = strchr(gw, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(h->gw.family, gw, &h->gw.u), 1);
	}
	h->ifindex = ifindex;
	h->weight = weight;
}

static void
test_same_hops(void **state)
{
	struct nl_route want, kernel;

	(void)state;
	memset(&want, 0, sizeof(want));
	memset(&kernel, 0, sizeof(kernel));
	/* One hop: the kernel keeps no weight (reads back 1). */
	hop(&want, "198.51.100.2", 0, 3);
	hop(&kernel, "198.51.100.2", 7, 1);
	assert_true(kout_same_hops(&want, &kernel));
	/* Another gateway: not the same. */
	kernel.nh[0].gw.u.v4.s_addr ^= htonl(1);
	assert_false(kout_same_hops(&want, &kernel));

	/* Two hops: weights count, order does not, interface 0 is any. */
	memset(&want, 0, sizeof(want));
	memset(&kernel, 0, sizeof(kernel));
	hop(&want, "198.51.100.2", 0, 3);
	hop(&want, "198.51.100.18", 0, 1);
	hop(&kernel, "198.51.100.18", 2, 1);
	hop(&kernel, "198.51.100.2", 3, 3);
	assert_true(kout_same_hops(&want, &kernel));
	kernel.nh[1].weight = 1;
	assert_false(kout_same_hops(&want, &kernel));
	kernel.nh[1].weight = 3;
	want.nh[0].ifindex = 4;			/* a `dev` of the config */
	assert_false(kout_same_hops(&want, &kernel));
	/* One hop fewer: not the same. */
	kernel.nnh = 1;
	assert_false(kout_same_hops(&want, &kernel));
}

static void
test_metric(void **state)
{
	(void)state;
	assert_int_equal(kout_metric(0, AF_INET), 0);
	assert_int_equal(kout_metric(0, AF_INET6), 1024);
	assert_int_equal(kout_metric(100, AF_INET6), 100);
}

static void
test_fmt_route(void **state)
{
	struct nl_route	r;
	char		buf[200];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.proto = RTPROT_STATIC;
	r.type = RTN_UNICAST;
	r.metric = 700;
	hop(&r, "198.51.100.99", 0, 1);
	hop(&r, "2001:db8::5", 0, 1);
	kout_fmt_route(&r, buf, sizeof(buf));
	assert_string_equal(buf, "proto 4 metric 700 via 198.51.100.99, "
	    "via 2001:db8::5");
	memset(&r, 0, sizeof(r));
	r.proto = RTPROT_STATIC;
	r.type = RTN_BLACKHOLE;
	kout_fmt_route(&r, buf, sizeof(buf));
	assert_string_equal(buf, "proto 4 metric 0 type 6");
	/* Cut short, still a string. */
	kout_fmt_route(&r, buf, 8);
	assert_string_equal(buf, "proto 4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_hops),
		cmocka_unit_test(test_metric),
		cmocka_unit_test(test_fmt_route),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
