/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns/dns_wire.c: the query builder, the answer judge and
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

#include "dns/dns_wire.h"

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
	dns_wire_judge(copy, len, q, e, &res, tc, NULL);
	/* The reader's path and ldns's judge alike, word for word. */
	{
		struct hc_result	 slow = res;
		struct dns_msg		 unread;
		int			 tc2 = -1;

		memset(&unread, 0, sizeof(unread));
		dns_wire_judge(copy, len, q, e, &slow, &tc2, &unread);
		assert_int_equal(slow.status, res.status);
		assert_int_equal(slow.reason, res.reason);
		assert_string_equal(slow.detail, res.detail);
		assert_int_equal(tc2, *tc);
	}
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

/*
 * One answer judged: the answer, the query (query()'s name and type
 * unless QNAME or QTYPE say otherwise),
 * the expectations (none when NO_EXPECT), and what the judge must say.
 * Most of the judge's rules are a row here; what needs more than one
 * exchange or a computed buffer keeps a test of its own below.
 */
struct judge_case {
	const char		*what;
	struct answer		 a;
	const char		*qname;
	uint16_t		 qtype;
	struct dns_expect	 e;
	int			 no_expect;
	enum hc_status		 status;
	enum hc_reason		 reason;
	const char		*detail;	/* NULL: not compared */
	int			 tc;		/* -1: not compared */
};

#define Q_A	"www.example.com. IN A"
#define RR_A	"www.example.com. 300 IN A 192.0.2.1"
#define RR_A2	"www.example.com. 300 IN A 192.0.2.2"
#define OURS	.id = ID, .qr = 1
#define LIST(...)	((char *const []){ __VA_ARGS__ })
#define NLIST(...)	(sizeof(LIST(__VA_ARGS__)) / sizeof(char *))
#define CONTAINS(...)	.e = { .contains = LIST(__VA_ARGS__), \
			    .ncontains = NLIST(__VA_ARGS__) }

static const struct judge_case judge_cases[] = {
	/* Good answers. */
	{ "good", { OURS, .aa = 1, .question = { Q_A }, .rrs = { RR_A } },
	    .e = { .aa = 1, .answer = 1 }, .status = HC_OK,
	    .detail = "NOERROR aa, 1 answer", .tc = 0 },
	{ "no expectations: NOERROR only", { OURS, .aa = 1,
	    .question = { Q_A }, .rrs = { RR_A } }, .no_expect = 1,
	    .status = HC_OK, .tc = 0 },
	{ "qname in any case", { OURS, .aa = 1,
	    .question = { "WwW.ExAmPlE.cOm. IN A" },
	    .rrs = { "WWW.EXAMPLE.COM. 300 IN A 192.0.2.1" } },
	    .qname = "www.Example.COM.", .e = { .answer = 1 },
	    .status = HC_OK, .tc = 0 },

	/* Not an answer to our question. */
	{ "wrong id", { .id = ID + 1, .qr = 1, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_ID, .detail = "id 4661, expected 4660",
	    .tc = 0 },
	{ "the id before TC: a stray TC is not ours", { .id = ID + 1,
	    .qr = 1, .aa = 1, .tc = 1, .question = { Q_A },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_ID, .tc = 0 },
	{ "wrong qname", { OURS, .question = { "ww.example.com. IN A" },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_QUESTION,
	    .detail = "answers another question: ww.example.com. A IN",
	    .tc = -1 },
	{ "qname with a suffix", { OURS,
	    .question = { "www.example.com.evil. IN A" }, .rrs = { RR_A } },
	    .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_QUESTION, .tc = -1 },
	{ "wrong qtype", { OURS, .question = { "www.example.com. IN AAAA" },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_QUESTION,
	    .detail = "answers another question: www.example.com. AAAA IN",
	    .tc = -1 },
	{ "wrong qclass", { OURS, .question = { "www.example.com. CH A" },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_QUESTION, .tc = -1 },
	{ "two questions", { OURS, .question = { Q_A, Q_A },
	    .rrs = { RR_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_BOGUS_QUESTION,
	    .detail = "2 questions, expected 1", .tc = -1 },
	{ "opcode NOTIFY", { OURS, .opcode = LDNS_PACKET_NOTIFY,
	    .question = { Q_A }, .rrs = { RR_A } }, .no_expect = 1,
	    .status = HC_FAIL, .reason = HC_R_BOGUS_QUESTION,
	    .detail = "opcode 4, expected QUERY", .tc = -1 },

	/* Truncation, and rcodes. */
	{ "TC bit", { OURS, .aa = 1, .tc = 1, .question = { Q_A } },
	    .no_expect = 1, .status = HC_FAIL, .reason = HC_R_TRUNCATED,
	    .detail = "truncated (TC bit set)", .tc = 1 },
	{ "TC wins over a bad rcode: the full answer may differ", { OURS,
	    .aa = 1, .tc = 1, .rcode = LDNS_RCODE_SERVFAIL,
	    .question = { Q_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_TRUNCATED, .tc = 1 },
	{ "SERVFAIL", { OURS, .aa = 1, .rcode = LDNS_RCODE_SERVFAIL,
	    .question = { Q_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_RCODE, .detail = "rcode SERVFAIL", .tc = -1 },
	{ "REFUSED", { OURS, .aa = 1, .rcode = LDNS_RCODE_REFUSED,
	    .question = { Q_A } }, .no_expect = 1, .status = HC_FAIL,
	    .reason = HC_R_RCODE, .detail = "rcode REFUSED", .tc = -1 },
	/* RFC 6891 6.1.3: BADVERS is 16, only reachable through OPT. */
	{ "BADVERS", { OURS, .aa = 1, .rcode = 16, .question = { Q_A } },
	    .no_expect = 1, .status = HC_FAIL, .reason = HC_R_RCODE,
	    .detail = "rcode BADVERS", .tc = -1 },
	{ "an extended rcode without a name", { OURS, .aa = 1,
	    .rcode = 0x123, .question = { Q_A } }, .no_expect = 1,
	    .status = HC_FAIL, .reason = HC_R_RCODE,
	    .detail = "rcode RCODE291", .tc = -1 },
	{ "NXDOMAIN not accepted", { OURS, .aa = 1,
	    .rcode = LDNS_RCODE_NXDOMAIN, .question = { Q_A } },
	    .status = HC_FAIL, .reason = HC_R_RCODE,
	    .detail = "rcode NXDOMAIN", .tc = -1 },
	{ "NXDOMAIN accepted", { OURS, .aa = 1,
	    .rcode = LDNS_RCODE_NXDOMAIN, .question = { Q_A } },
	    .e = { .rcodes = 1U << LDNS_RCODE_NOERROR |
	    1U << LDNS_RCODE_NXDOMAIN }, .status = HC_OK,
	    .detail = "NXDOMAIN aa, 0 answers", .tc = -1 },
	{ "accepting NXDOMAIN alone refuses NOERROR", { OURS, .aa = 1,
	    .question = { Q_A } }, .e = { .rcodes = 1U << LDNS_RCODE_NXDOMAIN },
	    .status = HC_FAIL, .reason = HC_R_RCODE,
	    .detail = "rcode NOERROR", .tc = -1 },
	{ "an extended rcode above 31 is never in the set", { OURS,
	    .aa = 1, .rcode = 0x40, .question = { Q_A } },
	    .e = { .rcodes = 0xffffffffU }, .status = HC_FAIL,
	    .reason = HC_R_RCODE, .tc = -1 },

	/* AA and the answer section. */
	{ "AA required", { OURS, .question = { Q_A }, .rrs = { RR_A } },
	    .e = { .aa = 1 }, .status = HC_FAIL, .reason = HC_R_NOT_AUTH,
	    .detail = "not authoritative (AA bit clear)", .tc = -1 },
	{ "AA not required", { OURS, .question = { Q_A }, .rrs = { RR_A } },
	    .status = HC_OK, .detail = "NOERROR, 1 answer", .tc = -1 },
	{ "answer required", { OURS, .aa = 1, .question = { Q_A } },
	    .e = { .answer = 1 }, .status = HC_FAIL,
	    .reason = HC_R_NO_ANSWER,
	    .detail = "NOERROR, empty answer section", .tc = -1 },
	{ "answer not required", { OURS, .aa = 1, .question = { Q_A } },
	    .status = HC_OK, .detail = "NOERROR aa, 0 answers", .tc = -1 },

	/* expect answer contains. */
	{ "contains A", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A } }, CONTAINS("192.0.2.1"), .status = HC_OK,
	    .tc = -1 },
	{ "contains both of two", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A, RR_A2 } }, CONTAINS("192.0.2.2", "192.0.2.1"),
	    .status = HC_OK, .detail = "NOERROR aa, 2 answers", .tc = -1 },
	{ "contains MX, names in any case", { OURS, .aa = 1,
	    .question = { "example.com. IN MX" },
	    .rrs = { "example.com. 300 IN MX 10 Mail.Example.com." } },
	    .qname = "example.com", .qtype = LDNS_RR_TYPE_MX,
	    CONTAINS("10 mail.example.com"), .status = HC_OK, .tc = -1 },
	{ "contains MX, absolute and upper case", { OURS, .aa = 1,
	    .question = { "example.com. IN MX" },
	    .rrs = { "example.com. 300 IN MX 10 Mail.Example.com." } },
	    .qname = "example.com", .qtype = LDNS_RR_TYPE_MX,
	    CONTAINS("10 MAIL.EXAMPLE.COM."), .status = HC_OK, .tc = -1 },
	{ "contains TXT of two strings", { OURS, .aa = 1,
	    .question = { "example.com. IN TXT" },
	    .rrs = { "example.com. 300 IN TXT \"hello world\" \"two\"" } },
	    .qname = "example.com", .qtype = LDNS_RR_TYPE_TXT,
	    CONTAINS("\"hello world\" \"two\""), .status = HC_OK, .tc = -1 },
	{ "contains SOA", { OURS, .aa = 1,
	    .question = { "example.com. IN SOA" },
	    .rrs = { "example.com. 300 IN SOA ns1.example.com. "
	    "hostmaster.example.com. 2024010101 7200 3600 1209600 300" } },
	    .qname = "example.com", .qtype = LDNS_RR_TYPE_SOA,
	    CONTAINS("ns1.example.com hostmaster.example.com. 2024010101 "
	    "7200 3600 1209600 300"), .status = HC_OK, .tc = -1 },
	{ "lacks A", { OURS, .aa = 1, .question = { Q_A }, .rrs = { RR_A } },
	    CONTAINS("192.0.2.9"), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING,
	    .detail = "answer lacks \"192.0.2.9\"", .tc = -1 },
	/* Whole fields only: no prefix, no extra field, no trailing dot. */
	{ "no prefix", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { "www.example.com. 300 IN A 192.0.2.10" } },
	    CONTAINS("192.0.2.1"), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "no extra field", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { "www.example.com. 300 IN A 192.0.2.10" } },
	    CONTAINS("192.0.2.10 1"), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "no trailing dot on an address", { OURS, .aa = 1,
	    .question = { Q_A },
	    .rrs = { "www.example.com. 300 IN A 192.0.2.10" } },
	    CONTAINS("192.0.2.10."), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "an empty expectation", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { "www.example.com. 300 IN A 192.0.2.10" } },
	    CONTAINS(""), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "the right RDATA under another owner", { OURS, .aa = 1,
	    .question = { Q_A },
	    .rrs = { "www.example.com. 300 IN CNAME web.example.com.",
	    "web.example.com. 300 IN A 192.0.2.1" } },
	    CONTAINS("192.0.2.1"), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "a name that merely starts with the wanted one", { OURS, .aa = 1,
	    .question = { "example.com. IN NS" },
	    .rrs = { "example.com. 300 IN NS ns1.example.com.evil." } },
	    .qname = "example.com.", .qtype = LDNS_RR_TYPE_NS,
	    CONTAINS("ns1.example.com"), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING, .tc = -1 },
	{ "a TXT expectation is quoted already: not quoted twice", { OURS,
	    .aa = 1, .question = { "example.com. IN TXT" },
	    .rrs = { "example.com. 300 IN TXT \"site-b\"" } },
	    .qname = "example.com.", .qtype = LDNS_RR_TYPE_TXT,
	    CONTAINS("\"site-a\""), .status = HC_FAIL,
	    .reason = HC_R_ANSWER_MISSING,
	    .detail = "answer lacks \"site-a\"", .tc = -1 },

	/* expect nsid. */
	{ "NSID matches", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A }, .nsid = "ns1.ams", .nsidlen = 7 },
	    .e = { .nsid = "ns1.ams" }, .status = HC_OK, .tc = -1 },
	{ "an empty NSID equals an empty expectation", { OURS, .aa = 1,
	    .question = { Q_A }, .rrs = { RR_A }, .nsid = "",
	    .nsidlen = 0 }, .e = { .nsid = "" }, .status = HC_OK, .tc = -1 },
	{ "another NSID", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A }, .nsid = "ns2.fra", .nsidlen = 7 },
	    .e = { .nsid = "ns1.ams" }, .status = HC_FAIL,
	    .reason = HC_R_NSID,
	    .detail = "NSID \"ns2.fra\", expected \"ns1.ams\"", .tc = -1 },
	{ "a longer NSID that starts with the expected one", { OURS,
	    .aa = 1, .question = { Q_A }, .rrs = { RR_A },
	    .nsid = "ns1.ams2", .nsidlen = 8 }, .e = { .nsid = "ns1.ams" },
	    .status = HC_FAIL, .reason = HC_R_NSID, .tc = -1 },
	{ "an NSID with a NUL, in hex", { OURS, .aa = 1,
	    .question = { Q_A }, .rrs = { RR_A }, .nsid = "ns1\0ams",
	    .nsidlen = 7 }, .e = { .nsid = "ns1.ams" }, .status = HC_FAIL,
	    .reason = HC_R_NSID,
	    .detail = "NSID 0x6e733100616d73, expected \"ns1.ams\"", .tc = -1 },
	{ "a long NSID, cut", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A }, .nsid = "0123456789012345678901234567890123456789",
	    .nsidlen = 40 }, .e = { .nsid = "ns1.ams" }, .status = HC_FAIL,
	    .reason = HC_R_NSID, .detail = "NSID \"01234567890123456789012345"
	    "678901\"..., expected \"ns1.ams\"", .tc = -1 },
	{ "no OPT record", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A } }, .e = { .nsid = "ns1.ams" }, .status = HC_FAIL,
	    .reason = HC_R_NSID, .detail = "no OPT record, no NSID",
	    .tc = -1 },
	{ "OPT without NSID", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A }, .edns = 1 }, .e = { .nsid = "ns1.ams" },
	    .status = HC_FAIL, .reason = HC_R_NSID,
	    .detail = "no NSID in answer", .tc = -1 },
	{ "malformed options", { OURS, .aa = 1, .question = { Q_A },
	    .rrs = { RR_A }, .edns = 1, .bad_options = 1 },
	    .e = { .nsid = "ns1.ams" }, .status = HC_FAIL,
	    .reason = HC_R_MALFORMED, .detail = "malformed EDNS options",
	    .tc = -1 },
	{ "without an NSID expectation the options are not looked at",
	    { OURS, .aa = 1, .question = { Q_A }, .rrs = { RR_A },
	    .edns = 1, .bad_options = 1 }, .status = HC_OK, .tc = -1 },
};

static void
test_judge_table(void **state)
{
	const struct judge_case	*c;
	struct dns_query	 q;
	struct hc_result	 res;
	size_t			 i;
	int			 tc;

	(void)state;
	for (i = 0; i < sizeof(judge_cases) / sizeof(judge_cases[0]); i++) {
		c = &judge_cases[i];
		q = query();
		if (c->qname != NULL)
			q.qname = c->qname;
		if (c->qtype != 0)
			q.qtype = c->qtype;
		res = judge(&c->a, &q, c->no_expect ? NULL : &c->e, &tc);
		if (res.status != c->status || (c->status == HC_FAIL &&
		    res.reason != c->reason) || (c->detail != NULL &&
		    strcmp(res.detail, c->detail) != 0) ||
		    (c->tc != -1 && tc != c->tc))
			fail_msg("%s: got %s %s \"%s\" tc %d", c->what,
			    hc_status_name(res.status),
			    hc_reason_name(res.reason), res.detail, tc);
	}
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

/* TRUNCATED may be a NULL pointer. */
static void
test_tc_null(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	struct hc_result	 res;
	uint8_t			*w;
	size_t			 len;

	(void)state;
	a.tc = 1;
	a.rrs[0] = NULL;
	w = build(&a, &len);
	dns_wire_judge(w, len, &q, NULL, &res, NULL, NULL);
	free(w);
	expect_fail(&res, HC_R_TRUNCATED, NULL);
}

/* A long expectation still gives a bounded detail. */
static void
test_contains_bounded(void **state)
{
	struct answer		 a = good();
	struct dns_query	 q = query();
	char			 big[400];
	char *const		 list[] = { big };
	struct dns_expect	 e = { .contains = list, .ncontains = 1 };
	struct hc_result	 res;
	int			 tc;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	res = judge(&a, &q, &e, &tc);
	expect_fail(&res, HC_R_ANSWER_MISSING, NULL);
	assert_true(strlen(res.detail) < sizeof(res.detail));
	assert_non_null(strstr(res.detail, "answer lacks \"aaaa"));
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
	assert_int_equal(dns_wire_classify(wire, len, &q, &res, NULL), DNS_WIRE_OURS);
	assert_int_equal(res.status, HC_OK);
	assert_int_equal(dns_wire_classify(wire, len - 1, &q, &res, NULL),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_MALFORMED);
	q.id = ID + 1;
	assert_int_equal(dns_wire_classify(wire, len, &q, &res, NULL),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_BOGUS_ID);
	q = query();
	q.qtype = LDNS_RR_TYPE_AAAA;
	assert_int_equal(dns_wire_classify(wire, len, &q, &res, NULL),
	    DNS_WIRE_NOT_OURS);
	assert_int_equal(res.reason, HC_R_BOGUS_QUESTION);
	free(wire);
	/* A REFUSED answer is still ours: its judge says the rest. */
	a.rcode = 5;
	a.tc = 1;
	q = query();
	wire = build(&a, &len);
	assert_int_equal(dns_wire_classify(wire, len, &q, &res, NULL),
	    DNS_WIRE_TRUNCATED);
	assert_int_equal(res.reason, HC_R_TRUNCATED);
	free(wire);
	assert_int_equal(dns_wire_classify(NULL, 0, &q, &res, NULL),
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

struct word_value {
	const char	*word;
	int		 value;
};

#define CHECK_WORDS(fn, w) \
	check_words(fn, #fn, w, sizeof(w) / sizeof(w[0]))

static void
check_words(int (*fn)(const char *), const char *name,
    const struct word_value *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fn(w[i].word) != w[i].value)
			fail_msg("%s(\"%s\") != %d", name,
			    w[i].word ? w[i].word : "NULL", w[i].value);
}

/* What dns_wire_type() makes of words: a number, or -1. */
static const struct word_value type_words[] = {
	{ "aaaa", 28 },
	{ "Txt", 16 },
	{ "soa", 6 },
	{ "ns", 2 },
	{ "MX", 15 },
	{ "cname", 5 },
	{ "PTR", 12 },
	{ "srv", 33 },
	{ "dnskey", 48 },
	{ "DS", 43 },
	{ "rrsig", 46 },
	{ "nsec", 47 },
	{ "NSEC3", 50 },
	{ "caa", 257 },
	{ "any", 255 },
	{ "type65535", 65535 },
	{ "TYPE0", 0 },
	{ "TYPE65536", -1 },
	{ "TYPE1x", -1 },
	{ "TYPE-1", -1 },
	{ "TYPE", -1 },
	{ "TYPE0000001", -1 },
	{ "FOO", -1 },
	{ "", -1 },
	{ NULL, -1 },
};

/* What dns_wire_class() makes of words: a number, or -1. */
static const struct word_value class_words[] = {
	{ "in", 1 },
	{ "Ch", 3 },
	{ "HS", 4 },
	{ "any", 255 },
	{ "class42", 42 },
	{ "CLASS70000", -1 },
	{ "INX", -1 },
	{ NULL, -1 },
};

/* What dns_wire_rcode() makes of words: a number, or -1. */
static const struct word_value rcode_words[] = {
	{ "noerror", 0 },
	{ "FormErr", 1 },
	{ "servfail", 2 },
	{ "nxdomain", 3 },
	{ "NOTIMP", 4 },
	{ "refused", 5 },
	{ "YXDOMAIN", 6 },
	{ "yxrrset", 7 },
	{ "NXRRSET", 8 },
	{ "notauth", 9 },
	{ "NOTZONE", 10 },
	{ "BADVERS", 16 },
	{ "RCODE4096", -1 },
	{ "NOPE", -1 },
	{ NULL, -1 },
};

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
	CHECK_WORDS(dns_wire_type, type_words);
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
	CHECK_WORDS(dns_wire_class, class_words);
	assert_string_equal(dns_wire_class_name(3, buf, sizeof(buf)), "CH");
	assert_string_equal(dns_wire_class_name(255, buf, sizeof(buf)), "ANY");
	assert_string_equal(dns_wire_class_name(42, buf, sizeof(buf)),
	    "CLASS42");

	for (c = 0; c < 4096; c++) {
		dns_wire_rcode_name(c, buf, sizeof(buf));
		assert_int_equal(dns_wire_rcode(buf), (int)c);
	}
	CHECK_WORDS(dns_wire_rcode, rcode_words);
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
		cmocka_unit_test(test_good_raw),
		cmocka_unit_test(test_zero_questions),
		cmocka_unit_test(test_qr_clear),
		cmocka_unit_test(test_truncated_bytes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_judge_table),
		cmocka_unit_test(test_tc_null),
		cmocka_unit_test(test_contains_bounded),
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
