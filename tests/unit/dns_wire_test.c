/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns_wire.c: the query builder, the answer judge and
 * the name <-> number helpers.  Answers are crafted two ways: with ldns
 * (struct answer below, readable) and as raw byte vectors (for what ldns
 * would refuse to build: truncation, QR clear, no question, garbage).
 * Every judged buffer is a fresh malloc of exactly its length, so ASan
 * catches a read one byte past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns_wire.h"

#define ID	0x1234

/* What an answer built with ldns looks like. */
struct answer {
	uint16_t	 id;
	int		 qr, aa, tc, opcode;
	unsigned	 rcode;		/* 12 bits, high 8 in OPT */
	const char	*question[3];	/* "name class type", NULL-ended */
	const char	*rrs[5];	/* answer RRs, NULL-ended */
	int		 edns;
	const char	*nsid;		/* NSID option payload or NULL */
	size_t		 nsidlen;
	int		 bad_options;	/* unparsable OPT RDATA */
};

/*
 * The well-known good answer, as raw bytes (RFC 1035 4.1):
 * www.example.com. IN A -> 192.0.2.1, id 0x1234, QR AA.
 */
static const uint8_t raw_good[] = {
	0x12, 0x34, 0x84, 0x00,		/* id, QR AA, NOERROR */
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,	/* ptr to qname, A IN */
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,	/* ttl 300, rdlength 4 */
	192, 0, 2, 1,
};

static struct dns_query
query(void)
{
	struct dns_query q = {
		.qname = "www.example.com", .qtype = LDNS_RR_TYPE_A,
		.qclass = LDNS_RR_CLASS_IN, .id = ID,
	};

	return q;
}

static struct answer
good(void)
{
	struct answer a = {
		.id = ID, .qr = 1, .aa = 1,
		.question = { "www.example.com. IN A" },
		.rrs = { "www.example.com. 300 IN A 192.0.2.1" },
	};

	return a;
}

static void
add_opt(ldns_pkt *pkt, const struct answer *a)
{
	ldns_edns_option_list	*list;

	ldns_pkt_set_edns_udp_size(pkt, 1232);
	ldns_pkt_set_edns_extended_rcode(pkt, (uint8_t)(a->rcode >> 4));
	if (a->bad_options) {
		/* Three bytes: an option header cut short. */
		ldns_pkt_set_edns_data(pkt, ldns_rdf_new_frm_data(
		    LDNS_RDF_TYPE_UNKNOWN, 3, "\0\3\0"));
		return;
	}
	if (a->nsid == NULL)
		return;
	list = ldns_edns_option_list_new();
	assert_non_null(list);
	assert_true(ldns_edns_option_list_push(list,
	    ldns_edns_new_from_data(3, a->nsidlen, a->nsid)));
	ldns_pkt_set_edns_option_list(pkt, list);
}

/* Wire form of A, in a buffer of exactly *LEN bytes. */
static uint8_t *
build(const struct answer *a, size_t *len)
{
	ldns_pkt	*pkt = ldns_pkt_new();
	ldns_rr		*rr;
	uint8_t		*wire;
	size_t		 i;

	assert_non_null(pkt);
	ldns_pkt_set_id(pkt, a->id);
	ldns_pkt_set_qr(pkt, a->qr);
	ldns_pkt_set_aa(pkt, a->aa);
	ldns_pkt_set_tc(pkt, a->tc);
	ldns_pkt_set_opcode(pkt, (ldns_pkt_opcode)a->opcode);
	ldns_pkt_set_rcode(pkt, (uint8_t)(a->rcode & 0x0f));
	for (i = 0; a->question[i] != NULL; i++) {
		rr = NULL;
		assert_int_equal(ldns_rr_new_question_frm_str(&rr,
		    a->question[i], NULL, NULL), LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, rr));
	}
	for (i = 0; a->rrs[i] != NULL; i++) {
		rr = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&rr, a->rrs[i], 0, NULL,
		    NULL), LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr));
	}
	if (a->edns || a->nsid != NULL || a->bad_options || a->rcode > 15)
		add_opt(pkt, a);
	assert_int_equal(ldns_pkt2wire(&wire, pkt, len), LDNS_STATUS_OK);
	ldns_pkt_free(pkt);
	return wire;
}

/* Judge a copy of BUF that is exactly LEN bytes long. */
static struct hc_result
judge_raw(const uint8_t *buf, size_t len, const struct dns_query *q,
    const struct dns_expect *e, int *tc)
{
	struct hc_result	 res;
	uint8_t			*copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	memset(&res, 0, sizeof(res));
	memset(res.detail, 'X', sizeof(res.detail));
	res.rtt_us = 4242;
	*tc = -1;
	dns_wire_judge(copy, len, q, e, &res, tc);
	free(copy);
	assert_non_null(memchr(res.detail, '\0', sizeof(res.detail)));
	assert_int_equal(res.rtt_us, 4242);	/* left untouched */
	assert_true(*tc == 0 || *tc == 1);
	assert_true(res.status == HC_OK || res.status == HC_FAIL);
	assert_int_equal(res.status == HC_OK, res.reason == HC_R_OK);
	assert_int_equal(*tc, res.reason == HC_R_TRUNCATED);
	return res;
}

static struct hc_result
judge(const struct answer *a, const struct dns_query *q,
    const struct dns_expect *e, int *tc)
{
	struct hc_result	 res;
	uint8_t			*wire;
	size_t			 len;

	wire = build(a, &len);
	res = judge_raw(wire, len, q, e, tc);
	free(wire);
	return res;
}

static void
expect_fail(const struct hc_result *res, enum hc_reason r, const char *det)
{
	assert_int_equal(res->status, HC_FAIL);
	assert_string_equal(hc_reason_name(res->reason), hc_reason_name(r));
	if (det != NULL)
		assert_string_equal(res->detail, det);
}

static void
test_good_ldns(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .aa = 1, .answer = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_int_equal(res.reason, HC_R_OK);
	assert_int_equal(tc, 0);
	assert_string_equal(res.detail, "NOERROR aa, 1 answer");
	/* No expectations at all means NOERROR only. */
	res = judge(&a, &q, NULL, &tc);
	assert_int_equal(res.status, HC_OK);
}

static void
test_good_raw(void **state)
{
	struct dns_query	 q = query();
	struct dns_expect	 e = { .aa = 1, .answer = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	res = judge_raw(raw_good, sizeof(raw_good), &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NOERROR aa, 1 answer");
}

static void
test_qname_case(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .answer = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.question[0] = "WwW.ExAmPlE.cOm. IN A";
	a.rrs[0] = "WWW.EXAMPLE.COM. 300 IN A 192.0.2.1";
	q.qname = "www.Example.COM.";
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
}

static void
test_wrong_id(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.id = ID + 1;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_ID, "id 4661, expected 4660");
	/* The id is checked before the TC bit: a stray TC is not ours. */
	a.tc = 1;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_ID, NULL);
	assert_int_equal(tc, 0);
}

static void
test_wrong_qname(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.question[0] = "ww.example.com. IN A";
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION,
	    "answers another question: ww.example.com. A IN");
	a.question[0] = "www.example.com.evil. IN A";
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, NULL);
}

static void
test_wrong_qtype_qclass(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.question[0] = "www.example.com. IN AAAA";
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION,
	    "answers another question: www.example.com. AAAA IN");
	a.question[0] = "www.example.com. CH A";
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, NULL);
}

static void
test_two_questions(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.question[1] = "www.example.com. IN A";
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, "2 questions, expected 1");
}

static void
test_zero_questions(void **state)
{
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			 b[12];
	int			 tc;

	(void)state;
	/* A bare header: QR set, NOERROR, every count zero. */
	memset(b, 0, sizeof(b));
	b[0] = 0x12;
	b[1] = 0x34;
	b[2] = 0x80;
	res = judge_raw(b, sizeof(b), &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, "0 questions, expected 1");
}

static void
test_qr_clear(void **state)
{
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			 b[sizeof(raw_good)];
	int			 tc;

	(void)state;
	memcpy(b, raw_good, sizeof(b));
	b[2] &= 0x7f;
	res = judge_raw(b, sizeof(b), &q, NULL, &tc);
	expect_fail(&res, HC_R_MALFORMED, "not a response (QR bit clear)");
}

static void
test_opcode(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.opcode = LDNS_PACKET_NOTIFY;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, "opcode 4, expected QUERY");
}

/* Every strict prefix of BUF is malformed: never OK, never a crash. */
static void
check_prefixes(const uint8_t *buf, size_t len)
{
	struct dns_query	 q = query();
	struct dns_expect	 e = { .nsid = "ns1" };
	struct hc_result	 res;
	size_t			 n;
	int			 tc;

	for (n = 0; n < len; n++) {
		res = judge_raw(buf, n, &q, &e, &tc);
		assert_int_equal(res.status, HC_FAIL);
		assert_int_equal(res.reason, HC_R_MALFORMED);
	}
	res = judge_raw(buf, len, &q, &e, &tc);
	assert_int_not_equal(res.reason, HC_R_MALFORMED);
}

static void
test_truncated_bytes(void **state)
{
	struct answer		 a = good();
	uint8_t			*wire;
	size_t			 len;

	(void)state;
	check_prefixes(raw_good, sizeof(raw_good));
	a.nsid = "ns1";
	a.nsidlen = 3;
	a.rrs[1] = "www.example.com. 300 IN A 192.0.2.2";
	wire = build(&a, &len);
	check_prefixes(wire, len);
	free(wire);
}

static void
test_garbage(void **state)
{
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			 b[512];
	uint32_t		 x = 2463534242U;
	size_t			 i, round;
	int			 tc;

	(void)state;
	res = judge_raw(NULL, 0, &q, NULL, &tc);
	expect_fail(&res, HC_R_MALFORMED, NULL);
	memset(b, 0xff, sizeof(b));
	res = judge_raw(b, sizeof(b), &q, NULL, &tc);
	assert_int_equal(res.status, HC_FAIL);
	/* xorshift32: the same "random" bytes on every run. */
	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(b); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[i] = (uint8_t)x;
		}
		res = judge_raw(b, 12 + round % 200, &q, NULL, &tc);
		assert_int_equal(res.status, HC_FAIL);
	}
	/* A compression pointer to itself must not loop forever. */
	memcpy(b, raw_good, sizeof(raw_good));
	b[12] = 0xc0;
	b[13] = 0x0c;
	res = judge_raw(b, sizeof(raw_good), &q, NULL, &tc);
	expect_fail(&res, HC_R_MALFORMED, NULL);
}

static void
test_tc(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.tc = 1;
	a.rrs[0] = NULL;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_TRUNCATED, "truncated (TC bit set)");
	assert_int_equal(tc, 1);
	/* TC wins over a bad rcode: the full answer may differ. */
	a.rcode = LDNS_RCODE_SERVFAIL;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_TRUNCATED, NULL);
	/* A NULL pointer for TRUNCATED is allowed. */
	{
		uint8_t *w;
		size_t len;

		w = build(&a, &len);
		dns_wire_judge(w, len, &q, NULL, &res, NULL);
		free(w);
		expect_fail(&res, HC_R_TRUNCATED, NULL);
	}
}

static void
test_servfail_refused(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.rrs[0] = NULL;
	a.rcode = LDNS_RCODE_SERVFAIL;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode SERVFAIL");
	a.rcode = LDNS_RCODE_REFUSED;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode REFUSED");
	/* RFC 6891 6.1.3: BADVERS is 16, only reachable through OPT. */
	a.rcode = 16;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode BADVERS");
	a.rcode = 0x123;
	res = judge(&a, &q, NULL, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode RCODE291");
}

static void
test_accepted_rcodes(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { 0 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.rrs[0] = NULL;
	a.rcode = LDNS_RCODE_NXDOMAIN;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode NXDOMAIN");
	e.rcodes = 1U << LDNS_RCODE_NOERROR | 1U << LDNS_RCODE_NXDOMAIN;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NXDOMAIN aa, 0 answers");
	/* Accepting NXDOMAIN alone refuses NOERROR. */
	e.rcodes = 1U << LDNS_RCODE_NXDOMAIN;
	a.rcode = LDNS_RCODE_NOERROR;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_RCODE, "rcode NOERROR");
	/* An extended rcode above 31 is never in the 32-bit set. */
	e.rcodes = 0xffffffffU;
	a.rcode = 0x40;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_RCODE, NULL);
}

static void
test_aa(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .aa = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.aa = 0;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NOT_AUTH, "not authoritative (AA bit clear)");
	e.aa = 0;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NOERROR, 1 answer");
}

static void
test_empty_answer(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .answer = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.rrs[0] = NULL;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NO_ANSWER, "NOERROR, empty answer section");
	e.answer = 0;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NOERROR aa, 0 answers");
}

static struct hc_result
judge_contains(const struct answer *a, const struct dns_query *q,
    const char *want)
{
	char *const		 list[] = { (char *)want };
	struct dns_expect	 e = { .contains = list, .ncontains = 1 };
	int			 tc;

	return judge(a, q, &e, &tc);
}

static void
test_contains_match(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	char *const		 both[] = { "192.0.2.2", "192.0.2.1" };
	struct dns_expect	 e = { .contains = both, .ncontains = 2 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	res = judge_contains(&a, &q, "192.0.2.1");
	assert_int_equal(res.status, HC_OK);
	a.rrs[1] = "www.example.com. 300 IN A 192.0.2.2";
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NOERROR aa, 2 answers");

	a = good();
	a.question[0] = "example.com. IN MX";
	a.rrs[0] = "example.com. 300 IN MX 10 Mail.Example.com.";
	q.qname = "example.com";
	q.qtype = LDNS_RR_TYPE_MX;
	res = judge_contains(&a, &q, "10 mail.example.com");
	assert_int_equal(res.status, HC_OK);
	res = judge_contains(&a, &q, "10 MAIL.EXAMPLE.COM.");
	assert_int_equal(res.status, HC_OK);

	a.question[0] = "example.com. IN TXT";
	a.rrs[0] = "example.com. 300 IN TXT \"hello world\" \"two\"";
	q.qtype = LDNS_RR_TYPE_TXT;
	res = judge_contains(&a, &q, "\"hello world\" \"two\"");
	assert_int_equal(res.status, HC_OK);

	a.question[0] = "example.com. IN SOA";
	a.rrs[0] = "example.com. 300 IN SOA ns1.example.com. "
	    "hostmaster.example.com. 2024010101 7200 3600 1209600 300";
	q.qtype = LDNS_RR_TYPE_SOA;
	res = judge_contains(&a, &q, "ns1.example.com hostmaster.example.com."
	    " 2024010101 7200 3600 1209600 300");
	assert_int_equal(res.status, HC_OK);
}

static void
test_contains_mismatch(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	char			 big[400];

	(void)state;
	res = judge_contains(&a, &q, "192.0.2.9");
	expect_fail(&res, HC_R_ANSWER_MISSING,
	    "answer lacks \"192.0.2.9\"");
	/* Whole fields only: no prefix, no extra field, no trailing dot. */
	a.rrs[0] = "www.example.com. 300 IN A 192.0.2.10";
	res = judge_contains(&a, &q, "192.0.2.1");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	res = judge_contains(&a, &q, "192.0.2.10 1");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	res = judge_contains(&a, &q, "192.0.2.10.");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	res = judge_contains(&a, &q, "");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	/* The right RDATA under another owner does not count. */
	a.rrs[0] = "www.example.com. 300 IN CNAME web.example.com.";
	a.rrs[1] = "web.example.com. 300 IN A 192.0.2.1";
	res = judge_contains(&a, &q, "192.0.2.1");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	/* Nor does a name that merely starts with the wanted one. */
	a = good();
	a.question[0] = "example.com. IN NS";
	a.rrs[0] = "example.com. 300 IN NS ns1.example.com.evil.";
	q.qname = "example.com.";
	q.qtype = LDNS_RR_TYPE_NS;
	res = judge_contains(&a, &q, "ns1.example.com");
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	/* A TXT expectation is quoted already: not quoted twice. */
	a = good();
	a.question[0] = "example.com. IN TXT";
	a.rrs[0] = "example.com. 300 IN TXT \"site-b\"";
	q.qname = "example.com.";
	q.qtype = LDNS_RR_TYPE_TXT;
	res = judge_contains(&a, &q, "\"site-a\"");
	expect_fail(&res, HC_R_ANSWER_MISSING, "answer lacks \"site-a\"");
	/* A long expectation still gives a bounded detail. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	res = judge_contains(&a, &q, big);
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	assert_true(strlen(res.detail) < sizeof(res.detail));
	assert_non_null(strstr(res.detail, "answer lacks \"aaaa"));
}

static void
test_nsid_match(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .nsid = "ns1.ams" };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.nsid = "ns1.ams";
	a.nsidlen = 7;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
	/* An empty NSID equals an empty expectation. */
	a.nsid = "";
	a.nsidlen = 0;
	e.nsid = "";
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
}

static void
test_nsid_mismatch(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .nsid = "ns1.ams" };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	a.nsid = "ns2.fra";
	a.nsidlen = 7;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID, "NSID \"ns2.fra\", expected \"ns1.ams\"");
	/* A longer NSID that starts with the expected one is different. */
	a.nsid = "ns1.ams2";
	a.nsidlen = 8;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID, NULL);
	a.nsid = "ns1\0ams";
	a.nsidlen = 7;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID,
	    "NSID 0x6e733100616d73, expected \"ns1.ams\"");
	a.nsid = "0123456789012345678901234567890123456789";
	a.nsidlen = 40;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID, "NSID \"01234567890123456789012345678901"
	    "\"..., expected \"ns1.ams\"");
}

static void
test_nsid_missing(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct dns_expect	 e = { .nsid = "ns1.ams" };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID, "no OPT record, no NSID");
	a.edns = 1;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_NSID, "no NSID in answer");
	a.bad_options = 1;
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_MALFORMED, "malformed EDNS options");
	/* Without an NSID expectation the options are not looked at. */
	e.nsid = NULL;
	res = judge(&a, &q, &e, &tc);
	assert_int_equal(res.status, HC_OK);
}

static ldns_pkt *
parse_query(const struct dns_query *q)
{
	ldns_pkt	*pkt = NULL;
	uint8_t		*buf;
	size_t		 len;

	assert_int_equal(dns_wire_query(q, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(ldns_wire2pkt(&pkt, buf, len), LDNS_STATUS_OK);
	free(buf);
	return pkt;
}

static void
test_query_roundtrip(void **state)
{
	struct dns_query	 q = query();
	ldns_pkt		*pkt;
	ldns_rr			*qrr;
	ldns_rdf		*want;
	ldns_edns_option_list	*list;
	ldns_edns_option	*opt;

	(void)state;
	want = ldns_dname_new_frm_str("www.example.com.");
	q.id = 0xbeef;
	q.qtype = LDNS_RR_TYPE_AAAA;
	q.qclass = LDNS_RR_CLASS_CH;
	q.dnssec_ok = 1;
	q.nsid = 1;
	pkt = parse_query(&q);
	assert_int_equal(ldns_pkt_id(pkt), 0xbeef);
	assert_false(ldns_pkt_qr(pkt));
	assert_false(ldns_pkt_rd(pkt));
	assert_false(ldns_pkt_aa(pkt));
	assert_int_equal(ldns_pkt_get_opcode(pkt), LDNS_PACKET_QUERY);
	assert_int_equal(ldns_pkt_qdcount(pkt), 1);
	qrr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(qrr), want), 0);
	assert_int_equal(ldns_rr_get_type(qrr), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_get_class(qrr), LDNS_RR_CLASS_CH);
	assert_true(ldns_pkt_edns(pkt));
	assert_int_equal(ldns_pkt_edns_udp_size(pkt), 1232);
	assert_int_equal(ldns_pkt_edns_version(pkt), 0);
	assert_true(ldns_pkt_edns_do(pkt));
	list = ldns_pkt_edns_get_option_list(pkt);
	assert_non_null(list);
	assert_int_equal(ldns_edns_option_list_get_count(list), 1);
	opt = ldns_edns_option_list_get_option(list, 0);
	assert_int_equal(ldns_edns_get_code(opt), 3);
	assert_int_equal(ldns_edns_get_size(opt), 0);
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(want);
}

static void
test_query_edns_variants(void **state)
{
	struct dns_query	 q = query();
	ldns_pkt		*pkt;
	ldns_rr			*qrr;

	(void)state;
	/* No EDNS asked for: no OPT record at all. */
	pkt = parse_query(&q);
	assert_false(ldns_pkt_edns(pkt));
	assert_int_equal(ldns_pkt_arcount(pkt), 0);
	ldns_pkt_free(pkt);
	/* Plain EDNS: payload, no DO, no options. */
	q.edns = 1;
	pkt = parse_query(&q);
	assert_true(ldns_pkt_edns(pkt));
	assert_int_equal(ldns_pkt_edns_udp_size(pkt), 1232);
	assert_false(ldns_pkt_edns_do(pkt));
	assert_null(ldns_pkt_edns_data(pkt));
	ldns_pkt_free(pkt);
	/* NSID alone implies EDNS. */
	q.edns = 0;
	q.nsid = 1;
	pkt = parse_query(&q);
	assert_int_equal(ldns_pkt_edns_udp_size(pkt), 1232);
	assert_non_null(ldns_pkt_edns_data(pkt));
	ldns_pkt_free(pkt);
	/* Type and class 0 go out as asked, not as A / IN. */
	q = query();
	q.qtype = 0;
	q.qclass = 0;
	pkt = parse_query(&q);
	qrr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	assert_int_equal(ldns_rr_get_type(qrr), 0);
	assert_int_equal(ldns_rr_get_class(qrr), 0);
	ldns_pkt_free(pkt);
}

/* RD for resolvers (`recursion`), AD to ask for AD (RFC 6840 5.7). */
static void
test_query_rd_ad(void **state)
{
	struct dns_query	 q = query();
	ldns_pkt		*pkt;

	(void)state;
	pkt = parse_query(&q);
	assert_false(ldns_pkt_rd(pkt));
	assert_false(ldns_pkt_ad(pkt));
	assert_false(ldns_pkt_cd(pkt));
	ldns_pkt_free(pkt);
	q.rd = 1;
	q.ad = 1;
	pkt = parse_query(&q);
	assert_true(ldns_pkt_rd(pkt));
	assert_true(ldns_pkt_ad(pkt));
	assert_false(ldns_pkt_cd(pkt));
	assert_false(ldns_pkt_qr(pkt));
	ldns_pkt_free(pkt);
}

/* dns_wire_classify: the "is it ours" half of the judge. */
static void
test_classify(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			*wire;
	size_t			 len;

	(void)state;
	memset(&res, 0, sizeof(res));
	wire = build(&a, &len);
	assert_int_equal(dns_wire_classify(wire, len, &q, &res), DNS_WIRE_OURS);
	assert_int_equal(res.status, HC_OK);
	assert_int_equal(dns_wire_classify(wire, len - 1, &q, &res),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_MALFORMED);
	q.id = ID + 1;
	assert_int_equal(dns_wire_classify(wire, len, &q, &res),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_BOGUS_ID);
	q = query();
	q.qtype = LDNS_RR_TYPE_AAAA;
	assert_int_equal(dns_wire_classify(wire, len, &q, &res),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_BOGUS_QUESTION);
	free(wire);
	/* A REFUSED answer is still ours: its judge says the rest. */
	a.rcode = 5;
	a.tc = 1;
	q = query();
	wire = build(&a, &len);
	assert_int_equal(dns_wire_classify(wire, len, &q, &res),
	    DNS_WIRE_TRUNCATED);
	assert_int_equal(res.reason, HC_R_TRUNCATED);
	free(wire);
	assert_int_equal(dns_wire_classify(NULL, 0, &q, &res),
	    DNS_WIRE_NOT_OURS);
}

/* What dns_wire_query builds, its judge accepts once answered. */
static void
test_query_answer_roundtrip(void **state)
{
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			*buf;
	size_t			 len;
	int			 tc;

	(void)state;
	q.nsid = 1;
	assert_int_equal(dns_wire_query(&q, &buf, &len), 0);
	res = judge_raw(buf, len, &q, NULL, &tc);
	expect_fail(&res, HC_R_MALFORMED, "not a response (QR bit clear)");
	buf[2] |= 0x80;		/* QR: now an (empty) answer */
	res = judge_raw(buf, len, &q, NULL, &tc);
	assert_int_equal(res.status, HC_OK);
	assert_string_equal(res.detail, "NOERROR, 0 answers");
	free(buf);
}

static void
test_query_bad_qname(void **state)
{
	static const char *const bad[] = { "", "a..b", "..", ".a", "a\\" };
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			*buf = (uint8_t *)&q;
	size_t			 i, len = 99;
	char			 name[400];
	int			 tc;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q.qname = bad[i];
		assert_int_equal(dns_wire_query(&q, &buf, &len), -1);
		assert_null(buf);
		assert_int_equal(len, 0);
	}
	/* RFC 1035 2.3.4: labels up to 63 bytes, names up to 255. */
	memset(name, 'a', 64);
	memcpy(name + 64, ".com", 5);
	q.qname = name;
	assert_int_equal(dns_wire_query(&q, &buf, &len), -1);
	memcpy(name + 63, ".com", 5);
	assert_int_equal(dns_wire_query(&q, &buf, &len), 0);
	free(buf);
	for (i = 0; i + 4 < 300; i += 4)
		memcpy(name + i, "abc.", 4);
	name[i] = '\0';
	assert_int_equal(dns_wire_query(&q, &buf, &len), -1);
	q.qname = NULL;
	assert_int_equal(dns_wire_query(&q, &buf, &len), -1);
	/* The judge copes with a query it could never have sent. */
	res = judge_raw(raw_good, sizeof(raw_good), &q, NULL, &tc);
	expect_fail(&res, HC_R_BOGUS_QUESTION, "bad qname");
	q.qname = ".";
	assert_int_equal(dns_wire_query(&q, &buf, &len), 0);
	free(buf);
}

static void
test_type_names(void **state)
{
	char		 buf[32];
	unsigned	 t, i;

	(void)state;
	for (t = 0; t <= 65535; t++) {
		dns_wire_type_name((uint16_t)t, buf, sizeof(buf));
		assert_int_equal(dns_wire_type(buf), (int)t);
		for (i = 0; buf[i] != '\0'; i++)
			assert_false(buf[i] >= 'a' && buf[i] <= 'z');
	}
	assert_string_equal(dns_wire_type_name(1, buf, sizeof(buf)), "A");
	assert_string_equal(dns_wire_type_name(65280, buf, sizeof(buf)),
	    "TYPE65280");
	assert_int_equal(dns_wire_type("aaaa"), 28);
	assert_int_equal(dns_wire_type("Txt"), 16);
	assert_int_equal(dns_wire_type("soa"), 6);
	assert_int_equal(dns_wire_type("ns"), 2);
	assert_int_equal(dns_wire_type("MX"), 15);
	assert_int_equal(dns_wire_type("cname"), 5);
	assert_int_equal(dns_wire_type("PTR"), 12);
	assert_int_equal(dns_wire_type("srv"), 33);
	assert_int_equal(dns_wire_type("dnskey"), 48);
	assert_int_equal(dns_wire_type("DS"), 43);
	assert_int_equal(dns_wire_type("rrsig"), 46);
	assert_int_equal(dns_wire_type("nsec"), 47);
	assert_int_equal(dns_wire_type("NSEC3"), 50);
	assert_int_equal(dns_wire_type("caa"), 257);
	assert_int_equal(dns_wire_type("any"), 255);
	assert_int_equal(dns_wire_type("type65535"), 65535);
	assert_int_equal(dns_wire_type("TYPE0"), 0);
	assert_int_equal(dns_wire_type("TYPE65536"), -1);
	assert_int_equal(dns_wire_type("TYPE1x"), -1);
	assert_int_equal(dns_wire_type("TYPE-1"), -1);
	assert_int_equal(dns_wire_type("TYPE"), -1);
	assert_int_equal(dns_wire_type("TYPE0000001"), -1);
	assert_int_equal(dns_wire_type("FOO"), -1);
	assert_int_equal(dns_wire_type(""), -1);
	assert_int_equal(dns_wire_type(NULL), -1);
	/* A short buffer truncates but stays a string. */
	assert_string_equal(dns_wire_type_name(48, buf, 4), "DNS");
}

static void
test_class_rcode_names(void **state)
{
	char		 buf[32];
	unsigned	 c;

	(void)state;
	for (c = 0; c <= 65535; c++) {
		dns_wire_class_name((uint16_t)c, buf, sizeof(buf));
		assert_int_equal(dns_wire_class(buf), (int)c);
	}
	assert_int_equal(dns_wire_class("in"), 1);
	assert_int_equal(dns_wire_class("Ch"), 3);
	assert_int_equal(dns_wire_class("HS"), 4);
	assert_int_equal(dns_wire_class("any"), 255);
	assert_int_equal(dns_wire_class("class42"), 42);
	assert_int_equal(dns_wire_class("CLASS70000"), -1);
	assert_int_equal(dns_wire_class("INX"), -1);
	assert_int_equal(dns_wire_class(NULL), -1);
	assert_string_equal(dns_wire_class_name(3, buf, sizeof(buf)), "CH");
	assert_string_equal(dns_wire_class_name(255, buf, sizeof(buf)), "ANY");
	assert_string_equal(dns_wire_class_name(42, buf, sizeof(buf)),
	    "CLASS42");

	for (c = 0; c < 4096; c++) {
		dns_wire_rcode_name(c, buf, sizeof(buf));
		assert_int_equal(dns_wire_rcode(buf), (int)c);
	}
	assert_int_equal(dns_wire_rcode("noerror"), 0);
	assert_int_equal(dns_wire_rcode("FormErr"), 1);
	assert_int_equal(dns_wire_rcode("servfail"), 2);
	assert_int_equal(dns_wire_rcode("nxdomain"), 3);
	assert_int_equal(dns_wire_rcode("NOTIMP"), 4);
	assert_int_equal(dns_wire_rcode("refused"), 5);
	assert_int_equal(dns_wire_rcode("YXDOMAIN"), 6);
	assert_int_equal(dns_wire_rcode("yxrrset"), 7);
	assert_int_equal(dns_wire_rcode("NXRRSET"), 8);
	assert_int_equal(dns_wire_rcode("notauth"), 9);
	assert_int_equal(dns_wire_rcode("NOTZONE"), 10);
	assert_int_equal(dns_wire_rcode("BADVERS"), 16);
	assert_int_equal(dns_wire_rcode("RCODE4096"), -1);
	assert_int_equal(dns_wire_rcode("NOPE"), -1);
	assert_int_equal(dns_wire_rcode(NULL), -1);
	assert_string_equal(dns_wire_rcode_name(4, buf, sizeof(buf)),
	    "NOTIMP");
	assert_string_equal(dns_wire_rcode_name(3, buf, sizeof(buf)),
	    "NXDOMAIN");
	assert_string_equal(dns_wire_rcode_name(11, buf, sizeof(buf)),
	    "RCODE11");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_ldns),
		cmocka_unit_test(test_good_raw),
		cmocka_unit_test(test_qname_case),
		cmocka_unit_test(test_wrong_id),
		cmocka_unit_test(test_wrong_qname),
		cmocka_unit_test(test_wrong_qtype_qclass),
		cmocka_unit_test(test_two_questions),
		cmocka_unit_test(test_zero_questions),
		cmocka_unit_test(test_qr_clear),
		cmocka_unit_test(test_opcode),
		cmocka_unit_test(test_truncated_bytes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_tc),
		cmocka_unit_test(test_servfail_refused),
		cmocka_unit_test(test_accepted_rcodes),
		cmocka_unit_test(test_aa),
		cmocka_unit_test(test_empty_answer),
		cmocka_unit_test(test_contains_match),
		cmocka_unit_test(test_contains_mismatch),
		cmocka_unit_test(test_nsid_match),
		cmocka_unit_test(test_nsid_mismatch),
		cmocka_unit_test(test_nsid_missing),
		cmocka_unit_test(test_query_roundtrip),
		cmocka_unit_test(test_query_edns_variants),
		cmocka_unit_test(test_query_answer_roundtrip),
		cmocka_unit_test(test_query_rd_ad),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_query_bad_qname),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_class_rcode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
