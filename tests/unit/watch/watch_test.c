/* SPDX-License-Identifier: ISC */
/*
 * The pure parts of the watches: pid files, how a zombie ended, which
 * sockets serve an address, the tcp-session query, and what a watch's
 * failure does to a check's state (immediate on and off).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/hc_track.h"
#include "watch/watch.h"

static void
test_parse_pid(void **state)
{
	int pid = 0;

	(void)state;
	assert_int_equal(watch_process_parse_pid("1234\n", &pid), 0);
	assert_int_equal(pid, 1234);
	assert_int_equal(watch_process_parse_pid("  42 \r\n", &pid), 0);
	assert_int_equal(pid, 42);
	assert_int_equal(watch_process_parse_pid("4194304", &pid), 0);
	assert_int_equal(pid, 4194304);
	/* not a pid: empty, words, signs, init, 0, overflow, trailing junk */
	assert_int_equal(watch_process_parse_pid("", &pid), -1);
	assert_int_equal(watch_process_parse_pid("\n", &pid), -1);
	assert_int_equal(watch_process_parse_pid("nsd", &pid), -1);
	assert_int_equal(watch_process_parse_pid("-5", &pid), -1);
	assert_int_equal(watch_process_parse_pid("+5", &pid), -1);
	assert_int_equal(watch_process_parse_pid("1", &pid), -1);
	assert_int_equal(watch_process_parse_pid("0", &pid), -1);
	assert_int_equal(watch_process_parse_pid("99999999999999", &pid), -1);
	assert_int_equal(watch_process_parse_pid("12 34", &pid), -1);
	assert_int_equal(watch_process_parse_pid("12x", &pid), -1);
}

/* A /proc/PID/stat line of a zombie with exit_code CODE (field 52). */
static void
stat_line(char *buf, size_t len, const char *comm, int code)
{
	int	n, i;

	n = snprintf(buf, len, "1234 (%s) Z", comm);
	for (i = 4; i <= 51; i++)
		n += snprintf(buf + n, len - (size_t)n, " 0");
	snprintf(buf + n, len - (size_t)n, " %d\n", code);
}

static void
test_exit_text(void **state)
{
	char stat[512], out[96];

	(void)state;
	stat_line(stat, sizeof(stat), "nsd", 9);
	assert_int_equal(watch_process_exit_text(stat, 0, out, sizeof(out)),
	    1);
	assert_string_equal(out, "exited: killed by SIGKILL");
	stat_line(stat, sizeof(stat), "knotd", 15);
	watch_process_exit_text(stat, 0, out, sizeof(out));
	assert_string_equal(out, "exited: killed by SIGTERM");
	stat_line(stat, sizeof(stat), "nsd", 11 | 0x80);
	watch_process_exit_text(stat, 0, out, sizeof(out));
	assert_string_equal(out, "exited: killed by SIGSEGV (core dumped)");
	stat_line(stat, sizeof(stat), "nsd", 3 << 8);
	watch_process_exit_text(stat, 0, out, sizeof(out));
	assert_string_equal(out, "exited with status 3");
	/* 0 is what the kernel shows a reader not allowed to trace */
	stat_line(stat, sizeof(stat), "nsd", 0);
	assert_int_equal(watch_process_exit_text(stat, 0, out, sizeof(out)),
	    0);
	assert_int_equal(watch_process_exit_text(stat, 1, out, sizeof(out)),
	    1);
	assert_string_equal(out, "exited with status 0");
	/* a comm with spaces and parentheses: fields counted after the
	 * last ')' */
	stat_line(stat, sizeof(stat), "nsd: (x) y", 9);
	watch_process_exit_text(stat, 0, out, sizeof(out));
	assert_string_equal(out, "exited: killed by SIGKILL");
	/* an old kernel's shorter line, or garbage */
	assert_int_equal(watch_process_exit_text("1234 (nsd) Z 1 2 3", 1, out,
	    sizeof(out)), 0);
	assert_int_equal(watch_process_exit_text("garbage", 1, out,
	    sizeof(out)), 0);
}

static struct addr
addr(const char *s)
{
	struct addr a;

	assert_int_equal(util_parse_addr(s, &a), 0);
	return a;
}

static void
test_listener_serves(void **state)
{
	struct addr	 v4 = addr("192.0.2.53"), v6 = addr("2001:db8::53");
	uint8_t		 any4[4] = { 0 }, any6[16] = { 0 }, mapped[16] = { 0 };
	uint8_t		 other4[4] = { 192, 0, 2, 54 };

	(void)state;
	/* the address itself, or its family's wildcard, on the port */
	assert_true(watch_listener_serves(AF_INET, &v4.u.v4, 53, 0, &v4, 53));
	assert_true(watch_listener_serves(AF_INET, any4, 53, 0, &v4, 53));
	assert_false(watch_listener_serves(AF_INET, &v4.u.v4, 54, 0, &v4,
	    53));
	assert_false(watch_listener_serves(AF_INET, other4, 53, 0, &v4, 53));
	assert_true(watch_listener_serves(AF_INET6, &v6.u.v6, 53, 1, &v6,
	    53));
	assert_true(watch_listener_serves(AF_INET6, any6, 53, 1, &v6, 53));
	assert_false(watch_listener_serves(AF_INET, any4, 53, 0, &v6, 53));
	/* IPv4 through IPv6: only without IPV6_V6ONLY */
	assert_true(watch_listener_serves(AF_INET6, any6, 53, 0, &v4, 53));
	assert_false(watch_listener_serves(AF_INET6, any6, 53, 1, &v4, 53));
	mapped[10] = mapped[11] = 0xff;
	memcpy(mapped + 12, &v4.u.v4, 4);
	assert_true(watch_listener_serves(AF_INET6, mapped, 53, 0, &v4, 53));
	mapped[15]++;
	assert_false(watch_listener_serves(AF_INET6, mapped, 53, 0, &v4, 53));
	assert_false(watch_listener_serves(AF_INET6, &v6.u.v6, 53, 0, &v4,
	    53));
}

static void
test_session_query(void **state)
{
	struct dns_check_conf	 d;
	uint8_t			*q;
	size_t			 len, mlen;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.qname = "example.test.";
	d.qtype = 6;
	d.qclass = 1;
	assert_int_equal(watch_session_query(&d, 0x1234, &q, &len), 0);
	mlen = ((size_t)q[0] << 8) | q[1];
	assert_int_equal(mlen, len - 2);		/* RFC 1035 4.2.2 */
	assert_int_equal(q[2], 0x12);
	assert_int_equal(q[3], 0x34);
	assert_int_equal(q[4] & 0x01, 0);		/* RD clear */
	assert_int_equal(q[2 + 11], 1);			/* ARCOUNT 1: OPT */
	/* the OPT record ends with RDLENGTH 4 and option 11, length 0 */
	assert_memory_equal(q + len - 6, "\0\x04\0\x0b\0\0", 6);
	/* and its type is OPT (41): 10 bytes before the RDLENGTH */
	assert_int_equal(q[len - 6 - 8], 0);
	assert_int_equal(q[len - 6 - 7], 41);
	free(q);
	d.recursion = 1;
	assert_int_equal(watch_session_query(&d, 1, &q, &len), 0);
	assert_int_equal(q[4] & 0x01, 1);		/* RD set */
	free(q);
}

static struct check_conf	conf;
static struct hc_track		track;

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
	conf.immediate = 1;
	hc_track_init(&track, 1000);
	return 0;
}

static void
probe(enum hc_status s)
{
	struct hc_result r;

	memset(&r, 0, sizeof(r));
	hc_result_set(&r, s, s == HC_FAIL ? HC_R_TIMEOUT : HC_R_OK, "probe");
	hc_track_apply(&track, &conf, &r, 2000);
}

static int
watch_fails(void)
{
	struct hc_result r;

	memset(&r, 0, sizeof(r));
	hc_result_set(&r, HC_FAIL, HC_R_WATCH_PROCESS, "watch process: nsd "
	    "(pid 1234) exited: killed by SIGKILL");
	return hc_track_fail_now(&track, &conf, &r, 3000);
}

static void
test_immediate_on(void **state)
{
	(void)state;
	probe(HC_OK);
	probe(HC_OK);
	probe(HC_OK);
	assert_int_equal(track.state, HC_STATE_UP);
	/* one watch failure, fall 2: down at once */
	assert_int_equal(watch_fails(), 1);
	assert_int_equal(track.state, HC_STATE_DOWN);
	assert_int_equal(track.changed_at, 3000);
	assert_string_equal(track.why, "dns check failed at once: watch "
	    "process: nsd (pid 1234) exited: killed by SIGKILL");
	assert_int_equal(hc_track_count(&track, HC_FAIL, HC_R_WATCH_PROCESS), 1);
	assert_int_equal(track.failures, 1);
	/* already down: no change */
	assert_int_equal(watch_fails(), 0);
	/* the way back: rise passes, not fewer */
	probe(HC_OK);
	probe(HC_OK);
	assert_int_equal(track.state, HC_STATE_DOWN);
	probe(HC_OK);
	assert_int_equal(track.state, HC_STATE_UP);
}

static void
test_immediate_from_init(void **state)
{
	(void)state;
	/* a missing process at start: down, not waiting for fall */
	assert_int_equal(watch_fails(), 1);
	assert_int_equal(track.state, HC_STATE_DOWN);
}

static void
test_immediate_off(void **state)
{
	(void)state;
	conf.immediate = 0;
	probe(HC_OK);
	probe(HC_OK);
	probe(HC_OK);
	/* one failure of fall 2: still up, in doubt */
	assert_int_equal(watch_fails(), 0);
	assert_int_equal(track.state, HC_STATE_UP);
	assert_int_equal(hc_track_next_delay(&track, &conf), 100);
	/* the second takes it down, as fall says */
	assert_int_equal(watch_fails(), 1);
	assert_int_equal(track.state, HC_STATE_DOWN);
	assert_string_equal(track.why, "dns check failed 2/2: watch process: "
	    "nsd (pid 1234) exited: killed by SIGKILL");
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_pid),
		cmocka_unit_test(test_exit_text),
		cmocka_unit_test(test_listener_serves),
		cmocka_unit_test(test_session_query),
		T(test_immediate_on),
		T(test_immediate_from_init),
		T(test_immediate_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
