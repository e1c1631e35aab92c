/* SPDX-License-Identifier: ISC */
/*
 * A child's stderr as log lines: cut at newlines however it is fed,
 * escaped, each line capped, so many lines a run, the rest counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/proc_err.h"

static char	lines[64][4 * PROC_ERR_LINE_MAX + 64];
static size_t	nlines;

static void
collect(const char *label, const char *line, void *arg)
{
	(void)arg;
	assert_string_equal(label, "check dns/zones");
	assert_true(nlines < 64);
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static int
setup(void **state)
{
	(void)state;
	nlines = 0;
	return 0;
}

static void
test_lines_whatever_the_reads(void **state)
{
	struct proc_err pe;

	(void)state;
	proc_err_init(&pe, "check dns/zones", collect, NULL);
	proc_err_feed(&pe, "one\ntw", 6);
	assert_int_equal(nlines, 1);
	proc_err_feed(&pe, "o\n\nthree", 8);
	assert_int_equal(nlines, 3);
	proc_err_flush(&pe);
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[0], "one");
	assert_string_equal(lines[1], "two");
	assert_string_equal(lines[2], "");
	assert_string_equal(lines[3], "three");	/* no newline at the end */
}

static void
test_escaped(void **state)
{
	struct proc_err	pe;
	const char	in[] = "a\\b\tc\r\x1b[0m\xc3\xa9\x7f\n";

	(void)state;
	proc_err_init(&pe, "check dns/zones", collect, NULL);
	proc_err_feed(&pe, in, sizeof(in) - 1);
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0],
	    "a\\\\b\\tc\\x0d\\x1b[0m\\xc3\\xa9\\x7f");
}

static void
test_long_line_cut(void **state)
{
	struct proc_err	pe;
	char		big[1000], want[PROC_ERR_LINE_MAX + 64];
	int		i;

	(void)state;
	memset(big, 'x', sizeof(big));
	proc_err_init(&pe, "check dns/zones", collect, NULL);
	for (i = 0; i < 1000; i++)	/* 1 MB without a newline */
		proc_err_feed(&pe, big, sizeof(big));
	proc_err_feed(&pe, "\nafter\n", 7);
	assert_int_equal(nlines, 2);
	memset(want, 'x', PROC_ERR_LINE_MAX);
	snprintf(want + PROC_ERR_LINE_MAX, sizeof(want) - PROC_ERR_LINE_MAX,
	    " [%d more bytes cut]", 1000000 - PROC_ERR_LINE_MAX);
	assert_string_equal(lines[0], want);
	assert_string_equal(lines[1], "after");
}

static void
test_lines_per_run_capped(void **state)
{
	struct proc_err	pe;
	int		i;

	(void)state;
	proc_err_init(&pe, "check dns/zones", collect, NULL);
	for (i = 0; i < PROC_ERR_LINES_MAX + 10; i++)
		proc_err_feed(&pe, "0123456789\n", 11);
	assert_int_equal(nlines, PROC_ERR_LINES_MAX);
	proc_err_flush(&pe);
	assert_int_equal(nlines, PROC_ERR_LINES_MAX + 1);
	assert_string_equal(lines[PROC_ERR_LINES_MAX],
	    "[110 more bytes of stderr dropped]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lines_whatever_the_reads, setup),
		cmocka_unit_test_setup(test_escaped, setup),
		cmocka_unit_test_setup(test_long_line_cut, setup),
		cmocka_unit_test_setup(test_lines_per_run_capped, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
