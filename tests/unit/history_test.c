/* SPDX-License-Identifier: ISC */
/*
 * history.c: the ring of transitions behind `show history`, its filter by
 * service, and the per-subject change counts that survive the ring
 * turning over.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "history.h"
#include "sys/util.h"

static json_object *
entries(const char *service)
{
	json_object *o = history_json(service), *list;

	assert_true(json_object_object_get_ex(o, "history", &list));
	json_object_get(list);
	json_object_put(o);
	return list;
}

static const char *
field(json_object *list, size_t i, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(
	    json_object_array_get_idx(list, i), key, &v));
	return json_object_get_string(v);
}

static void
test_order_filter_and_count(void **state)
{
	json_object *list;

	(void)state;
	history_clear();
	util_clock_set(1000);
	history_add("dns", NULL, "init", "up", "1 of 1 checks pass");
	history_add("dns", "probe", "init", "up", "passed");
	util_clock_set(3000);
	history_add("other", NULL, "init", "down", "failed");
	history_add("dns", NULL, "up", "down", "probe failed");

	list = entries(NULL);
	assert_int_equal(json_object_array_length(list), 4);
	assert_string_equal(field(list, 0, "to"), "up");	/* oldest first */
	assert_string_equal(field(list, 3, "from"), "up");
	assert_string_equal(field(list, 3, "to"), "down");
	assert_string_equal(field(list, 3, "changes"), "2");
	assert_string_equal(field(list, 3, "ago_ms"), "0");
	assert_string_equal(field(list, 0, "ago_ms"), "2000");
	assert_null(json_object_object_get(json_object_array_get_idx(list, 0),
	    "check"));
	assert_string_equal(field(list, 1, "check"), "probe");
	json_object_put(list);

	list = entries("dns");
	assert_int_equal(json_object_array_length(list), 3);
	json_object_put(list);
	assert_int_equal(history_changes("dns", NULL), 2);
	assert_int_equal(history_changes("dns", "probe"), 1);
	assert_int_equal(history_changes("nosuch", NULL), 0);
	util_clock_set(0);
	history_clear();
}

static void
test_ring_keeps_the_last_and_counts_all(void **state)
{
	json_object	*list;
	char		 to[16];
	int		 i;

	(void)state;
	history_clear();
	for (i = 0; i < HISTORY_MAX + 10; i++) {
		snprintf(to, sizeof(to), "s%d", i);
		history_add("dns", NULL, "x", to, "");
	}
	list = entries(NULL);
	assert_int_equal(json_object_array_length(list), HISTORY_MAX);
	assert_string_equal(field(list, 0, "to"), "s10");
	snprintf(to, sizeof(to), "s%d", HISTORY_MAX + 9);
	assert_string_equal(field(list, HISTORY_MAX - 1, "to"), to);
	json_object_put(list);
	assert_int_equal(history_changes("dns", NULL), HISTORY_MAX + 10);
	history_clear();
}

static void
test_time_format(void **state)
{
	char buf[40];

	(void)state;
	history_fmt_time(util_now_ms(), buf, sizeof(buf));
	assert_int_equal(strlen(buf), 24);
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[19], '.');
	assert_int_equal(buf[23], 'Z');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_filter_and_count),
		cmocka_unit_test(test_ring_keeps_the_last_and_counts_all),
		cmocka_unit_test(test_time_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
