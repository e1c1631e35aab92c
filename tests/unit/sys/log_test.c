/* SPDX-License-Identifier: ISC */
/*
 * Log lines on stderr: with the journal's stream as stderr (JOURNAL_STREAM
 * naming stderr's device and inode) each line starts with its syslog
 * priority as "<N>", so journald files it at that priority; on any other
 * stderr, lines keep their timestamp and carry no such prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "sys/log.h"

struct capture {
	FILE	*file;
	int	 saved;		/* the real stderr */
};

static void
capture_start(struct capture *c)
{
	c->file = tmpfile();
	assert_non_null(c->file);
	fflush(stderr);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->file), 2) == 2);
}

/* What went to stderr since capture_start, NUL-terminated in buf. */
static void
capture_end(struct capture *c, char *buf, size_t len)
{
	size_t n;

	fflush(stderr);
	assert_true(dup2(c->saved, 2) == 2);
	close(c->saved);
	rewind(c->file);
	n = fread(buf, 1, len - 1, c->file);
	buf[n] = '\0';
	fclose(c->file);
}

static void
set_journal_stream_to_stderr(int off_by_one)
{
	struct stat	st;
	char		v[64];

	assert_int_equal(fstat(2, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + (off_by_one ? 1 : 0));
	setenv("JOURNAL_STREAM", v, 1);
}

static void
test_journal_prefix(void **state)
{
	struct capture	c;
	char		out[512], want[128];

	(void)state;
	capture_start(&c);
	set_journal_stream_to_stderr(0);
	assert_true(log_stderr_is_journal());
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_INFO, "anycastd");
	log_error("e %d", 1);
	log_warn("w %s", "two");
	log_info("i");
	log_debug("not logged at info");
	capture_end(&c, out, sizeof(out));
	snprintf(want, sizeof(want), "<%d>error: e 1\n<%d>warning: w two\n"
	    "<%d>i\n", LOG_ERR, LOG_WARNING, LOG_INFO);
	assert_string_equal(out, want);
	unsetenv("JOURNAL_STREAM");
}

static void
test_other_stderr_keeps_timestamps(void **state)
{
	struct capture	c;
	char		out[512];

	(void)state;
	capture_start(&c);
	/* A redirect: the stream systemd made is no longer stderr. */
	set_journal_stream_to_stderr(1);
	assert_false(log_stderr_is_journal());
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_INFO, "anycastd");
	log_warn("w");
	capture_end(&c, out, sizeof(out));
	/* "HH:MM:SS.mmm warning: w" */
	assert_int_equal(strlen(out), strlen("00:00:00.000 warning: w\n"));
	assert_true(out[2] == ':' && out[5] == ':' && out[8] == '.');
	assert_string_equal(out + 13, "warning: w\n");
	unsetenv("JOURNAL_STREAM");
}

static void
test_malformed_journal_stream(void **state)
{
	static const char *const bad[] = { "", "12", "12:", ":34", "1:2x",
	    "a:b", NULL };
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		setenv("JOURNAL_STREAM", bad[i], 1);
		assert_false(log_stderr_is_journal());
	}
	unsetenv("JOURNAL_STREAM");
	assert_false(log_stderr_is_journal());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_prefix),
		cmocka_unit_test(test_other_stderr_keeps_timestamps),
		cmocka_unit_test(test_malformed_journal_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
