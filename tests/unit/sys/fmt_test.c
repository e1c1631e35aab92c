/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/capability.h>

#include "sys/fmt.h"

static void
test_caps_by_name(void **state)
{
	char buf[128];

	(void)state;
	fmt_caps(1ULL << CAP_NET_ADMIN, buf, sizeof(buf));
	assert_string_equal(buf, "CAP_NET_ADMIN");
	fmt_caps((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_BIND_SERVICE),
	    buf, sizeof(buf));
	assert_string_equal(buf, "CAP_NET_BIND_SERVICE,CAP_NET_ADMIN");
	fmt_caps(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	/* A capability without a name here still shows, as a number. */
	fmt_caps((1ULL << CAP_KILL) | (1ULL << 40), buf, sizeof(buf));
	assert_string_equal(buf, "CAP_KILL,0x10000000000");
}

static void
test_caps_truncated(void **state)
{
	char buf[12];

	(void)state;
	fmt_caps((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_BIND_SERVICE),
	    buf, sizeof(buf));
	assert_int_equal(buf[sizeof(buf) - 1], '\0');
}

static void
test_durations(void **state)
{
	char buf[32];

	(void)state;
	fmt_duration(10000, buf, sizeof(buf));
	assert_string_equal(buf, "10s");
	fmt_duration(9987, buf, sizeof(buf));
	assert_string_equal(buf, "10s");
	fmt_duration(1500, buf, sizeof(buf));
	assert_string_equal(buf, "1.5s");
	fmt_duration(250, buf, sizeof(buf));
	assert_string_equal(buf, "250ms");
	fmt_duration(0, buf, sizeof(buf));
	assert_string_equal(buf, "0ms");
	fmt_duration(90000, buf, sizeof(buf));
	assert_string_equal(buf, "1m30s");
	fmt_duration(3600400, buf, sizeof(buf));
	assert_string_equal(buf, "1h");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_by_name),
		cmocka_unit_test(test_caps_truncated),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
