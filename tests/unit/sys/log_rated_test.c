/* SPDX-License-Identifier: ISC */
/*
 * The rate-limited log: a burst of lines per window, the rest counted
 * and reported when the next window opens.  stderr is captured in a
 * temporary file to count what was written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys/log.h"

static char *
captured(FILE *f)
{
	static char	buf[65536];
	size_t		n;

	fflush(stderr);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static unsigned
count(const char *text, const char *what)
{
	unsigned n = 0;

	while ((text = strstr(text, what)) != NULL) {
		n++;
		text += strlen(what);
	}
	return n;
}

static void
test_rated(void **state)
{
	static struct log_rate	 rate;
	FILE			*f = tmpfile();
	int			 saved = dup(2), i;
	char			*out;

	(void)state;
	assert_non_null(f);
	assert_true(dup2(fileno(f), 2) == 2);
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_INFO, "log_test");
	for (i = 0; i < 1000; i++)
		log_rated(&rate, LOG_LEVEL_ERROR, "accept: %d", i);
	out = captured(f);
	assert_int_equal(count(out, "accept: "), 5);
	assert_int_equal(rate.suppressed, 995);
	/* The next window opens with the count of what was dropped. */
	rate.start -= 10000;
	log_rated(&rate, LOG_LEVEL_ERROR, "accept: again");
	out = captured(f);
	assert_non_null(strstr(out, "995 more like the next were not logged"));
	assert_non_null(strstr(out, "accept: again"));
	assert_int_equal(rate.suppressed, 0);
	/* Below the level: neither logged nor counted as logged. */
	log_rated(&rate, LOG_LEVEL_DEBUG, "quiet");
	assert_null(strstr(captured(f), "quiet"));
	dup2(saved, 2);
	close(saved);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
