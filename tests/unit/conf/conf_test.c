/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the config: the files of src/conf/ through its public API
 * (conf_load_buffer, conf_load, conf_print, conf_check_equal,
 * conf_service_equal) and the duration and prefix helpers of util.c.
 * The golden files in tests/config/ cover every construct and message
 * through the binary; these tests look inside: the field values the
 * parser fills in, the defaults it applies, the equality used by reloads,
 * and the helpers at their edges.  Every config is freed, so the ASan
 * build also checks that nothing leaks, on success or on error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "sys/util.h"

#define NAME	"t.conf"

static char err[512];

/* Parse TEXT (named NAME); the test fails with the message on error. */
static struct conf *
load(const char *text)
{
	struct conf *c;

	err[0] = '\0';
	c = conf_load_buffer(NAME, text, strlen(text), err, sizeof(err));
	if (c == NULL)
		fail_msg("unexpected error: %s", err);
	return c;
}

/* Parse TEXT, which must fail; returns the message. */
static const char *
load_error(const char *text)
{
	struct conf *c;

	err[0] = '\0';
	c = conf_load_buffer(NAME, text, strlen(text), err, sizeof(err));
	if (c != NULL) {
		conf_free(c);
		fail_msg("parsed, expected an error: %s", text);
	}
	return err;
}

static char *
print(const struct conf *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	assert_non_null(f);
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static struct check_conf *
nth_check(struct service_conf *s, int n)
{
	struct check_conf *ck = s->checks;

	while (ck != NULL && n-- > 0)
		ck = ck->next;
	assert_non_null(ck);
	return ck;
}

static void
assert_addr(const struct addr *a, int family, const char *text)
{
	char buf[64];

	assert_int_equal(a->family, family);
	assert_string_equal(util_fmt_addr(a, buf, sizeof(buf)), text);
}

#define SVC(body)	"service s {\n\tprefix 192.0.2.53;\n" body "}\n"
#define DNS(body)	SVC("\tcheck dns {\n\t\tquery example.test;\n" body \
			    "\t}\n")

/* ---- defaults ---- */

static void
test_global_defaults(void **state)
{
	struct conf *c;

	(void)state;
	c = load("");
	assert_int_equal(c->have_router_id, 0);
	assert_string_equal(c->control, CONF_DEFAULT_CONTROL);
	assert_string_equal(c->control, "/run/anycastd/anycastd.sock");
	assert_int_equal(c->log_target, LOG_TARGET_SYSLOG);
	assert_int_equal(c->log_level, LOG_LEVEL_INFO);
	assert_null(c->services);
	assert_int_equal(c->nservices, 0);
	assert_int_equal(c->nfiles, 1);
	assert_string_equal(c->files[0], NAME);
	conf_free(c);
}

static void
test_dns_defaults(void **state)
{
	struct conf		*c;
	struct service_conf	*s;
	struct check_conf	*ck;
	struct dns_check_conf	*d;

	(void)state;
	c = load(DNS(""));
	assert_int_equal(c->nservices, 1);
	s = c->services;
	assert_string_equal(s->name, "s");
	assert_int_equal(s->pos.line, 1);
	assert_int_equal(s->pos.col, 1);
	assert_string_equal(s->pos.file, NAME);
	assert_int_equal(s->nprefixes, 1);
	assert_addr(&s->prefixes[0].addr, AF_INET, "192.0.2.53");
	assert_int_equal(s->prefixes[0].len, 32);
	assert_int_equal(s->combine, COMBINE_ALL);
	assert_int_equal(s->delay_up, 0);
	assert_int_equal(s->delay_down, 0);
	assert_int_equal(s->drain_time, 10000);
	assert_int_equal(s->damping.enabled, 0);
	assert_null(s->hook);
	assert_int_equal(s->nchecks, 1);

	ck = s->checks;
	assert_null(ck->next);
	assert_int_equal(ck->type, CHECK_DNS);
	assert_string_equal(ck->name, "dns");
	assert_int_equal(ck->named, 0);
	assert_int_equal(ck->pos.line, 3);
	assert_int_equal(ck->pos.col, 2);
	assert_int_equal(ck->interval, 500);
	assert_int_equal(ck->fast_interval, 100);
	assert_int_equal(ck->timeout, 200);
	assert_int_equal(ck->rise, 3);
	assert_int_equal(ck->fall, 2);

	d = &ck->u.dns;
	assert_string_equal(d->qname, "example.test.");
	assert_int_equal(d->qtype, 6);		/* SOA */
	assert_int_equal(d->qclass, 1);		/* IN */
	assert_int_equal(d->tcp, 0);
	assert_int_equal(d->server.family, 0);
	assert_int_equal(d->port, 53);
	assert_int_equal(d->source.family, 0);
	assert_int_equal(d->edns, 1);
	assert_int_equal(d->dnssec_ok, 0);
	assert_int_equal(d->nsid, 0);
	assert_int_equal(d->rcodes, 1u << 0);	/* NOERROR */
	assert_int_equal(d->expect_aa, 0);
	assert_int_equal(d->expect_answer, 0);
	assert_int_equal(d->ncontains, 0);
	assert_null(d->expect_nsid);
	assert_int_equal(d->degraded_latency, 0);
	/* No server: the check probes the service's first prefix. */
	assert_ptr_equal(conf_check_target(s, ck), &s->prefixes[0].addr);
	conf_free(c);
}

static void
test_other_check_defaults(void **state)
{
	struct conf		*c;
	struct check_conf	*ck;

	(void)state;
	c = load(SVC(
	    "\tcheck tcp { }\n"
	    "\tcheck exec { command \"/bin/check\" \"a b\" \"\"; }\n"
	    "\tcheck file { path \"/run/maint\"; }\n"));
	ck = nth_check(c->services, 0);
	assert_int_equal(ck->type, CHECK_TCP);
	assert_string_equal(ck->name, "tcp");
	assert_int_equal(ck->u.tcp.port, 53);
	assert_int_equal(ck->u.tcp.server.family, 0);
	assert_int_equal(ck->u.tcp.source.family, 0);
	assert_int_equal(ck->interval, 500);
	assert_int_equal(ck->fast_interval, 100);
	assert_int_equal(ck->timeout, 200);
	assert_int_equal(ck->rise, 3);
	assert_int_equal(ck->fall, 2);

	ck = nth_check(c->services, 1);
	assert_int_equal(ck->type, CHECK_EXEC);
	assert_string_equal(ck->name, "exec");
	assert_int_equal(ck->interval, 10000);
	assert_int_equal(ck->timeout, 5000);
	assert_int_equal(ck->fast_interval, 100);
	assert_int_equal(ck->rise, 3);
	assert_int_equal(ck->fall, 2);
	assert_string_equal(ck->u.exec.argv[0], "/bin/check");
	assert_string_equal(ck->u.exec.argv[1], "a b");
	assert_string_equal(ck->u.exec.argv[2], "");
	assert_null(ck->u.exec.argv[3]);
	assert_null(conf_check_target(c->services, ck));

	ck = nth_check(c->services, 2);
	assert_int_equal(ck->type, CHECK_FILE);
	assert_string_equal(ck->name, "file");
	assert_string_equal(ck->u.file.path, "/run/maint");
	assert_int_equal(ck->interval, 1000);
	assert_int_equal(ck->fast_interval, 1000);
	assert_int_equal(ck->timeout, 0);
	assert_int_equal(ck->rise, 1);
	assert_int_equal(ck->fall, 1);
	assert_int_equal(c->services->nchecks, 3);
	conf_free(c);
}

static void
test_short_interval_defaults(void **state)
{
	struct conf		*c;
	struct check_conf	*ck;

	(void)state;
	c = load(DNS("\t\tinterval 50ms;\n\t\ttimeout 40ms;\n"));
	ck = c->services->checks;
	assert_int_equal(ck->interval, 50);
	assert_int_equal(ck->fast_interval, 50);
	assert_int_equal(ck->timeout, 40);
	conf_free(c);

	c = load(SVC("\tcheck file { path \"/x\"; interval 200ms; }\n"
	    "\tcheck tcp { }\n"));
	ck = c->services->checks;
	assert_int_equal(ck->interval, 200);
	assert_int_equal(ck->fast_interval, 200);
	conf_free(c);

	/* A timeout not written never exceeds a short interval... */
	c = load(DNS("\t\tinterval 100ms;\n")
	    "service x { prefix 192.0.2.9; check exec {"
	    " command \"/bin/true\"; interval 1s; } }\n");
	ck = c->services->checks;
	assert_int_equal(ck->interval, 100);
	assert_int_equal(ck->timeout, 100);
	ck = c->services->next->checks;
	assert_int_equal(ck->interval, 1000);
	assert_int_equal(ck->timeout, 1000);
	assert_int_equal(ck->fast_interval, 100);
	conf_free(c);
	/* ...but one written is the operator's and is checked. */
	assert_string_equal(load_error(DNS("\t\tinterval 100ms;\n"
	    "\t\ttimeout 200ms;\n")), NAME ":3:2: check dns: timeout 200ms "
	    "is longer than interval 100ms");
}

/* ---- every field, written out ---- */

static void
test_globals(void **state)
{
	struct conf *c;

	(void)state;
	c = load("router-id 198.51.100.10;\n"
	    "control \"/run/a\\\"b\\\\c.sock\";\n"
	    "log stderr;\nlog level debug;\n");
	assert_int_equal(c->have_router_id, 1);
	assert_addr(&c->router_id, AF_INET, "198.51.100.10");
	assert_string_equal(c->control, "/run/a\"b\\c.sock");
	assert_int_equal(c->log_target, LOG_TARGET_STDERR);
	assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
	conf_free(c);

	c = load("log stderr; log level error; log syslog; log level warn;");
	assert_int_equal(c->log_target, LOG_TARGET_SYSLOG);
	assert_int_equal(c->log_level, LOG_LEVEL_WARN);
	conf_free(c);
}

static void
test_dns_every_option(void **state)
{
	struct conf		*c;
	struct check_conf	*ck;
	struct dns_check_conf	*d;

	(void)state;
	c = load(SVC("\tprefix 2001:db8::53/128;\n"
	    "\tcheck dns Full_1 {\n"
	    "\t\tserver 2001:DB8::53;\n"
	    "\t\tport 5353;\n"
	    "\t\tsource 2001:db8::10;\n"
	    "\t\tquery WWW.Example.TEST. aaaa ch;\n"
	    "\t\ttcp;\n"
	    "\t\tedns on;\n"
	    "\t\tdnssec;\n"
	    "\t\texpect rcode nxdomain REFUSED;\n"
	    "\t\texpect rcode servfail;\n"
	    "\t\texpect authoritative;\n"
	    "\t\texpect answer contains ns1.example.test.;\n"
	    "\t\texpect answer contains \"10 \\\"mx\\\"\";\n"
	    "\t\texpect nsid \"site-a\";\n"
	    "\t\tdegraded latency 80ms;\n"
	    "\t\tinterval 1m30s;\n"
	    "\t\tfast-interval 1500ms;\n"
	    "\t\ttimeout 1s;\n"
	    "\t\trise 7;\n"
	    "\t\tfall 9;\n"
	    "\t}\n"));
	ck = c->services->checks;
	assert_string_equal(ck->name, "Full_1");
	assert_int_equal(ck->named, 1);
	assert_int_equal(ck->interval, 90000);
	assert_int_equal(ck->fast_interval, 1500);
	assert_int_equal(ck->timeout, 1000);
	assert_int_equal(ck->rise, 7);
	assert_int_equal(ck->fall, 9);
	d = &ck->u.dns;
	assert_addr(&d->server, AF_INET6, "2001:db8::53");
	assert_int_equal(d->port, 5353);
	assert_addr(&d->source, AF_INET6, "2001:db8::10");
	assert_string_equal(d->qname, "www.example.test.");
	assert_int_equal(d->qtype, 28);		/* AAAA */
	assert_int_equal(d->qclass, 3);		/* CH */
	assert_int_equal(d->tcp, 1);
	assert_int_equal(d->edns, 1);
	assert_int_equal(d->dnssec_ok, 1);
	assert_int_equal(d->nsid, 1);		/* implied by expect nsid */
	assert_int_equal(d->rcodes, (1u << 2) | (1u << 3) | (1u << 5));
	assert_int_equal(d->expect_aa, 1);
	assert_int_equal(d->expect_answer, 1);	/* implied by contains */
	assert_int_equal(d->ncontains, 2);
	assert_string_equal(d->contains[0], "ns1.example.test.");
	assert_string_equal(d->contains[1], "10 \"mx\"");
	assert_string_equal(d->expect_nsid, "site-a");
	assert_int_equal(d->degraded_latency, 80);
	assert_ptr_equal(conf_check_target(c->services, ck), &d->server);
	conf_free(c);

	c = load(SVC("\tcheck dns {\n\t\tquery . TYPE65280 CLASS1;\n"
	    "\t\tedns off;\n\t\texpect answer;\n\t}\n"));
	d = &c->services->checks->u.dns;
	assert_string_equal(d->qname, ".");
	assert_int_equal(d->qtype, 65280);
	assert_int_equal(d->qclass, 1);
	assert_int_equal(d->edns, 0);
	assert_int_equal(d->expect_answer, 1);
	assert_int_equal(d->ncontains, 0);
	conf_free(c);
}

static void
test_service_every_option(void **state)
{
	struct conf		*c;
	struct service_conf	*s;

	(void)state;
	c = load("service web-1 {\n"
	    "\tprefix 192.0.2.0/24;\n"
	    "\tprefix 2001:db8:1::/48;\n"
	    "\tprefix 2001:db8::53;\n"
	    "\tcombine threshold 2;\n"
	    "\tdelay up 30s;\n"
	    "\tdelay down 1500ms;\n"
	    "\tdrain time 2m;\n"
	    "\tdamping { penalty 500; half-life 30s; suppress 2000;"
	    " reuse 100; max-suppress 1h; }\n"
	    "\thook \"/usr/sbin/notify\" \"--quiet\";\n"
	    "\tcheck dns a { query a.test; }\n"
	    "\tcheck dns b { query b.test; }\n"
	    "\tcheck file { path \"/m\"; }\n"
	    "}\n"
	    "service other { prefix 192.0.3.0/24; check tcp { } }\n");
	assert_int_equal(c->nservices, 2);
	s = c->services;
	assert_string_equal(s->name, "web-1");
	assert_int_equal(s->nprefixes, 3);
	assert_addr(&s->prefixes[0].addr, AF_INET, "192.0.2.0");
	assert_int_equal(s->prefixes[0].len, 24);
	assert_addr(&s->prefixes[1].addr, AF_INET6, "2001:db8:1::");
	assert_int_equal(s->prefixes[1].len, 48);
	assert_addr(&s->prefixes[2].addr, AF_INET6, "2001:db8::53");
	assert_int_equal(s->prefixes[2].len, 128);
	assert_int_equal(s->combine, COMBINE_THRESHOLD);
	assert_int_equal(s->threshold, 2);
	assert_int_equal(s->delay_up, 30000);
	assert_int_equal(s->delay_down, 1500);
	assert_int_equal(s->drain_time, 120000);
	assert_int_equal(s->damping.enabled, 1);
	assert_int_equal(s->damping.penalty, 500);
	assert_int_equal(s->damping.half_life, 30000);
	assert_int_equal(s->damping.suppress, 2000);
	assert_int_equal(s->damping.reuse, 100);
	assert_int_equal(s->damping.max_suppress, 3600000);
	assert_string_equal(s->hook[0], "/usr/sbin/notify");
	assert_string_equal(s->hook[1], "--quiet");
	assert_null(s->hook[2]);
	assert_int_equal(s->nchecks, 3);
	assert_string_equal(nth_check(s, 0)->name, "a");
	assert_string_equal(nth_check(s, 1)->name, "b");
	assert_string_equal(nth_check(s, 2)->name, "file");
	assert_null(nth_check(s, 2)->next);
	s = s->next;
	assert_string_equal(s->name, "other");
	assert_null(s->next);
	conf_free(c);

	/* An empty damping block turns damping on with the defaults. */
	c = load(SVC("\tdamping { }\n\tcheck tcp { }\n"));
	s = c->services;
	assert_int_equal(s->damping.enabled, 1);
	assert_int_equal(s->damping.penalty, CONF_DEFAULT_DAMP_PENALTY);
	assert_int_equal(s->damping.half_life, CONF_DEFAULT_DAMP_HALFLIFE);
	assert_int_equal(s->damping.suppress, CONF_DEFAULT_DAMP_SUPPRESS);
	assert_int_equal(s->damping.reuse, CONF_DEFAULT_DAMP_REUSE);
	assert_int_equal(s->damping.max_suppress, CONF_DEFAULT_DAMP_MAX);
	conf_free(c);
}

/* The length given is honoured: the buffer need not end in NUL. */
static void
test_buffer_length(void **state)
{
	const char	 text[] = "log stderr;log level nonsense;";
	struct conf	*c;

	(void)state;
	c = conf_load_buffer(NAME, text, 11, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->log_target, LOG_TARGET_STDERR);
	conf_free(c);
	/* A string cut by the length is unterminated. */
	assert_null(conf_load_buffer(NAME, "control \"/x\";", 11, err,
	    sizeof(err)));
	assert_string_equal(err, NAME ":1:9: unterminated string");
}

/* ---- errors ---- */

static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} cases[] = {
		{ "router-id 2001:db8::1;", NAME ":1:1: router-id must be a "
		    "non-zero IPv4 address (a 32-bit BGP identifier)" },
		{ "log stderr", NAME ":1:11: expected ';', got end of file" },
		{ "log\n\n  loud;", NAME ":3:3: expected stderr, syslog or "
		    "level, got 'loud'" },
		{ "control \"/x", NAME ":1:9: unterminated string" },
		{ "control \"/\\x\";", NAME ":1:9: only \\\" and \\\\ are "
		    "escapes in strings" },
		{ "control \"x\";", NAME ":1:1: control socket path must be "
		    "absolute" },
		{ "service s {", NAME ":1:12: expected a keyword or '}', got "
		    "end of file" },
		{ "service s { prefix 192.0.2.1/24; }", NAME ":1:20: expected "
		    "a prefix without host bits (192.0.2.53/32, "
		    "2001:db8::53/128), got '192.0.2.1/24'" },
		{ "service s { prefix 192.0.2.1; }", NAME ":1:1: service s has "
		    "no dns, tcp or exec check: nothing would say it is "
		    "healthy" },
		{ SVC("\tcheck dns { }\n"), NAME ":3:2: check dns: 'query NAME "
		    "[TYPE [CLASS]];' is required" },
		{ DNS("\t\tinterval 500;\n"), NAME ":5:12: expected a duration "
		    "with a unit (ms, s, m, h, d), got '500'" },
		{ DNS("\t\tinterval 5ms;\n"), NAME ":5:12: duration 5ms is "
		    "below the minimum 10ms" },
		{ DNS("\t\trise 0;\n"), NAME ":5:8: 0 is out of range 1..100" },
		{ DNS("\t\ttimeout 1s;\n"), NAME ":3:2: check dns: timeout 1s "
		    "is longer than interval 500ms" },
		{ DNS("\t\tedns off;\n\t\tdnssec;\n"), NAME ":3:2: check dns: "
		    "nsid and dnssec need 'edns on'" },
		{ DNS("\t\tquery x;\n"), NAME ":5:3: 'query' given twice" },
		{ DNS("\t\tsource 2001:db8::1;\n"), NAME ":3:2: check dns: "
		    "source 2001:db8::1 and server 192.0.2.53 are not of the "
		    "same address family" },
		{ SVC("\tcheck tcp { }\n\tcheck tcp { }\n"), NAME ":4:2: "
		    "service s has two checks named tcp; give one a name: "
		    "check tcp NAME { ... }" },
		{ SVC("\tcheck tcp { }\n") SVC("\tcheck tcp { }\n"),
		    NAME ":5:9: service s already defined at " NAME ":1:1" },
		{ SVC("\tcheck tcp { }\n")
		    "service t { prefix 192.0.2.0/24; check tcp { } }",
		    NAME ":5:1: service t: prefix 192.0.2.0/24 overlaps "
		    "192.0.2.53/32 of service s" },
		{ SVC("\tdamping { reuse 3000; }\n\tcheck tcp { }\n"),
		    NAME ":3:2: damping: reuse (3000) must be below suppress "
		    "(3000)" },
		/* A token the parser looked at but did not take: freed too. */
		{ SVC("\thook /bin/x;\n"), NAME ":3:7: expected a program "
		    "and its arguments, each in quotes, got '/bin/x'" },
		{ DNS("\t\texpect rcode \"noerror\";\n"), NAME ":5:16: expected "
		    "an rcode (noerror, nxdomain, ...), got \"noerror\"" },
		{ "include \"does-not-exist.conf\";", NAME ":1:1: include: "
		    "does-not-exist.conf: No such file or directory" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(load_error(cases[i].text), cases[i].err);
	}
}

static void
test_error_unknown_keyword(void **state)
{
	const char *e;

	(void)state;
	/* The list of keywords grows with the grammar: only its start. */
	e = load_error("listen 1.2.3.4;");
	assert_true(strncmp(e, NAME ":1:1: unknown keyword 'listen' in the "
	    "top level; expected one of: router-id, control, log",
	    strlen(NAME ":1:1: unknown keyword 'listen' in the top level; "
	    "expected one of: router-id, control, log")) == 0);
	e = load_error(SVC("\tcheck tcp { query x; }\n"));
	assert_string_equal(e, NAME ":3:14: unknown keyword 'query' in tcp "
	    "check; expected one of: server, port, source, interval, "
	    "fast-interval, timeout, rise, fall, watch, immediate");
}

/* The message is cut to the buffer, always terminated. */
static void
test_error_truncated(void **state)
{
	char small[12];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_null(conf_load_buffer(NAME, "log loud;", 9, small,
	    sizeof(small)));
	assert_string_equal(small, NAME ":1:5:");
}

/* ---- files and includes ---- */

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

static void
test_conf_load_files(void **state)
{
	struct conf	*c;
	char		 path[256], want[512];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/conf_test.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_file("main.conf", "include \"globals.conf\";\n"
	    "service s {\n\tinclude \"prefix.conf\";\n"
	    "\tcheck tcp { }\n}\n");
	write_file("globals.conf", "log stderr;\n");
	write_file("prefix.conf", "prefix 192.0.2.1;\n");
	write_file("bad.conf", "log stderr;\ninclude \"broken.conf\";\n");
	write_file("broken.conf", "\n  log loud;\n");

	snprintf(path, sizeof(path), "%s/main.conf", tmpdir);
	c = conf_load(path, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(c->log_target, LOG_TARGET_STDERR);
	assert_int_equal(c->services->nprefixes, 1);
	/* Every file read is kept, so that positions stay valid. */
	assert_int_equal(c->nfiles, 3);
	assert_string_equal(c->files[0], path);
	snprintf(want, sizeof(want), "%s/prefix.conf", tmpdir);
	assert_string_equal(c->files[2], want);
	assert_string_equal(c->services->pos.file, path);
	conf_free(c);

	/* An error in an included file names that file. */
	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	assert_null(conf_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/broken.conf:2:7: expected stderr, "
	    "syslog or level, got 'loud'", tmpdir);
	assert_string_equal(err, want);

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	assert_null(conf_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);

	assert_null(conf_load(tmpdir, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: a directory, not a regular file",
	    tmpdir);
	assert_string_equal(err, want);

	/* A FIFO without a writer: refused at once, never waited on (an
	 * alarm ends the test if the open blocks). */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_null(conf_load(path, err, sizeof(err)));
	alarm(0);
	snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", path);
	assert_string_equal(err, want);
	remove_file("fifo");

	remove_file("main.conf");
	remove_file("globals.conf");
	remove_file("prefix.conf");
	remove_file("bad.conf");
	remove_file("broken.conf");
	assert_int_equal(rmdir(tmpdir), 0);
}

/* ---- printing ---- */

static void
test_print_canonical(void **state)
{
	struct conf	*c;
	char		*out;

	(void)state;
	c = load("log stderr; service s { prefix 192.0.2.53; "
	    "check dns { query Example.Test A; expect answer contains x; } "
	    "check file m { path \"/a \\\"b\\\"\"; } }");
	out = print(c);
	assert_string_equal(out,
	    "control \"/run/anycastd/anycastd.sock\";\n"
	    "log stderr;\n"
	    "log level info;\n"
	    "\n"
	    "service s {\n"
	    "\tprefix 192.0.2.53/32;\n"
	    "\tcombine all;\n"
	    "\tdelay up 0s;\n"
	    "\tdelay down 0s;\n"
	    "\tdrain time 10s;\n"
	    "\tcheck dns dns {\n"
	    "\t\tport 53;\n"
	    "\t\tquery example.test. A IN;\n"
	    "\t\tedns on;\n"
	    "\t\texpect rcode NOERROR;\n"
	    "\t\texpect answer contains \"x\";\n"
	    "\t\tinterval 500ms;\n"
	    "\t\tfast-interval 100ms;\n"
	    "\t\ttimeout 200ms;\n"
	    "\t\trise 3;\n"
	    "\t\tfall 2;\n"
	    "\t}\n"
	    "\tcheck file m {\n"
	    "\t\tpath \"/a \\\"b\\\"\";\n"
	    "\t\tinterval 1s;\n"
	    "\t}\n"
	    "}\n");
	free(out);
	conf_free(c);
}

/* Printed, parsed again, printed again: the same text. */
static void
test_print_round_trip(void **state)
{
	static const char *const texts[] = {
		"",
		"router-id 192.0.2.1; control \"/r/\\\\\"; log level debug;",
		SVC("\tcombine any;\n\tdelay up 1d2h;\n\tdrain time 0s;\n"
		    "\tdamping { half-life 90s; }\n"
		    "\thook \"/h\" \"\\\"\" \"\";\n"
		    "\tcheck dns x { query . ANY CH; edns off; tcp;"
		    " expect rcode RCODE15 noerror; expect answer;"
		    " degraded latency 1ms; timeout 61500ms; interval 1h;"
		    " fast-interval 10ms; }\n"
		    "\tcheck dns y { query a.b NS; nsid; dnssec;"
		    " expect nsid \"\\\\\"; expect authoritative; }\n"
		    "\tcheck tcp { server 192.0.2.9; source 192.0.2.8;"
		    " port 853; rise 100; fall 1; }\n"
		    "\tcheck exec { command \"/bin/x\" \"\t\"; }\n"
		    "\tcheck file { path \"/m\"; interval 10ms; }\n"),
	};
	struct conf	*c, *c2;
	char		*a, *b;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		c = load(texts[i]);
		a = print(c);
		c2 = load(a);
		b = print(c2);
		assert_string_equal(a, b);
		assert_true(c->services == NULL ||
		    conf_service_equal(c->services, c2->services));
		free(a);
		free(b);
		conf_free(c);
		conf_free(c2);
	}
}

/* ---- equality, as reloads use it ---- */

static void
test_check_equal(void **state)
{
	struct conf		*a, *b;
	struct service_conf	*sa, *sb;

	(void)state;
	a = load(SVC("\tcheck dns { query example.test; }\n"
	    "\tcheck dns d2 { query example.test; interval 1s; }\n"
	    "\tcheck dns d3 { query example.test; expect answer contains x; }\n"
	    "\tcheck exec { command \"/a\" \"b\"; }\n"
	    "\tcheck tcp { }\n"));
	/* Same settings written differently, and named explicitly. */
	b = load(SVC("\tcheck dns dns { query EXAMPLE.test. SOA IN;"
	    " interval 500ms; rise 3; edns on; expect rcode noerror; }\n"
	    "\tcheck dns d2 { query example.test; interval 2s; }\n"
	    "\tcheck dns d3 { query example.test; expect answer contains y; }\n"
	    "\tcheck exec { command \"/a\" \"c\"; }\n"
	    "\tcheck tcp { port 53; timeout 200ms; }\n"));
	sa = a->services;
	sb = b->services;
	assert_true(conf_check_equal(nth_check(sa, 0), nth_check(sb, 0)));
	assert_false(conf_check_equal(nth_check(sa, 1), nth_check(sb, 1)));
	assert_false(conf_check_equal(nth_check(sa, 2), nth_check(sb, 2)));
	assert_false(conf_check_equal(nth_check(sa, 3), nth_check(sb, 3)));
	assert_true(conf_check_equal(nth_check(sa, 4), nth_check(sb, 4)));
	/* A check is itself; different types or names never equal. */
	assert_true(conf_check_equal(nth_check(sa, 1), nth_check(sa, 1)));
	assert_false(conf_check_equal(nth_check(sa, 0), nth_check(sa, 4)));
	assert_false(conf_check_equal(nth_check(sa, 0), nth_check(sb, 1)));
	conf_free(a);
	conf_free(b);
}

#define BGP(body)	"router-id 198.51.100.10;\nbgp up {\n\tlocal as 65100;\n" \
			    "\tneighbor 198.51.100.1 " \
			    "as 65001;\n" body "}\n"
#define VIA(extra)	"service s {\n\tprefix 192.0.2.53;\n\troute {\n\t\t" \
			    "via 203.0.113.2 check tcp { }" extra ";\n\t}\n}\n"

/*
 * Scalar rows of the keyword tables (conf_int.h) write fields of every
 * width: a uint16_t port, a uint32_t AS, a uint64_t duration after a
 * fixed word, int flags; and say what the argument functions say.
 */
static void
test_scalar_rows(void **state)
{
	struct conf *c;

	(void)state;
	c = load(BGP("\tport 1179;\n\tconnect retry 2s;\n\tpassive;\n"
	    "\tttl-security;\n"));
	assert_int_equal(c->peers->port, 1179);
	assert_int_equal(c->peers->local_as, 65100);
	assert_int_equal(c->peers->connect_retry, 2000);
	assert_int_equal(c->peers->passive, 1);
	assert_int_equal(c->peers->ttl_security, 1);
	assert_int_equal(c->peers->multihop, 0);
	conf_free(c);
	c = load(BGP("\tmultihop 255;\n"));
	assert_int_equal(c->peers->multihop, 255);
	conf_free(c);
	assert_string_equal(load_error(BGP("\tconnect 5s;\n")),
	    "t.conf:5:10: expected retry, got '5s'");
	assert_string_equal(load_error(BGP("\tconnect retry 50ms;\n")),
	    "t.conf:5:16: duration 50ms is below the minimum 100ms");
	assert_string_equal(load_error(BGP("\tport 70000;\n")),
	    "t.conf:5:7: 70000 is out of range 1..65535");
	assert_string_equal(load_error(BGP("\tpassive x;\n")),
	    "t.conf:5:10: expected ';', got 'x'");
	assert_string_equal(load_error(BGP("\tpassive;\n\tpassive;\n")),
	    "t.conf:6:2: 'passive' given twice");
}

/* bfd in a bgp block and on a via: values, defaults, and reloads. */
static void
test_bfd(void **state)
{
	struct conf		*a, *b, *c;
	const struct check_conf	*ck;

	(void)state;
	a = load(BGP("\tbfd;\n"));
	b = load(BGP("\tbfd strict { interval 100ms; multiplier 5; }\n"));
	c = load(BGP("\tbfd { interval 300ms; multiplier 3; }\n"));
	assert_true(a->peers->bfd.enabled);
	assert_false(a->peers->bfd.strict);
	assert_int_equal(a->peers->bfd.interval, CONF_DEFAULT_BFD_INTERVAL);
	assert_int_equal(a->peers->bfd.multiplier, CONF_DEFAULT_BFD_MULT);
	assert_true(b->peers->bfd.strict);
	assert_int_equal(b->peers->bfd.interval, 100);
	assert_int_equal(b->peers->bfd.multiplier, 5);
	/* The defaults written out are the same session; new timers not. */
	assert_true(conf_bgp_equal(a->peers, c->peers));
	assert_false(conf_bgp_equal(a->peers, b->peers));
	conf_free(a);
	conf_free(b);
	conf_free(c);
	a = load(BGP(""));
	assert_false(a->peers->bfd.enabled);
	conf_free(a);

	/* On a via: one more check of that backend, pushed by BFD. */
	a = load(VIA(" bfd { interval 50ms; }"));
	b = load(VIA(" bfd"));
	ck = nth_check(a->services, 1);
	assert_int_equal(ck->type, CHECK_BFD);
	assert_int_equal(ck->backend, 0);
	assert_string_equal(ck->name, "via1-bfd");
	assert_int_equal(ck->u.bfd.interval, 50);
	assert_int_equal(ck->rise, 1);
	assert_int_equal(ck->fall, 1);
	assert_addr(conf_check_target(a->services, ck), AF_INET,
	    "203.0.113.2");
	assert_false(conf_check_equal(ck, nth_check(b->services, 1)));
	assert_true(conf_check_equal(nth_check(b->services, 1),
	    nth_check(b->services, 1)));
	conf_free(a);
	conf_free(b);
}

static void
test_service_equal(void **state)
{
	static const char *const base =
	    "service s { prefix 192.0.2.1; delay up 1s; hook \"/h\";"
	    " damping { } check tcp { } }";
	static const char *const same[] = {
		/* Only the checks differ: the head is equal. */
		"service s { prefix 192.0.2.1/32; delay up 1000ms;"
		" hook \"/h\"; damping { penalty 1000; } check dns {"
		" query x; } }",
	};
	static const char *const differ[] = {
		"service s { prefix 192.0.2.2; delay up 1s; hook \"/h\";"
		" damping { } check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 2s; hook \"/h\";"
		" damping { } check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 1s; hook \"/h\" \"x\";"
		" damping { } check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 1s; hook \"/h\";"
		" check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 1s; hook \"/h\";"
		" damping { reuse 10; } check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 1s; hook \"/h\";"
		" damping { } combine any; check tcp { } }",
		"service s { prefix 192.0.2.1; delay up 1s; hook \"/h\";"
		" damping { } drain time 1s; check tcp { } }",
		"service s { prefix 192.0.2.1; prefix 2001:db8::1;"
		" delay up 1s; hook \"/h\"; damping { } check tcp { } }",
	};
	struct conf	*a, *b;
	size_t		 i;

	(void)state;
	a = load(base);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		b = load(same[i]);
		assert_true(conf_service_equal(a->services, b->services));
		conf_free(b);
	}
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		b = load(differ[i]);
		if (conf_service_equal(a->services, b->services))
			fail_msg("differ[%zu] compares equal", i);
		conf_free(b);
	}
	conf_free(a);
}

/* ---- util.c: durations ---- */

static void
test_parse_duration(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 ms;
	} ok[] = {
		{ "0s", 0 }, { "0ms", 0 }, { "1ms", 1 }, { "1500ms", 1500 },
		{ "2s", 2000 }, { "1m", 60000 }, { "1h", 3600000 },
		{ "1d", 86400000 }, { "1m30s", 90000 }, { "30s1m", 90000 },
		{ "1s500ms", 1500 }, { "1h1m1s1ms", 3661001 },
		{ "007s", 7000 }, { "1d2h3m4s", 93784000 },
		{ "4294967295s", 4294967295000ull },
	};
	static const char *const bad[] = {
		"", "500", "s", "ms", "5sec", "5S", "1.5s", "-1s", "+1s",
		"1m30", "1 s", "0x10s", "1sm", "1y",
		"4294967296s", "99999999999s", "4294967295d",
		"99999999999999999999999ms",
	};
	uint64_t	 ms;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ms = 12345;
		if (util_parse_duration(ok[i].s, &ms) != 0 || ms != ok[i].ms)
			fail_msg("\"%s\": got %llu", ok[i].s,
			    (unsigned long long)ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 12345;
		if (util_parse_duration(bad[i], &ms) != -1 || ms != 12345)
			fail_msg("\"%s\" accepted", bad[i]);	/* ms untouched */
	}
}

static void
test_fmt_duration(void **state)
{
	static const struct {
		uint64_t	 ms;
		const char	*s;
	} cases[] = {
		{ 0, "0s" }, { 1, "1ms" }, { 999, "999ms" }, { 1000, "1s" },
		{ 1500, "1500ms" }, { 59999, "59999ms" }, { 60000, "1m" },
		{ 61500, "1m1s500ms" }, { 90000, "1m30s" },
		{ 3600000, "1h" }, { 3661001, "1h1m1s1ms" },
		{ 86400000, "1d" }, { 93784000, "1d2h3m4s" },
		{ 4294967295000ull, "49710d6h28m15s" },
	};
	char		 buf[32], small[4];
	uint64_t	 ms, v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		util_fmt_duration(cases[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].s);
	}
	/* What is printed parses back to the same value. */
	for (v = 0; v < 200000; v += 7) {
		util_fmt_duration(v, buf, sizeof(buf));
		assert_int_equal(util_parse_duration(buf, &ms), 0);
		assert_int_equal(ms, v);
	}
	for (v = 1; v < 4294967295000ull; v = v * 3 + 1) {
		util_fmt_duration(v, buf, sizeof(buf));
		assert_int_equal(util_parse_duration(buf, &ms), 0);
		assert_int_equal(ms, v);
	}
	/* A short buffer is cut, never overrun. */
	memset(small, 'x', sizeof(small));
	util_fmt_duration(93784000, small, sizeof(small));
	assert_non_null(memchr(small, '\0', sizeof(small)));
	util_fmt_duration(1500, small, sizeof(small));
	assert_string_equal(small, "150");
}

/* ---- util.c: prefixes ---- */

static void
test_parse_prefix(void **state)
{
	static const struct {
		const char	*s;
		int		 family;
		const char	*addr;
		unsigned	 len;
	} ok[] = {
		{ "192.0.2.53/32", AF_INET, "192.0.2.53", 32 },
		{ "192.0.2.53", AF_INET, "192.0.2.53", 32 },
		{ "192.0.2.0/24", AF_INET, "192.0.2.0", 24 },
		{ "192.0.2.128/25", AF_INET, "192.0.2.128", 25 },
		{ "0.0.0.0/0", AF_INET, "0.0.0.0", 0 },
		{ "2001:db8::53", AF_INET6, "2001:db8::53", 128 },
		{ "2001:DB8:0::/48", AF_INET6, "2001:db8::", 48 },
		{ "::/0", AF_INET6, "::", 0 },
		{ "::ffff:192.0.2.1/128", AF_INET6, "::ffff:192.0.2.1", 128 },
	};
	static const char *const bad[] = {
		"", "/24", "192.0.2.1/24", "192.0.2.0/33", "192.0.2.0/",
		"192.0.2.0/24x", "192.0.2.0/-1", "192.0.2/24", "192.0.2.256",
		"2001:db8::53/64", "2001:db8::/129", "example.test",
		"192.0.2.0/24/24", "1.2.3.4 ",
		"2001:0db8:0000:0000:0000:0000:0000:0053/128/////////",
	};
	struct prefix	 p;
	char		 buf[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (util_parse_prefix(ok[i].s, &p) != 0)
			fail_msg("\"%s\" refused", ok[i].s);
		assert_int_equal(p.addr.family, ok[i].family);
		assert_string_equal(util_fmt_addr(&p.addr, buf, sizeof(buf)),
		    ok[i].addr);
		assert_int_equal(p.len, ok[i].len);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (util_parse_prefix(bad[i], &p) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
	}
}

static int
overlap(const char *a, const char *b)
{
	struct prefix pa, pb;

	assert_int_equal(util_parse_prefix(a, &pa), 0);
	assert_int_equal(util_parse_prefix(b, &pb), 0);
	/* Symmetric, whatever the order. */
	assert_int_equal(util_prefix_overlap(&pa, &pb),
	    util_prefix_overlap(&pb, &pa));
	return util_prefix_overlap(&pa, &pb);
}

static void
test_prefix_overlap(void **state)
{
	(void)state;
	assert_true(overlap("192.0.2.53", "192.0.2.53/32"));
	assert_true(overlap("192.0.2.0/24", "192.0.2.53"));
	assert_true(overlap("192.0.2.0/24", "192.0.2.128/25"));
	assert_true(overlap("0.0.0.0/0", "203.0.113.7"));
	assert_true(overlap("2001:db8::/32", "2001:db8:1::53"));
	assert_true(overlap("::/0", "2001:db8::1"));
	assert_false(overlap("192.0.2.0/25", "192.0.2.128/25"));
	assert_false(overlap("192.0.2.53", "192.0.2.54"));
	assert_false(overlap("192.0.2.0/24", "192.0.3.0/24"));
	assert_false(overlap("2001:db8::/48", "2001:db8:1::/48"));
	/* Families never overlap, not even 0/0 and ::/0. */
	assert_false(overlap("0.0.0.0/0", "::/0"));
	assert_false(overlap("192.0.2.1", "::ffff:192.0.2.1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_defaults),
		cmocka_unit_test(test_dns_defaults),
		cmocka_unit_test(test_other_check_defaults),
		cmocka_unit_test(test_short_interval_defaults),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_dns_every_option),
		cmocka_unit_test(test_service_every_option),
		cmocka_unit_test(test_buffer_length),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_unknown_keyword),
		cmocka_unit_test(test_error_truncated),
		cmocka_unit_test(test_conf_load_files),
		cmocka_unit_test(test_print_canonical),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_check_equal),
		cmocka_unit_test(test_service_equal),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_bfd),
		cmocka_unit_test(test_scalar_rows),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_prefix_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
