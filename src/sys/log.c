/* SPDX-License-Identifier: ISC */
/*
 * Logging: stderr in the foreground, syslog (hence the journal) otherwise.
 * One place decides the format, so every state-change line looks alike.
 *
 * Under systemd, stderr is often a stream to the journal, which would file
 * every line at the unit's default priority.  journald reads a leading
 * "<N>" (N a syslog priority) on each line as that line's priority, so
 * when stderr is the journal's stream we write that instead of the
 * wall-clock time the journal records anyway: `journalctl -p warning`
 * then shows warnings and errors only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "sys/log.h"

static enum log_target	target = LOG_TARGET_STDERR;
static enum log_level	level = LOG_LEVEL_INFO;
static int		journal_stderr;	/* stderr is the journal's stream */

/*
 * systemd sets JOURNAL_STREAM="DEV:INODE" to the stream it connected to
 * stdout/stderr; a redirect by the operator changes stderr's identity, so
 * only an exact match means the lines reach the journal.
 */
int
log_stderr_is_journal(void)
{
	const char		*env = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 st;
	char			 extra;

	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino, &extra) != 2)
		return 0;
	if (fstat(2, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(enum log_target t, enum log_level l, const char *ident)
{
	target = t;
	level = l;
	journal_stderr = t == LOG_TARGET_STDERR && log_stderr_is_journal();
	if (t == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level l)
{
	level = l;
}

static void
vlog(enum log_level l, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];

	if (l > level)
		return;
	if (target == LOG_TARGET_SYSLOG) {
		vsyslog(prio[l], fmt, ap);
		return;
	}
	if (journal_stderr) {
		fprintf(stderr, "<%d>%s", prio[l], tag[l]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s", when, ts.tv_nsec / 1000000, tag[l]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOG_FN(name, lvl)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(lvl, fmt, ap);				\
	va_end(ap);					\
}

LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

/*
 * A message that can repeat as fast as the loop spins (a failing accept,
 * a full descriptor table) gets LOG_RATE_BURST lines per window; the
 * rest are counted and the count is logged when the next window opens.
 */
#define LOG_RATE_WINDOW_MS	10000
#define LOG_RATE_BURST		5

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
log_rated(struct log_rate *r, enum log_level l, const char *fmt, ...)
{
	uint64_t	now = mono_ms();
	va_list		ap;

	if (r->start == 0 || now - r->start >= LOG_RATE_WINDOW_MS) {
		if (r->suppressed)
			log_warn("%u more like the next were not logged in "
			    "%u s", r->suppressed, LOG_RATE_WINDOW_MS / 1000);
		r->start = now;
		r->count = 0;
		r->suppressed = 0;
	}
	if (r->count >= LOG_RATE_BURST) {
		r->suppressed++;
		return;
	}
	r->count++;
	va_start(ap, fmt);
	vlog(l, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx_oom(void)
{
	fatal("out of memory");
}
