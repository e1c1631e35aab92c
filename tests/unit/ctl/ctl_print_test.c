/* SPDX-License-Identifier: ISC */
/*
 * Tests of ctl/ctl_print.c: canned daemon responses, good and bad, are
 * rendered into memory streams and the text and exit status compared.
 * The bad ones (not JSON, wrong envelope, members missing or of the
 * wrong type, hostile strings) must give "?" or a protocol error, never
 * a crash; run under ASan/UBSan to be sure of the "never".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/ctl_print.h"

struct rendered {
	int	 rc;
	char	*out;
	char	*err;
};

static void
render_len(struct rendered *r, enum ctl_print_cmd cmd, int json,
    const char *resp, size_t len)
{
	FILE	*out, *err;
	size_t	 olen, elen;

	out = open_memstream(&r->out, &olen);
	err = open_memstream(&r->err, &elen);
	assert_non_null(out);
	assert_non_null(err);
	r->rc = ctl_print_response(out, err, cmd, json, resp, len);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(fclose(err), 0);
}

static void
render(struct rendered *r, enum ctl_print_cmd cmd, int json, const char *resp)
{
	render_len(r, cmd, json, resp, strlen(resp));
}

static void
done(struct rendered *r)
{
	free(r->out);
	free(r->err);
}

/* Expect success: exit 0, nothing on stderr, exactly `want' on stdout. */
static void
expect_ok(enum ctl_print_cmd cmd, const char *resp, const char *want)
{
	struct rendered	 r;

	render(&r, cmd, 0, resp);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out, want);
	assert_int_equal(r.rc, CTL_PRINT_EXIT_OK);
	done(&r);
}

/* Expect failure: exit 1, nothing on stdout, exactly `want' on stderr. */
static void
expect_fail(enum ctl_print_cmd cmd, const char *resp, const char *want)
{
	struct rendered	 r;

	render(&r, cmd, 0, resp);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, want);
	assert_int_equal(r.rc, CTL_PRINT_EXIT_FAIL);
	done(&r);
}

#define DAEMON \
	"\"daemon\":{\"version\":\"0.1.0\",\"pid\":4242,\"uptime_ms\":81234," \
	"\"config\":\"/etc/anycastd.conf\",\"reloads\":1," \
	"\"last_reload_error\":null}"

#define SVC_DNS \
	"{\"name\":\"dns\",\"state\":\"up\",\"reason\":\"all 1 checks pass\"," \
	"\"since_ms\":5120,\"prefixes\":[\"192.0.2.53/32\"," \
	"\"2001:db8::53/128\"],\"drain\":false,\"drain_left_ms\":null," \
	"\"disabled\":false,\"maintenance\":false," \
	"\"damping\":{\"penalty\":0,\"suppressed\":false}," \
	"\"checks_passing\":1,\"checks_total\":1}"

#define DAEMON_LINE \
	"anycastd 0.1.0, pid 4242, up 1m21s, reloads 1, " \
	"config /etc/anycastd.conf\n"

/* The example of docs/control.md. */
static void
test_status(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true," DAEMON ",\"services\":[" SVC_DNS
	    "]}",
	    DAEMON_LINE
	    "\n"
	    "SERVICE  STATE  SINCE  PREFIXES                        CHECKS  REASON\n"
	    "dns      up      5.1s  192.0.2.53/32,2001:db8::53/128     1/1  all 1 checks pass\n");
}

static void
test_status_flags(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true," DAEMON ",\"services\":["
	    "{\"name\":\"a\",\"state\":\"draining\",\"reason\":\"operator drain\","
	    "\"since_ms\":3000,\"prefixes\":[\"192.0.2.1/32\"],"
	    "\"drain\":true,\"drain_left_ms\":12000,\"disabled\":false,"
	    "\"maintenance\":false,\"damping\":{\"suppressed\":false},"
	    "\"checks_passing\":2,\"checks_total\":2},"
	    "{\"name\":\"bb\",\"state\":\"draining\",\"reason\":\"operator drain\","
	    "\"since_ms\":312000,\"prefixes\":[],"
	    "\"drain\":true,\"drain_left_ms\":null,\"disabled\":false,"
	    "\"maintenance\":true,\"damping\":{\"suppressed\":false},"
	    "\"checks_passing\":0,\"checks_total\":2},"
	    "{\"name\":\"c\",\"state\":\"disabled\",\"reason\":\"operator disable\","
	    "\"since_ms\":7380000,\"prefixes\":[\"192.0.2.3/32\"],"
	    "\"drain\":false,\"drain_left_ms\":null,\"disabled\":true,"
	    "\"maintenance\":false,\"damping\":{\"suppressed\":true},"
	    "\"checks_passing\":10,\"checks_total\":12}]}",
	    DAEMON_LINE
	    "\n"
	    "SERVICE  STATE                     SINCE  PREFIXES      CHECKS  REASON\n"
	    "a        draining drain(12s left)   3.0s  192.0.2.1/32     2/2  operator drain\n"
	    "bb       draining drain maint      5m12s  -                0/2  operator drain\n"
	    "c        disabled suppressed        2h3m  192.0.2.3/32   10/12  operator disable\n");
}

static void
test_status_reload_error(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true,\"daemon\":{\"version\":\"0.1.0\","
	    "\"pid\":1,\"uptime_ms\":90000000,\"config\":\"/e.conf\","
	    "\"reloads\":3,\"last_reload_error\":"
	    "\"/e.conf:12:3: unknown keyword\"},\"services\":[]}",
	    "anycastd 0.1.0, pid 1, up 1d1h, reloads 3, config /e.conf\n"
	    "last reload failed: /e.conf:12:3: unknown keyword\n"
	    "no services\n");
}

/* Members missing or of the wrong type print "?", and nothing crashes. */
static void
test_status_malformed_members(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true,\"services\":[{},42,null,\"x\",[],"
	    "{\"name\":7,\"state\":[\"up\"],\"since_ms\":\"5s\","
	    "\"prefixes\":\"192.0.2.1/32\",\"drain\":\"yes\",\"disabled\":1,"
	    "\"damping\":true,\"checks_passing\":1.5,\"checks_total\":-1,"
	    "\"reason\":{}},"
	    "{\"name\":\"\",\"state\":\"up\",\"since_ms\":-5,"
	    "\"prefixes\":[1,null,\"192.0.2.9/32\"],\"drain\":true,"
	    "\"drain_left_ms\":\"soon\",\"damping\":{\"suppressed\":\"no\"},"
	    "\"checks_passing\":null,\"checks_total\":1e400,"
	    "\"reason\":\"\"}]}",
	    "anycastd ?, pid ?, up ?, reloads ?, config ?\n"
	    "\n"
	    "SERVICE  STATE             SINCE  PREFIXES          CHECKS  REASON\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "?        ?                     ?  ?                    ?/?  ?\n"
	    "-        up drain(? left)      ?  ?,?,192.0.2.9/32     -/?  -\n");
}

static void
test_status_daemon_wrong_types(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true,\"daemon\":{\"version\":1,"
	    "\"pid\":\"4242\",\"uptime_ms\":1.5,\"config\":null,"
	    "\"reloads\":true,\"last_reload_error\":17},\"services\":[]}",
	    "anycastd ?, pid ?, up 1ms, reloads ?, config -\n"
	    "last reload failed: ?\n"
	    "no services\n");
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true,\"daemon\":[],\"services\":[]}",
	    "anycastd ?, pid ?, up ?, reloads ?, config ?\n"
	    "no services\n");
}

static void
test_status_no_services(void **state)
{
	(void)state;
	expect_fail(CTL_PRINT_STATUS, "{\"version\":1,\"ok\":true," DAEMON "}",
	    "anycastctl: protocol error: status without a \"services\" list\n");
	expect_fail(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true,\"services\":{\"dns\":{}}}",
	    "anycastctl: protocol error: status without a \"services\" list\n");
}

#define CHECK_DNS \
	"{\"service\":\"dns\",\"name\":\"dns\",\"type\":\"dns\"," \
	"\"target\":\"192.0.2.53 port 53\",\"state\":\"up\"," \
	"\"last\":{\"status\":\"ok\",\"reason\":\"ok\"," \
	"\"detail\":\"NOERROR aa, 1 answer\",\"rtt_ms\":0.412,\"ago_ms\":312}," \
	"\"rtt_ms\":{\"last\":0.412,\"min\":0.301,\"avg\":0.398,\"max\":1.204}," \
	"\"successes\":120,\"failures\":2,\"bogus\":0," \
	"\"last_change_ms\":6123,\"interval_ms\":500,\"timeout_ms\":200," \
	"\"rise\":3,\"fall\":2}"

static void
test_checks(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_CHECKS,
	    "{\"version\":1,\"ok\":true,\"checks\":[" CHECK_DNS "]}",
	    "SERVICE  CHECK  TYPE  TARGET              STATE  LAST"
	    "                      RTT(ms)                   OK  FAIL  BOGUS  CHANGED\n"
	    "dns      dns    dns   192.0.2.53 port 53  up     ok: NOERROR aa, 1 answer"
	    "  0.412/0.301/0.398/1.204  120     2      0     6.1s\n");
}

static void
test_checks_before_first_probe(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_CHECKS,
	    "{\"version\":1,\"ok\":true,\"checks\":["
	    "{\"service\":\"dns\",\"name\":\"tcp53\",\"type\":\"tcp\","
	    "\"target\":\"192.0.2.53 port 53\",\"state\":\"init\","
	    "\"last\":null,\"rtt_ms\":null,\"successes\":0,\"failures\":0,"
	    "\"bogus\":0,\"last_change_ms\":20},"
	    "{\"service\":\"dns\",\"name\":\"maint\",\"type\":\"file\","
	    "\"target\":\"/etc/anycastd/maint\",\"state\":\"maint\","
	    "\"last\":{\"status\":\"maint\",\"reason\":\"file-present\","
	    "\"detail\":\"\"},\"rtt_ms\":{\"last\":12.5,\"min\":1500,"
	    "\"avg\":99.99,\"max\":123.45},\"successes\":0,\"failures\":0,"
	    "\"bogus\":0,\"last_change_ms\":86400000}]}",
	    "SERVICE  CHECK  TYPE  TARGET               STATE  LAST"
	    "                 RTT(ms)                 OK  FAIL  BOGUS  CHANGED\n"
	    "dns      tcp53  tcp   192.0.2.53 port 53   init   -"
	    "                    -                        0     0      0     20ms\n"
	    "dns      maint  file  /etc/anycastd/maint  maint  maint: file-present"
	    "  12.50/1500/99.99/123.5   0     0      0       1d\n");
}

static void
test_checks_malformed_members(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_CHECKS,
	    "{\"version\":1,\"ok\":true,\"checks\":[{},7,"
	    "{\"service\":\"dns\",\"name\":[],\"last\":\"ok\","
	    "\"rtt_ms\":[1,2,3,4],\"successes\":\"120\",\"failures\":-2,"
	    "\"bogus\":2.0,\"last_change_ms\":{}},"
	    "{\"last\":{\"status\":3,\"reason\":\"timeout\"},"
	    "\"rtt_ms\":{\"last\":null,\"min\":\"1\",\"avg\":-1},"
	    "\"last_change_ms\":null},"
	    "{\"last\":{}}]}",
	    "SERVICE  CHECK  TYPE  TARGET  STATE  LAST        RTT(ms)  OK  FAIL  BOGUS  CHANGED\n"
	    "?        ?      ?     ?       ?      ?           ?         ?     ?      ?        ?\n"
	    "?        ?      ?     ?       ?      ?           ?         ?     ?      ?        ?\n"
	    "dns      ?      ?     ?       ?      ?           ?         ?     ?      ?        ?\n"
	    "?        ?      ?     ?       ?      ?: timeout  -/?/?/?   ?     ?      ?        -\n"
	    "?        ?      ?     ?       ?      ?           ?         ?     ?      ?        ?\n");
}

static void
test_checks_empty_and_missing(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_CHECKS, "{\"version\":1,\"ok\":true,\"checks\":[]}",
	    "no checks\n");
	expect_fail(CTL_PRINT_CHECKS, "{\"version\":1,\"ok\":true}",
	    "anycastctl: protocol error: show checks without a \"checks\" "
	    "list\n");
	expect_fail(CTL_PRINT_CHECKS,
	    "{\"version\":1,\"ok\":true,\"checks\":null}",
	    "anycastctl: protocol error: show checks without a \"checks\" "
	    "list\n");
}

/* 10,000 checks, several MB: every row printed, nothing quadratic. */
static void
test_checks_many(void **state)
{
	struct rendered	 r;
	char		*resp = NULL, *p;
	size_t		 len = 0, lines = 0;
	FILE		*f;
	int		 i;

	(void)state;
	assert_non_null(f = open_memstream(&resp, &len));
	fputs("{\"version\":1,\"ok\":true,\"checks\":[", f);
	for (i = 0; i < 10000; i++)
		fprintf(f, "%s" CHECK_DNS, i == 0 ? "" : ",");
	fputs("]}", f);
	assert_int_equal(fclose(f), 0);
	render_len(&r, CTL_PRINT_CHECKS, 0, resp, len);
	assert_int_equal(r.rc, CTL_PRINT_EXIT_OK);
	assert_string_equal(r.err, "");
	for (p = r.out; *p != '\0'; p++)
		if (*p == '\n')
			lines++;
	assert_int_equal(lines, 10001);
	done(&r);
	free(resp);
}

/* What a daemon says goes to stderr, made safe for the terminal. */
static void
test_daemon_error(void **state)
{
	(void)state;
	expect_fail(CTL_PRINT_SERVICE,
	    "{\"version\":1,\"ok\":false,\"error\":\"no such service: foo\"}",
	    "anycastctl: no such service: foo\n");
	expect_fail(CTL_PRINT_OTHER,
	    "{\"version\":1,\"ok\":false,\"error\":\"unknown command: show peers\"}",
	    "anycastctl: unknown command: show peers\n");
	expect_fail(CTL_PRINT_STATUS, "{\"version\":1,\"ok\":false}",
	    "anycastctl: the daemon gave no reason\n");
	expect_fail(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":false,\"error\":{\"code\":3}}",
	    "anycastctl: the daemon gave no reason\n");
	expect_fail(CTL_PRINT_SERVICE,
	    "{\"version\":1,\"ok\":false,"
	    "\"error\":\"bad\\u001b[2J\\nname\\u0085\\u00e9\"}",
	    "anycastctl: bad?[2J?name?\xc3\xa9\n");
}

static void
test_reload(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_RELOAD, "{\"version\":1,\"ok\":true}",
	    "reloaded\n");
	expect_fail(CTL_PRINT_RELOAD,
	    "{\"version\":1,\"ok\":false,"
	    "\"error\":\"/etc/anycastd.conf:3:9: unknown keyword \\\"chek\\\"\"}",
	    "anycastctl: reload failed: /etc/anycastd.conf:3:9: unknown "
	    "keyword \"chek\"\n");
}

static void
test_service(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_SERVICE,
	    "{\"version\":1,\"ok\":true,\"service\":\"dns\","
	    "\"state\":\"draining\"}",
	    "service dns: draining\n");
	expect_ok(CTL_PRINT_SERVICE, "{\"version\":1,\"ok\":true}",
	    "service ?: ?\n");
	expect_ok(CTL_PRINT_SERVICE,
	    "{\"version\":1,\"ok\":true,\"service\":\"d\\tns\","
	    "\"state\":5}",
	    "service d?ns: ?\n");
}

/* A command without a format of its own: the body is shown as JSON. */
static void
test_other(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_OTHER, "{\"version\":1,\"ok\":true}", "ok\n");
	expect_ok(CTL_PRINT_OTHER,
	    "{\"version\":1,\"ok\":true,\"peers\":[{\"address\":\"192.0.2.1\"}]}",
	    "{\n"
	    "  \"peers\":[\n"
	    "    {\n"
	    "      \"address\":\"192.0.2.1\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n");
}

static void
test_status_kernel_error(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_STATUS, "{\"version\":1,\"ok\":true,"
	    "\"daemon\":{\"version\":\"0.1.0\",\"pid\":4242,"
	    "\"uptime_ms\":81234,\"config\":\"/etc/anycastd.conf\","
	    "\"reloads\":1,\"last_reload_error\":null,\"kernel_errors\":3,"
	    "\"kernel_last_error\":\"route 192.0.2.53/32: Network is "
	    "unreachable\"},\"services\":[]}",
	    DAEMON_LINE "kernel outputs failing (3 errors so far): route "
	    "192.0.2.53/32: Network is unreachable\nno services\n");
}

static void
test_peers(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_PEERS,
	    "{\"version\":1,\"ok\":true,\"peers\":[{\"name\":\"up\","
	    "\"neighbor\":\"198.51.100.1\",\"remote_as\":65001,"
	    "\"state\":\"Established\",\"state_ms\":62000,"
	    "\"hold_time_s\":9,\"msgs_in\":5,\"msgs_out\":7,"
	    "\"updates_in\":1,\"updates_out\":2,\"prefixes_sent\":2,"
	    "\"bfd\":{\"state\":\"Up\",\"tx_interval_ms\":100.0,"
	    "\"detect_time_ms\":300.0},"
	    "\"last_error\":null},{\"name\":\"b\",\"neighbor\":\"x\","
	    "\"state\":\"Active\",\"hold_time_s\":null,\"bfd\":null,"
	    "\"last_error\":\"connection: refused\"},{\"name\":\"c\","
	    "\"neighbor\":\"y\",\"state\":\"Active\",\"hold_time_s\":null,"
	    "\"bfd\":{"
	    "\"state\":\"Down\",\"tx_interval_ms\":1000,"
	    "\"detect_time_ms\":0},\"last_error\":\"BFD down\"}]}",
	    "PEER  NEIGHBOR         AS  STATE         FOR  HOLD  MSGS IN/OUT  "
	    "UPDATES IN/OUT  SENT  BFD             LAST ERROR\n"
	    "up    198.51.100.1  65001  Established  1m2s    9s          5/7  "
	    "           1/2     2  Up 100ms/300ms  -\n"
	    "b     x                 ?  Active          ?     -          ?/?  "
	    "           ?/?     ?  -               connection: refused\n"
	    "c     y                 ?  Active          ?     -          ?/?  "
	    "           ?/?     ?  Down            BFD down\n");
	expect_ok(CTL_PRINT_PEERS, "{\"version\":1,\"ok\":true,"
	    "\"peers\":[]}", "no bgp peers\n");
	expect_fail(CTL_PRINT_PEERS, "{\"version\":1,\"ok\":true}",
	    "anycastctl: protocol error: show peers without a \"peers\" "
	    "list\n");
}

static void
test_routes(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_ROUTES,
	    "{\"version\":1,\"ok\":true,\"routes\":[{\"peer\":\"up\","
	    "\"service\":\"dns\",\"prefix\":\"192.0.2.53/32\","
	    "\"announced\":true,\"attributes\":\"origin igp\"},{\"peer\":"
	    "\"up\",\"service\":\"dns\",\"prefix\":\"2001:db8::53/128\","
	    "\"announced\":false,\"attributes\":null}],\"kernel\":[{\"service\":"
	    "\"dns\",\"kind\":\"route\",\"prefix\":\"192.0.2.53/32\","
	    "\"installed\":true,\"foreign\":false,\"error\":null,"
	    "\"nexthops\":[{\"via\":\"203.0.113.2\",\"dev\":null,"
	    "\"weight\":1},{\"via\":\"203.0.113.6\",\"dev\":\"eth1\","
	    "\"weight\":3}]},{\"service\":\"dns\",\"kind\":\"address\","
	    "\"prefix\":\"192.0.2.53/32\",\"dev\":\"lo\",\"installed\":"
	    "false,\"foreign\":true,\"error\":null}]}",
	    "BGP announcements:\n"
	    "PEER  SERVICE  PREFIX            ANNOUNCED  ATTRIBUTES\n"
	    "up    dns      192.0.2.53/32     yes        origin igp\n"
	    "up    dns      2001:db8::53/128  no         -\n"
	    "\nKernel routes and addresses:\n"
	    "SERVICE  KIND     PREFIX         WHERE                      "
	    "                                  INSTALLED          ERROR\n"
	    "dns      route    192.0.2.53/32  via 203.0.113.2 weight 1, v"
	    "ia 203.0.113.6 dev eth1 weight 3  yes                -\n"
	    "dns      address  192.0.2.53/32  dev lo                     "
	    "                                  present, not ours  -\n");
	expect_ok(CTL_PRINT_ROUTES, "{\"version\":1,\"ok\":true,"
	    "\"routes\":[],\"kernel\":[]}",
	    "BGP announcements: none\n\nKernel routes and addresses: none\n");
}

/* Anything that is not a version 1 response object is a protocol error. */
static void
test_envelope(void **state)
{
	static const struct {
		const char	*resp;
		const char	*err;
	} cases[] = {
		{ "", "protocol error: empty response" },
		{ "hello", "protocol error: response is not JSON: "
		    "unexpected character" },
		{ "{\"version\":1,\"ok\":tr", "protocol error: response is "
		    "not JSON: unexpected end of data" },
		{ "{\"version\":1,\"ok\":true", "protocol error: response is "
		    "not JSON: unexpected end of data" },
		{ "{\"version\":1,\"ok\":true} x", "protocol error: garbage "
		    "after the response at byte 24" },
		{ "{\"version\":1,\"ok\":true}{\"version\":1,\"ok\":true}",
		    "protocol error: garbage after the response at byte 23" },
		{ "[1,2]", "protocol error: response is not a JSON object" },
		{ "42", "protocol error: response is not a JSON object" },
		{ "null", "protocol error: response is not a JSON object" },
		{ "\"ok\"", "protocol error: response is not a JSON object" },
		{ "{\"ok\":true}", "protocol error: response without a "
		    "\"version\"" },
		{ "{\"version\":\"1\",\"ok\":true}", "protocol error: response "
		    "without a \"version\"" },
		{ "{\"version\":2,\"ok\":true}", "protocol error: response has "
		    "version 2, anycastctl speaks version 1" },
		{ "{\"version\":1}", "protocol error: response without "
		    "\"ok\": true or false" },
		{ "{\"version\":1,\"ok\":\"true\"}", "protocol error: response "
		    "without \"ok\": true or false" },
		{ "{\"version\":1,\"ok\":1}", "protocol error: response "
		    "without \"ok\": true or false" },
	};
	struct rendered	 r;
	char		 want[256];
	size_t		 i;
	int		 json;

	(void)state;
	for (json = 0; json <= 1; json++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			render(&r, CTL_PRINT_STATUS, json, cases[i].resp);
			snprintf(want, sizeof(want), "anycastctl: %s\n",
			    cases[i].err);
			assert_string_equal(r.err, want);
			assert_string_equal(r.out, "");
			assert_int_equal(r.rc, CTL_PRINT_EXIT_FAIL);
			done(&r);
		}
}

static void
test_envelope_hostile(void **state)
{
	struct rendered	 r;
	char		 deep[4002];

	(void)state;
	/* A NUL in the line. */
	render_len(&r, CTL_PRINT_STATUS, 0, "{\"version\":1\0,\"ok\":true}",
	    24);
	assert_string_equal(r.err, "anycastctl: protocol error: NUL byte in "
	    "response\n");
	assert_int_equal(r.rc, CTL_PRINT_EXIT_FAIL);
	done(&r);

	/* Nesting far deeper than json-c allows. */
	memset(deep, '[', 2000);
	memset(deep + 2000, ']', 2000);
	deep[4000] = '\0';
	render(&r, CTL_PRINT_STATUS, 0, deep);
	assert_int_equal(r.rc, CTL_PRINT_EXIT_FAIL);
	assert_non_null(strstr(r.err, "protocol error"));
	assert_string_equal(r.out, "");
	done(&r);

	/* Trailing whitespace (a \r from a CRLF daemon) is fine. */
	expect_ok(CTL_PRINT_RELOAD, "{\"version\":1,\"ok\":true} \r\t",
	    "reloaded\n");
}

/* Control characters and C1 controls from the daemon are replaced. */
static void
test_sanitize(void **state)
{
	(void)state;
	expect_ok(CTL_PRINT_SERVICE,
	    "{\"version\":1,\"ok\":true,\"service\":\"\\u001b]0;pwned\\u0007\","
	    "\"state\":\"up\\u009b31m\\u007f\"}",
	    "service ?]0;pwned?: up?31m?\n");
	/* Non-ASCII names keep the columns aligned: one column a letter. */
	expect_ok(CTL_PRINT_STATUS,
	    "{\"version\":1,\"ok\":true," DAEMON ",\"services\":["
	    "{\"name\":\"d\\u00e9j\\u00e0\",\"state\":\"up\",\"since_ms\":0,"
	    "\"prefixes\":[],\"checks_passing\":0,\"checks_total\":0,"
	    "\"reason\":\"r\"},"
	    "{\"name\":\"x\",\"state\":\"down\\nup\",\"since_ms\":0,"
	    "\"prefixes\":[],\"checks_passing\":0,\"checks_total\":0,"
	    "\"reason\":\"\\r\"}]}",
	    DAEMON_LINE
	    "\n"
	    "SERVICE  STATE    SINCE  PREFIXES  CHECKS  REASON\n"
	    "d\xc3\xa9j\xc3\xa0     up         0ms  -            0/0  r\n"
	    "x        down?up    0ms  -            0/0  ?\n");
}

static void
test_json(void **state)
{
	struct rendered	 r;

	(void)state;
	render(&r, CTL_PRINT_SERVICE, 1,
	    "{\"version\":1,\"ok\":true,\"service\":\"dns/x\","
	    "\"state\":\"draining\",\"rtt\":0.412}");
	assert_int_equal(r.rc, CTL_PRINT_EXIT_OK);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out,
	    "{\n"
	    "  \"version\":1,\n"
	    "  \"ok\":true,\n"
	    "  \"service\":\"dns/x\",\n"
	    "  \"state\":\"draining\",\n"
	    "  \"rtt\":0.412\n"
	    "}\n");
	done(&r);

	/* ok:false: the object still goes to stdout, the exit status is 1. */
	render(&r, CTL_PRINT_SERVICE, 1,
	    "{\"version\":1,\"ok\":false,\"error\":\"no such service: foo\"}");
	assert_int_equal(r.rc, CTL_PRINT_EXIT_FAIL);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out,
	    "{\n"
	    "  \"version\":1,\n"
	    "  \"ok\":false,\n"
	    "  \"error\":\"no such service: foo\"\n"
	    "}\n");
	done(&r);

	/* A body that would not render as a table is passed through. */
	render(&r, CTL_PRINT_STATUS, 1, "{\"version\":1,\"ok\":true}");
	assert_int_equal(r.rc, CTL_PRINT_EXIT_OK);
	assert_string_equal(r.out, "{\n  \"version\":1,\n  \"ok\":true\n}\n");
	done(&r);
}

static void
test_fmt_duration(void **state)
{
	static const struct {
		uint64_t	 ms;
		const char	*want;
	} cases[] = {
		{ 0, "0ms" }, { 999, "999ms" }, { 1000, "1.0s" },
		{ 3249, "3.2s" }, { 9999, "9.9s" }, { 10000, "10s" },
		{ 59999, "59s" }, { 60000, "1m" }, { 90000, "1m30s" },
		{ 312000, "5m12s" }, { 3599999, "59m59s" }, { 3600000, "1h" },
		{ 7380000, "2h3m" }, { 86399999, "23h59m" },
		{ 86400000, "1d" }, { 90000000, "1d1h" },
		{ UINT64_MAX, "213503982334d14h" },
	};
	char	 buf[32];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ctl_print_fmt_duration(cases[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	/* A short buffer truncates, never overflows. */
	ctl_print_fmt_duration(7380000, buf, 3);
	assert_string_equal(buf, "2h");
}

static void
test_parse_duration(void **state)
{
	static const struct {
		const char	*in;
		uint64_t	 ms;
	} good[] = {
		{ "300ms", 300 }, { "10s", 10000 }, { "5m", 300000 },
		{ "1h", 3600000 }, { "1m30s", 90000 }, { "2d", 172800000 },
		{ "1h1m1s1ms", 3661001 }, { "0s", 0 }, { "007s", 7000 },
		{ "9007199254740991ms", 9007199254740991ULL },
	};
	static const struct {
		const char	*in;
		const char	*why;
	} bad[] = {
		{ "", "empty duration" },
		{ "30", "number without a unit (ms, s, m, h or d)" },
		{ "1m30", "number without a unit (ms, s, m, h or d)" },
		{ "5x", "unknown unit (use ms, s, m, h or d)" },
		{ "5sec", "unknown unit (use ms, s, m, h or d)" },
		{ "5M", "unknown unit (use ms, s, m, h or d)" },
		{ "s", "expected a number, as in 300ms, 10s, 5m, 1h or 1m30s" },
		{ "-5s", "expected a number, as in 300ms, 10s, 5m, 1h or 1m30s" },
		{ "1.5s", "whole numbers only: write 1s500ms, not 1.5s" },
		{ " 5s", "expected a number, as in 300ms, 10s, 5m, 1h or 1m30s" },
		{ "5s ", "expected a number, as in 300ms, 10s, 5m, 1h or 1m30s" },
		{ "9007199254740992ms", "duration too long" },
		{ "99999999999999999999999s", "duration too long" },
		{ "200000000000d", "duration too long" },
		{ "104249991374d7h", "duration too long" },
	};
	const char	*why;
	uint64_t	 ms;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = NULL;
		assert_int_equal(ctl_print_parse_duration(good[i].in, &ms,
		    &why), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ms = 42;
		assert_int_equal(ctl_print_parse_duration(bad[i].in, &ms,
		    &why), -1);
		assert_non_null(why);
		assert_string_equal(why, bad[i].why);
		assert_int_equal(ms, 42);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_flags),
		cmocka_unit_test(test_status_reload_error),
		cmocka_unit_test(test_status_malformed_members),
		cmocka_unit_test(test_status_daemon_wrong_types),
		cmocka_unit_test(test_status_no_services),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_checks_before_first_probe),
		cmocka_unit_test(test_checks_malformed_members),
		cmocka_unit_test(test_checks_empty_and_missing),
		cmocka_unit_test(test_checks_many),
		cmocka_unit_test(test_daemon_error),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_status_kernel_error),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_envelope_hostile),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_parse_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
