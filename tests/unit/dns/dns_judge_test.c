/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns/dns_judge.c: RFC 1982 serial arithmetic and its
 * edge cases (wrap, exactly 2^31 apart), serials as time stamps, RRSIG
 * inception and expiration (RFC 4034 3.1.5) including the 2106 wrap of
 * 32-bit times, the AD bit, SERVFAIL for a bogus name, DNSKEY at the
 * apex, id.server, a zone served.  Answers are built with ldns; every
 * judged buffer is a malloc of exactly its length, so ASan sees a read
 * past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_judge.h"

#define NOW	1704067200	/* 2024-01-01 00:00:00 UTC */
#define HOUR	3600
#define DAY	86400
#define KEY64	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss" \
		"LS4vMDEyMzQ1Njc4OTo7PD0+Pw=="

/* An RRSIG to put in a section, with times as raw 32-bit values. */
struct sig {
	const char	*owner;
	const char	*covered;
	uint32_t	 expiration;
	uint32_t	 inception;
	uint16_t	 keytag;
	int		 authority;	/* in the authority section */
};

struct answer {
	int		 aa, ad, tc;
	unsigned	 rcode;
	const char	*question;
	const char	*an[4];		/* answer RRs, NULL-ended */
	const char	*ns[3];		/* authority RRs */
	struct sig	 sigs[3];	/* owner NULL ends */
};

static void
push(ldns_pkt *pkt, ldns_pkt_section s, const char *text)
{
	ldns_rr *rr = NULL;

	assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
	    LDNS_STATUS_OK);
	assert_true(ldns_pkt_push_rr(pkt, s, rr));
}

/* Replace rdata field I of RR by a 32-bit time (RFC 4034 3.1.5). */
static void
set_time(ldns_rr *rr, size_t i, uint32_t v)
{
	ldns_rdf *old = ldns_rr_set_rdf(rr, ldns_native2rdf_int32(
	    LDNS_RDF_TYPE_TIME, v), i);

	ldns_rdf_deep_free(old);
}

static void
push_sig(ldns_pkt *pkt, const struct sig *s)
{
	ldns_rr	*rr = NULL;
	char	 text[512];

	snprintf(text, sizeof(text), "%s 300 IN RRSIG %s 13 2 300 "
	    "20240201000000 20240101000000 %u example.test. %s", s->owner,
	    s->covered, s->keytag, KEY64);
	assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
	    LDNS_STATUS_OK);
	set_time(rr, 4, s->expiration);
	set_time(rr, 5, s->inception);
	assert_true(ldns_pkt_push_rr(pkt, s->authority ?
	    LDNS_SECTION_AUTHORITY : LDNS_SECTION_ANSWER, rr));
}

static uint8_t *
build(const struct answer *a, size_t *len)
{
	ldns_pkt	*pkt = ldns_pkt_new();
	ldns_rr		*q = NULL;
	uint8_t		*wire, *copy;
	size_t		 i;

	assert_non_null(pkt);
	ldns_pkt_set_id(pkt, 0x1234);
	ldns_pkt_set_qr(pkt, 1);
	ldns_pkt_set_aa(pkt, a->aa);
	ldns_pkt_set_ad(pkt, a->ad);
	ldns_pkt_set_tc(pkt, a->tc);
	ldns_pkt_set_rcode(pkt, (uint8_t)a->rcode);
	assert_int_equal(ldns_rr_new_question_frm_str(&q, a->question ?
	    a->question : "example.test. IN SOA", NULL, NULL), LDNS_STATUS_OK);
	assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q));
	for (i = 0; a->an[i] != NULL; i++)
		push(pkt, LDNS_SECTION_ANSWER, a->an[i]);
	for (i = 0; a->ns[i] != NULL; i++)
		push(pkt, LDNS_SECTION_AUTHORITY, a->ns[i]);
	for (i = 0; i < 3 && a->sigs[i].owner != NULL; i++)
		push_sig(pkt, &a->sigs[i]);
	assert_int_equal(ldns_pkt2wire(&wire, pkt, len), LDNS_STATUS_OK);
	ldns_pkt_free(pkt);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, wire, *len);
	free(wire);
	return copy;
}

#define SOA_TEXT(serial) \
	"example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. " \
	#serial " 3600 900 604800 300"

static void
expect(const struct hc_result *r, enum hc_status st, enum hc_reason reason,
    const char *detail)
{
	assert_int_equal(r->status, st);
	assert_string_equal(hc_reason_name(r->reason), hc_reason_name(reason));
	if (detail != NULL)
		assert_string_equal(r->detail, detail);
}

/* ---- RFC 1982 ---- */

static void
test_serial_compare(void **state)
{
	(void)state;
	assert_int_equal(dns_serial_compare(7, 7), DNS_SERIAL_EQUAL);
	assert_int_equal(dns_serial_compare(1, 2), DNS_SERIAL_LESS);
	assert_int_equal(dns_serial_compare(2, 1), DNS_SERIAL_GREATER);
	/* 3.2: the wrap, 0xffffffff + 1 == 0. */
	assert_int_equal(dns_serial_compare(0xffffffffu, 0), DNS_SERIAL_LESS);
	assert_int_equal(dns_serial_compare(0, 0xffffffffu),
	    DNS_SERIAL_GREATER);
	assert_int_equal(dns_serial_compare(0xfffffff0u, 5), DNS_SERIAL_LESS);
	/* 2^31 - 1 apart is still ordered; 2^31 apart is undefined. */
	assert_int_equal(dns_serial_compare(0, 0x7fffffffu), DNS_SERIAL_LESS);
	assert_int_equal(dns_serial_compare(0, 0x80000000u),
	    DNS_SERIAL_UNDEFINED);
	assert_int_equal(dns_serial_compare(0x80000000u, 0),
	    DNS_SERIAL_UNDEFINED);
	assert_int_equal(dns_serial_compare(5, 0x80000005u),
	    DNS_SERIAL_UNDEFINED);
	assert_int_equal(dns_serial_compare(0, 0x80000001u),
	    DNS_SERIAL_GREATER);
}

static void
test_serial_lag(void **state)
{
	struct hc_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	dns_judge_serial_lag(2024010101, 2024010104, "203.0.113.1", 0,
	    HC_DEGRADED, &r);
	expect(&r, HC_DEGRADED, HC_R_SERIAL_LAG, "serial 2024010101 is 3 "
	    "behind primary 203.0.113.1 (2024010104)");
	dns_judge_serial_lag(2024010101, 2024010104, "203.0.113.1", 0,
	    HC_FAIL, &r);
	expect(&r, HC_FAIL, HC_R_SERIAL_LAG, NULL);
	/* Within the lag allowed. */
	dns_judge_serial_lag(2024010101, 2024010104, "p", 3, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, "serial 2024010101 is 3 behind primary p "
	    "(2024010104), lag 3 allowed");
	dns_judge_serial_lag(2024010104, 2024010104, "p", 0, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, "serial 2024010104 as primary p");
	/* Ahead of the primary: not our failure. */
	dns_judge_serial_lag(2024010105, 2024010104, "p", 0, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, NULL);
	/* Behind across the wrap: 0xfffffffe -> 1 is 3 steps. */
	dns_judge_serial_lag(0xfffffffeu, 1, "p", 2, HC_DEGRADED, &r);
	expect(&r, HC_DEGRADED, HC_R_SERIAL_LAG, "serial 4294967294 is 3 "
	    "behind primary p (1)");
	dns_judge_serial_lag(0xfffffffeu, 1, "p", 3, HC_DEGRADED, &r);
	expect(&r, HC_OK, HC_R_OK, NULL);
	/* A primary that wrapped past us is ahead, not 2^32 - 3 behind. */
	dns_judge_serial_lag(1, 0xfffffffeu, "p", 0, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, NULL);
	dns_judge_serial_lag(10, 0x8000000au, "p", 0, HC_DEGRADED, &r);
	expect(&r, HC_DEGRADED, HC_R_SERIAL_LAG, "serial 10 and primary p's "
	    "2147483658 are 2^31 apart: not comparable (RFC 1982)");
}

static void
test_serial_time(void **state)
{
	int64_t when = 0;

	(void)state;
	assert_int_equal(dns_serial_time(2024010101, NOW, &when),
	    DNS_SERIAL_DATE);
	assert_int_equal(when, NOW);
	assert_int_equal(dns_serial_time(2023123199, NOW, &when),
	    DNS_SERIAL_DATE);
	assert_int_equal(when, NOW - DAY);
	/* Leap days. */
	assert_int_equal(dns_serial_time(2020022900, NOW, &when),
	    DNS_SERIAL_DATE);
	assert_int_equal(dns_serial_time(2000022900, NOW, &when),
	    DNS_SERIAL_DATE);
	/* 2023 and 1900 have no 29 February: not a date, and as unix
	 * time 2023022901 is in the future of NOW. */
	assert_int_equal(dns_serial_time(2023022901, NOW, &when),
	    DNS_SERIAL_NOT_TIME);
	/* Tomorrow is allowed (a server ahead of UTC), later is not. */
	assert_int_equal(dns_serial_time(2024010201, NOW, &when),
	    DNS_SERIAL_DATE);
	assert_int_equal(dns_serial_time(2024010301, NOW, &when),
	    DNS_SERIAL_NOT_TIME);
	/* Unix time. */
	assert_int_equal(dns_serial_time(NOW - 600, NOW, &when),
	    DNS_SERIAL_UNIX);
	assert_int_equal(when, NOW - 600);
	assert_int_equal(dns_serial_time(1700000000, NOW, &when),
	    DNS_SERIAL_UNIX);
	/* Neither: small counters, month 13, day 32. */
	assert_int_equal(dns_serial_time(42, NOW, &when), DNS_SERIAL_NOT_TIME);
	assert_int_equal(dns_serial_time(999999999, NOW, &when),
	    DNS_SERIAL_NOT_TIME);
	assert_int_equal(dns_serial_time(2024130101, NOW, &when),
	    DNS_SERIAL_NOT_TIME);
	assert_int_equal(dns_serial_time(2024013201, NOW, &when),
	    DNS_SERIAL_NOT_TIME);
	/* In 2033 unix time reaches 2000000000: a valid date, in the past,
	 * wins; 2033051800 as a date is in the future, then it is unix. */
	assert_int_equal(dns_serial_time(2000010100, 2000000000LL + DAY,
	    &when), DNS_SERIAL_DATE);
	assert_int_equal(dns_serial_time(0xffffffffu, 0x100000000LL, &when),
	    DNS_SERIAL_UNIX);
}

static void
test_serial_age(void **state)
{
	struct hc_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	dns_judge_serial_age(2023123001, NOW, DAY * 1000, HC_DEGRADED, &r);
	expect(&r, HC_DEGRADED, HC_R_SERIAL_AGE, "serial 2023123001 is 2d "
	    "old (YYYYMMDDnn), more than 1d");
	dns_judge_serial_age(2023123101, NOW, 2 * DAY * 1000, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, "serial 2023123101 is 1d old");
	dns_judge_serial_age(NOW - 2 * HOUR, NOW, HOUR * 1000, HC_FAIL, &r);
	expect(&r, HC_FAIL, HC_R_SERIAL_AGE, "serial 1704060000 is 2h old "
	    "(unix time), more than 1h");
	dns_judge_serial_age(7, NOW, HOUR * 1000, HC_DEGRADED, &r);
	expect(&r, HC_DEGRADED, HC_R_SERIAL_AGE, "serial 7 is not a time "
	    "stamp (YYYYMMDDnn or unix time)");
	/* A little in the future counts as new. */
	dns_judge_serial_age(NOW + 60, NOW, 1000, HC_FAIL, &r);
	expect(&r, HC_OK, HC_R_OK, NULL);
}

static void
test_soa_serial(void **state)
{
	struct answer	 pos = { .aa = 1, .an = { SOA_TEXT(2024010104) } };
	struct answer	 neg = { .aa = 1, .question = "www.example.test. IN SOA",
	    .ns = { SOA_TEXT(77) } };
	struct answer	 refused = { .rcode = 5 };
	struct answer	 other = { .aa = 1, .an = { "other.test. 300 IN SOA "
	    "a. b. 9 1 1 1 1" } };
	struct hc_result r;
	uint32_t	 s = 0;
	uint8_t		*w;
	size_t		 len;

	(void)state;
	memset(&r, 0, sizeof(r));
	w = build(&pos, &len);
	assert_int_equal(dns_judge_soa_serial(w, len, "EXAMPLE.test.", &s,
	    &r), 0);
	assert_int_equal(s, 2024010104);
	/* Cut short: malformed, never read past the end. */
	assert_int_equal(dns_judge_soa_serial(w, len - 1, "example.test.",
	    &s, &r), -1);
	expect(&r, HC_FAIL, HC_R_MALFORMED, NULL);
	free(w);
	/* Not the apex: the SOA of the negative answer's authority. */
	w = build(&neg, &len);
	assert_int_equal(dns_judge_soa_serial(w, len, "www.example.test.",
	    &s, &r), 0);
	assert_int_equal(s, 77);
	free(w);
	w = build(&refused, &len);
	assert_int_equal(dns_judge_soa_serial(w, len, "example.test.", &s,
	    &r), -1);
	expect(&r, HC_FAIL, HC_R_RCODE, "SOA example.test.: rcode REFUSED");
	free(w);
	/* An SOA in the answer for another owner is not ours. */
	w = build(&other, &len);
	assert_int_equal(dns_judge_soa_serial(w, len, "example.test.", &s,
	    &r), -1);
	expect(&r, HC_FAIL, HC_R_NO_ANSWER, "no SOA serial for example.test. "
	    "in the answer");
	free(w);
}

/* ---- RRSIG ---- */

static struct hc_result
rrsig(const struct answer *a, const char *qname, uint16_t qtype,
    int64_t now, uint64_t within_ms)
{
	struct hc_result	 r;
	uint8_t			*w;
	size_t			 len;

	memset(&r, 0, sizeof(r));
	w = build(a, &len);
	dns_judge_rrsig(w, len, qname, qtype, now, within_ms, HC_DEGRADED,
	    &r);
	free(w);
	return r;
}

static void
test_rrsig_windows(void **state)
{
	struct answer a = { .aa = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "example.test.", "SOA", NOW + 29 * DAY, NOW - DAY, 4242, 0 } } };
	struct hc_result r;

	(void)state;
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW, 7ULL * DAY * 1000);
	expect(&r, HC_OK, HC_R_OK, "RRSIG SOA key 4242 valid for 29d");
	/* Expiring within the window: degraded, with how long is left. */
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW + 28 * DAY +
	    23 * HOUR, 2ULL * DAY * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 4242 expires in "
	    "1h, within 2d");
	/* Expired (RFC 4035 5.3.1: now past expiration). */
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW + 30 * DAY, 0);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 4242 expired 1d "
	    "ago");
	/* Not yet valid: inception in the future. */
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW - 2 * DAY, 0);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 4242 not valid "
	    "for another 1d (inception in the future)");
	/* The boundaries themselves are valid. */
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW - DAY, 0);
	expect(&r, HC_OK, HC_R_OK, NULL);
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, NOW + 29 * DAY, 0);
	expect(&r, HC_OK, HC_R_OK, NULL);
}

static void
test_rrsig_pick_and_missing(void **state)
{
	/* Of two signatures (a rollover), the valid one that lasts. */
	struct answer two = { .aa = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "example.test.", "SOA", NOW - HOUR, NOW - DAY, 1, 0 },
	    { "example.test.", "SOA", NOW + 10 * DAY, NOW - DAY, 2, 0 },
	    { "example.test.", "NS", NOW + 90 * DAY, NOW - DAY, 3, 0 } } };
	struct answer none = { .aa = 1, .an = { SOA_TEXT(1) } };
	/* NODATA: the SOA in the authority section, and its signature. */
	struct answer neg = { .aa = 1, .question = "www.example.test. IN A",
	    .ns = { SOA_TEXT(1) }, .sigs = { { "example.test.", "SOA",
	    NOW + HOUR, NOW - DAY, 9, 1 } } };
	/* NXDOMAIN, unsigned: what is missing is the SOA's signature. */
	struct answer nx = { .aa = 1, .rcode = 3,
	    .question = "nx.example.test. IN A", .ns = { SOA_TEXT(1) } };
	/* A signature of another owner does not count. */
	struct answer other = { .aa = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "x.example.test.", "SOA", NOW + 9 * DAY, NOW - DAY, 5, 0 } } };
	struct hc_result r;

	(void)state;
	r = rrsig(&two, "example.test.", LDNS_RR_TYPE_SOA, NOW, DAY * 1000);
	expect(&r, HC_OK, HC_R_OK, "RRSIG SOA key 2 valid for 10d");
	r = rrsig(&none, "example.test.", LDNS_RR_TYPE_SOA, NOW, DAY * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "no RRSIG covering example.test. "
	    "SOA");
	r = rrsig(&neg, "www.example.test.", LDNS_RR_TYPE_A, NOW, DAY * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 9 expires in 1h, "
	    "within 1d");
	r = rrsig(&nx, "nx.example.test.", LDNS_RR_TYPE_A, NOW, DAY * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "negative answer to "
	    "nx.example.test. A: no RRSIG covering the SOA in the authority "
	    "section");
	r = rrsig(&other, "example.test.", LDNS_RR_TYPE_SOA, NOW, DAY * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, NULL);
}

/*
 * RFC 4034 3.1.5: times are seconds mod 2^32, compared with serial
 * arithmetic, so a signature made in 2106 before the wrap and expiring
 * after it is valid across it.
 */
static void
test_rrsig_wrap(void **state)
{
	int64_t		 now = 0x100000000LL + 100;	/* 2106, after the wrap */
	struct answer	 a = { .aa = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "example.test.", "SOA", 100 + 2 * HOUR,
	    (uint32_t)(0x100000000LL - DAY), 7, 0 } } };
	struct answer	 old = { .aa = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "example.test.", "SOA", 0xffffff00u, 0xfff00000u, 8, 0 } } };
	struct hc_result r;

	(void)state;
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, now, HOUR * 1000);
	expect(&r, HC_OK, HC_R_OK, "RRSIG SOA key 7 valid for 2h");
	r = rrsig(&a, "example.test.", LDNS_RR_TYPE_SOA, now, 3 * HOUR * 1000);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 7 expires in 2h, "
	    "within 3h");
	/* Expired just before the wrap: 356 s ago, not in 136 years. */
	r = rrsig(&old, "example.test.", LDNS_RR_TYPE_SOA, now, 0);
	expect(&r, HC_DEGRADED, HC_R_RRSIG, "RRSIG SOA key 8 expired 5m56s "
	    "ago");
}

/* ---- resolvers, identity, zones ---- */

static struct hc_result
judged(void (*fn)(const uint8_t *, size_t, const char *, struct hc_result *),
    const struct answer *a, const char *arg)
{
	struct hc_result	 r;
	uint8_t			*w;
	size_t			 len;

	memset(&r, 0, sizeof(r));
	w = build(a, &len);
	fn(w, len, arg, &r);
	free(w);
	return r;
}

static void
test_validated(void **state)
{
	struct answer	 ad = { .ad = 1, .an = { SOA_TEXT(1) } };
	struct answer	 plain = { .an = { SOA_TEXT(1) } };
	struct hc_result r;
	uint8_t		*w;
	size_t		 len;

	(void)state;
	memset(&r, 0, sizeof(r));
	w = build(&ad, &len);
	dns_judge_validated(w, len, &r);
	expect(&r, HC_OK, HC_R_OK, "validated (AD)");
	free(w);
	w = build(&plain, &len);
	dns_judge_validated(w, len, &r);
	expect(&r, HC_FAIL, HC_R_NOT_VALIDATED, "answer not validated (AD bit "
	    "clear)");
	dns_judge_validated(w, 5, &r);
	expect(&r, HC_FAIL, HC_R_MALFORMED, NULL);
	free(w);
}

static void
test_servfail(void **state)
{
	struct answer sf = { .rcode = 2, .question = "bogus.example.test. IN A" };
	struct answer ok = { .question = "bogus.example.test. IN A",
	    .an = { "bogus.example.test. 300 IN A 192.0.2.66" } };
	struct answer nx = { .rcode = 3, .question = "bogus.example.test. IN A" };
	struct hc_result r;

	(void)state;
	r = judged(dns_judge_servfail, &sf, "bogus.example.test.");
	/* Not "bogus bogus.example.test.": the name is often called so. */
	expect(&r, HC_OK, HC_R_OK, "known-bogus name bogus.example.test. got "
	    "SERVFAIL");
	r = judged(dns_judge_servfail, &ok, "bogus.example.test.");
	expect(&r, HC_FAIL, HC_R_BOGUS_ACCEPTED, "known-bogus name "
	    "bogus.example.test. answered NOERROR, not SERVFAIL: not "
	    "validating");
	r = judged(dns_judge_servfail, &nx, "bogus.example.test.");
	expect(&r, HC_FAIL, HC_R_BOGUS_ACCEPTED, NULL);
}

static void
test_dnskey(void **state)
{
	struct answer keys = { .aa = 1, .question = "example.test. IN DNSKEY",
	    .an = { "example.test. 300 IN DNSKEY 257 3 13 " KEY64,
	    "example.test. 300 IN DNSKEY 256 3 13 " KEY64 } };
	struct answer nodata = { .aa = 1, .question = "example.test. IN DNSKEY",
	    .ns = { SOA_TEXT(1) } };
	struct hc_result r;

	(void)state;
	r = judged(dns_judge_dnskey, &keys, "example.test.");
	expect(&r, HC_OK, HC_R_OK, "2 DNSKEYs at example.test.");
	r = judged(dns_judge_dnskey, &nodata, "example.test.");
	expect(&r, HC_FAIL, HC_R_DNSKEY, "no DNSKEY at example.test. (rcode "
	    "NOERROR)");
	/* Keys of another name are not the apex's. */
	r = judged(dns_judge_dnskey, &keys, "sub.example.test.");
	expect(&r, HC_FAIL, HC_R_DNSKEY, NULL);
}

static void
test_id_server(void **state)
{
	struct answer a = { .aa = 1, .question = "id.server. CH TXT",
	    .an = { "id.server. 0 CH TXT \"site-a\"" } };
	struct answer split = { .aa = 1, .question = "id.server. CH TXT",
	    .an = { "id.server. 0 CH TXT \"site\" \"-a\"" } };
	struct answer odd = { .aa = 1, .question = "id.server. CH TXT",
	    .an = { "id.server. 0 CH TXT \"b\\009\\\"x\"" } };
	struct answer refused = { .rcode = 5, .question = "id.server. CH TXT" };
	struct hc_result r;

	(void)state;
	r = judged(dns_judge_id_server, &a, "site-a");
	expect(&r, HC_OK, HC_R_OK, "id.server \"site-a\"");
	/* RFC 1035 3.3.14: the strings of one TXT are one text. */
	r = judged(dns_judge_id_server, &split, "site-a");
	expect(&r, HC_OK, HC_R_OK, NULL);
	r = judged(dns_judge_id_server, &a, "site-b");
	expect(&r, HC_FAIL, HC_R_IDENTITY, "id.server \"site-a\", expected "
	    "\"site-b\": another server answered");
	r = judged(dns_judge_id_server, &a, "site-");
	expect(&r, HC_FAIL, HC_R_IDENTITY, NULL);
	/* Unprintable bytes and quotes are shown as '?'. */
	r = judged(dns_judge_id_server, &odd, "b");
	expect(&r, HC_FAIL, HC_R_IDENTITY, "id.server \"b??x\", expected "
	    "\"b\": another server answered");
	r = judged(dns_judge_id_server, &refused, "site-a");
	expect(&r, HC_FAIL, HC_R_IDENTITY, "no id.server TXT (rcode REFUSED)");
}

static void
test_zone(void **state)
{
	struct answer ok = { .aa = 1, .an = { SOA_TEXT(1) } };
	struct answer refused = { .rcode = 5 };
	struct answer noaa = { .an = { SOA_TEXT(1) } };
	struct answer empty = { .aa = 1 };
	struct answer tc = { .aa = 1, .tc = 1 };
	struct hc_result r;

	(void)state;
	r = judged(dns_judge_zone, &ok, "example.test.");
	expect(&r, HC_OK, HC_R_OK, "served");
	r = judged(dns_judge_zone, &refused, "example.test.");
	expect(&r, HC_FAIL, HC_R_RCODE, "rcode REFUSED");
	r = judged(dns_judge_zone, &noaa, "example.test.");
	expect(&r, HC_FAIL, HC_R_NOT_AUTH, "not authoritative (AA bit clear)");
	r = judged(dns_judge_zone, &empty, "example.test.");
	expect(&r, HC_FAIL, HC_R_NO_ANSWER, "no SOA in the answer");
	/* Truncated: the header says enough. */
	r = judged(dns_judge_zone, &tc, "example.test.");
	expect(&r, HC_OK, HC_R_OK, NULL);
}

/* Every judge on every prefix of an answer: no crash, no overread. */
static void
test_garbage(void **state)
{
	struct answer a = { .aa = 1, .ad = 1, .an = { SOA_TEXT(1) }, .sigs = {
	    { "example.test.", "SOA", NOW + DAY, NOW - DAY, 1, 0 } } };
	struct hc_result r;
	uint32_t	 s;
	uint8_t		*w, *cut;
	size_t		 len, n;

	(void)state;
	w = build(&a, &len);
	for (n = 0; n < len; n++) {
		cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, w, n);
		memset(&r, 0, sizeof(r));
		(void)dns_judge_soa_serial(cut, n, "example.test.", &s, &r);
		dns_judge_rrsig(cut, n, "example.test.", 6, NOW, 0, HC_FAIL,
		    &r);
		dns_judge_validated(cut, n, &r);
		dns_judge_servfail(cut, n, "example.test.", &r);
		dns_judge_dnskey(cut, n, "example.test.", &r);
		dns_judge_id_server(cut, n, "x", &r);
		dns_judge_zone(cut, n, "example.test.", &r);
		assert_non_null(memchr(r.detail, '\0', sizeof(r.detail)));
		free(cut);
	}
	dns_judge_zone(NULL, 0, "example.test.", &r);
	expect(&r, HC_FAIL, HC_R_MALFORMED, NULL);
	free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_compare),
		cmocka_unit_test(test_serial_lag),
		cmocka_unit_test(test_serial_time),
		cmocka_unit_test(test_serial_age),
		cmocka_unit_test(test_soa_serial),
		cmocka_unit_test(test_rrsig_windows),
		cmocka_unit_test(test_rrsig_pick_and_missing),
		cmocka_unit_test(test_rrsig_wrap),
		cmocka_unit_test(test_validated),
		cmocka_unit_test(test_servfail),
		cmocka_unit_test(test_dnskey),
		cmocka_unit_test(test_id_server),
		cmocka_unit_test(test_zone),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
