/* SPDX-License-Identifier: ISC */
/*
 * DNS wire format for the dns health check: build one query and judge
 * one answer.  The query is built by ldns (RFC 1035 4.1 message format,
 * RFC 6891 EDNS(0) OPT record, RFC 5001 NSID option).  An answer is
 * read first by dns_msg.c's reader, which allocates nothing: the common
 * answer (ours, judged by its header, counts and NSID) needs no more.
 * What the reader does not read, or a judgement of RDATA (`contains`),
 * goes through ldns as before, so every verdict and its wording are
 * those of the ldns path.  The functions are pure: no sockets, no
 * clock, no globals, so the unit tests and the fuzzer call them
 * directly.
 *
 * The judge answers two questions in order.  First: is this message an
 * answer to our query at all (parsable, QR set, opcode QUERY, same id,
 * the same single question)?  If not, the caller may drop it and keep
 * waiting.  Second: is the answer healthy (TC, rcode, AA, answer
 * section, expected RDATA, NSID)?  The first failed test is reported.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "dns/dns_msg.h"
#include "dns/dns_wire.h"
#include "sys/util.h"

/*
 * Advertised UDP payload: 1232 bytes fits a 1280-byte IPv6 minimum MTU
 * without fragmentation (RFC 6891 6.2.5; DNS flag day 2020).
 */
#define DNS_WIRE_EDNS_PAYLOAD	1232
/* RFC 5001 2.3: NSID is EDNS option code 3. */
#define DNS_WIRE_OPT_NSID	3
/* How many NSID bytes a detail text shows before it says "...". */
#define DNS_WIRE_NSID_SHOW	32

struct rcode_name {
	unsigned	 code;
	const char	*name;
};

/*
 * RFC 1035 4.1.1 and RFC 2136 2.2 (0-10), RFC 6891 9 (BADVERS, only
 * reachable through the OPT extended rcode), RFC 7873 8 (BADCOOKIE).
 * Our own table: ldns spells 4 "NOTIMPL", the RFCs say "NOTIMP".
 */
static const struct rcode_name rcode_names[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" },
	{ 3, "NXDOMAIN" }, { 4, "NOTIMP" }, { 5, "REFUSED" },
	{ 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" },
	{ 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 16, "BADVERS" },
	{ 23, "BADCOOKIE" },
};

static int	 judge_is_ours(const ldns_pkt *, const struct dns_query *,
		    struct hc_result *);
static int	 judge_question(const ldns_pkt *, const struct dns_query *,
		    struct hc_result *);
static int	 judge_health(ldns_pkt *, const struct dns_expect *,
		    struct hc_result *);
static int	 judge_msg(const struct dns_msg *, const struct dns_expect *,
		    struct hc_result *);
static int	 msg_nsid(const struct dns_msg *, const char *,
		    struct hc_result *);
static unsigned	 pkt_rcode(const ldns_pkt *);
static int	 rr_answers(const ldns_rr *, const ldns_rr *);
static int	 rr_rdata_matches(const ldns_rr *, const char *);
static int	 answer_contains(const ldns_pkt *, const char *);
static int	 judge_nsid(ldns_pkt *, const char *, struct hc_result *);
static void	 nsid_show(const uint8_t *, size_t, char *, size_t);
static int	 parse_mnemonic_number(const char *, const char *, int *);
static int	 add_edns(ldns_pkt *, const struct dns_query *);
static const char *copy_upper(const char *, char *, size_t);

/*
 * Build the query.  The packet is assembled by hand rather than with
 * ldns_pkt_query_new() because that one silently turns qtype 0 into A
 * and qclass 0 into IN; we send exactly what the config asked for.
 */
int
dns_wire_query(const struct dns_query *q, uint8_t **buf, size_t *len)
{
	ldns_pkt	*pkt;
	ldns_rr		*qrr;
	ldns_rdf	*name;
	ldns_status	 st;

	*buf = NULL;
	*len = 0;
	if (q == NULL || q->qname == NULL ||
	    (name = ldns_dname_new_frm_str(q->qname)) == NULL)
		return -1;
	if ((pkt = ldns_pkt_new()) == NULL || (qrr = ldns_rr_new()) == NULL) {
		ldns_rdf_deep_free(name);
		ldns_pkt_free(pkt);
		return -1;
	}
	ldns_rr_set_owner(qrr, name);
	ldns_rr_set_type(qrr, q->qtype);
	ldns_rr_set_class(qrr, q->qclass);
	ldns_rr_set_question(qrr, true);
	if (!ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, qrr)) {
		ldns_rr_free(qrr);
		ldns_pkt_free(pkt);
		return -1;
	}
	/*
	 * RFC 1035 4.1.1: QR, AA, TC, RA clear, opcode QUERY.  RD stays
	 * clear unless asked (`recursion`): an authoritative server is
	 * probed as itself, a recursive answer would hide the very failure
	 * we look for.  RFC 6840 5.7: AD set in a query asks a validating
	 * resolver for the AD bit in the answer, without needing DO.
	 */
	ldns_pkt_set_id(pkt, q->id);
	ldns_pkt_set_opcode(pkt, LDNS_PACKET_QUERY);
	ldns_pkt_set_rd(pkt, q->rd != 0);
	ldns_pkt_set_ad(pkt, q->ad != 0);
	if ((q->edns || q->dnssec_ok || q->nsid) && add_edns(pkt, q) == -1) {
		ldns_pkt_free(pkt);
		return -1;
	}
	st = ldns_pkt2wire(buf, pkt, len);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

/*
 * RFC 6891 6.1.2-6.1.4: the OPT pseudo-RR carries the UDP payload in
 * its CLASS and the DO bit (RFC 3225) in its TTL; ldns writes it from
 * these packet fields.  RFC 5001 2.1: a resolver asks for the NSID
 * with an empty option.
 */
static int
add_edns(ldns_pkt *pkt, const struct dns_query *q)
{
	ldns_edns_option_list	*list;
	ldns_edns_option	*opt;

	ldns_pkt_set_edns_udp_size(pkt, DNS_WIRE_EDNS_PAYLOAD);
	ldns_pkt_set_edns_version(pkt, 0);
	ldns_pkt_set_edns_do(pkt, q->dnssec_ok != 0);
	if (!q->nsid)
		return 0;
	if ((list = ldns_edns_option_list_new()) == NULL)
		return -1;
	if ((opt = ldns_edns_new_from_data(DNS_WIRE_OPT_NSID, 0, "")) ==
	    NULL) {
		ldns_edns_option_list_free(list);
		return -1;
	}
	if (!ldns_edns_option_list_push(list, opt)) {
		ldns_edns_deep_free(opt);
		ldns_edns_option_list_free(list);
		return -1;
	}
	/* The packet owns the list from here and frees it with itself. */
	ldns_pkt_set_edns_option_list(pkt, list);
	return 0;
}

/* ANSWER parsed by ldns, the caller's to free; NULL with ST set. */
static ldns_pkt *
parse(const uint8_t *answer, size_t len, ldns_status *st)
{
	ldns_pkt *pkt = NULL;

	if ((*st = ldns_wire2pkt(&pkt, answer, len)) != LDNS_STATUS_OK)
		return NULL;
	return pkt;
}

static void
set_malformed(struct hc_result *res, const uint8_t *answer, ldns_status st)
{
	const char *why = answer == NULL ? "no data" :
	    ldns_get_errorstr_by_id(st);

	hc_result_set(res, HC_FAIL, HC_R_MALFORMED, "malformed: %s",
	    why != NULL ? why : "unparsable message");
}

/*
 * Is M (read by dns_msg_read) our answer, as far as the reader can
 * tell without ldns: QR set, our id, opcode QUERY, our one question.
 * When not, the ldns path decides, and words the failure as it always
 * has; only the common answer is judged here, and the same way.
 */
static int
msg_is_ours(const struct dns_msg *m, const struct dns_query *q)
{
	uint8_t		 buf[DNS_NAME_MAX];
	const uint8_t	*want = q->qname_wire;
	size_t		 wlen = q->qname_wlen;
	int		 n;

	if (m->wire == NULL || !(m->flags & DNS_MSG_QR) || m->id != q->id ||
	    dns_msg_opcode(m) != LDNS_PACKET_QUERY || m->qdcount != 1 ||
	    m->qtype != q->qtype || m->qclass != q->qclass)
		return 0;
	if (want == NULL) {
		if (q->qname == NULL || (n = dns_msg_name(q->qname, buf)) == -1)
			return 0;
		want = buf;
		wlen = (size_t)n;
	}
	return dns_msg_name_is(m, m->qname, want, wlen);
}

static int
needs_ldns(const struct dns_expect *e)
{
	size_t i;

	for (i = 0; e->contains != NULL && i < e->ncontains; i++)
		if (e->contains[i] != NULL)
			return 1;
	return 0;
}

static void
set_truncated(struct hc_result *res, int *truncated)
{
	/* RFC 1035 4.2.1: the caller retries over TCP. */
	if (truncated != NULL)
		*truncated = 1;
	hc_result_set(res, HC_FAIL, HC_R_TRUNCATED, "truncated (TC bit set)");
}

void
dns_wire_judge(const uint8_t *answer, size_t len,
    const struct dns_query *q, const struct dns_expect *e,
    struct hc_result *res, int *truncated, const struct dns_msg *msg)
{
	static const struct dns_expect	 noerror_only;
	struct dns_msg			 own;
	ldns_pkt			*pkt = NULL;
	ldns_status			 st = LDNS_STATUS_OK;

	if (truncated != NULL)
		*truncated = 0;
	if (res == NULL)
		return;
	if (e == NULL)
		e = &noerror_only;
	if (q == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_QUESTION, "no query");
		return;
	}
	if (msg == NULL || (msg->wire != NULL && (msg->wire != answer ||
	    msg->len != len))) {
		(void)dns_msg_read(&own, answer, len);
		msg = &own;
	}
	if (msg_is_ours(msg, q)) {
		if (msg->flags & DNS_MSG_TC) {
			set_truncated(res, truncated);
			return;
		}
		if (!needs_ldns(e)) {
			(void)judge_msg(msg, e, res);
			return;
		}
	}
	if (answer == NULL || (pkt = parse(answer, len, &st)) == NULL) {
		set_malformed(res, answer, st);
		return;
	}
	if (judge_is_ours(pkt, q, res) == 0) {
		if (ldns_pkt_tc(pkt))
			set_truncated(res, truncated);
		else
			(void)judge_health(pkt, e, res);
	}
	ldns_pkt_free(pkt);
}

static enum dns_wire_class
classified(int tc, struct hc_result *res)
{
	enum dns_wire_class c = tc ? DNS_WIRE_TRUNCATED : DNS_WIRE_OURS;

	hc_result_set(res, c == DNS_WIRE_OURS ? HC_OK : HC_FAIL,
	    c == DNS_WIRE_OURS ? HC_R_OK : HC_R_TRUNCATED, "%s",
	    c == DNS_WIRE_OURS ? "answer" : "truncated (TC bit set)");
	return c;
}

enum dns_wire_class
dns_wire_classify(const uint8_t *answer, size_t len,
    const struct dns_query *q, struct hc_result *res, struct dns_msg *msg)
{
	struct dns_msg		 m;
	ldns_pkt		*pkt = NULL;
	ldns_status		 st;
	enum dns_wire_class	 c = DNS_WIRE_NOT_OURS;

	if (msg != NULL)
		memset(msg, 0, sizeof(*msg));
	if (answer == NULL || q == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED, "malformed: no data");
		return c;
	}
	if (dns_msg_read(&m, answer, len) == 0 && msg_is_ours(&m, q)) {
		if (msg != NULL)
			*msg = m;
		return classified(m.flags & DNS_MSG_TC, res);
	}
	if ((pkt = parse(answer, len, &st)) == NULL) {
		set_malformed(res, answer, st);
		return c;
	}
	if (judge_is_ours(pkt, q, res) == 0)
		c = classified(ldns_pkt_tc(pkt), res);
	ldns_pkt_free(pkt);
	return c;
}

/*
 * Is PKT an answer to Q at all?  A message with QR clear is a query, not
 * an answer: we call it malformed (it cannot be anybody's answer), not a
 * bogus question.  Returns 0 or -1 with RES filled.
 */
static int
judge_is_ours(const ldns_pkt *pkt, const struct dns_query *q,
    struct hc_result *res)
{
	if (!ldns_pkt_qr(pkt)) {
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED,
		    "not a response (QR bit clear)");
		return -1;
	}
	if (ldns_pkt_id(pkt) != q->id) {
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_ID,
		    "id %u, expected %u", (unsigned)ldns_pkt_id(pkt),
		    (unsigned)q->id);
		return -1;
	}
	/* An answer to a NOTIFY or UPDATE with our id is still not ours. */
	if (ldns_pkt_get_opcode(pkt) != LDNS_PACKET_QUERY) {
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_QUESTION,
		    "opcode %u, expected QUERY",
		    (unsigned)ldns_pkt_get_opcode(pkt));
		return -1;
	}
	return judge_question(pkt, q, res);
}

/*
 * RFC 1035 7.3: the answer must repeat our one question.  Names compare
 * case-insensitively (RFC 4343), so a server that echoes the name in
 * another case still matches.
 */
static int
judge_question(const ldns_pkt *pkt, const struct dns_query *q,
    struct hc_result *res)
{
	const ldns_rr_list	*ql = ldns_pkt_question(pkt);
	const ldns_rr		*qrr;
	ldns_rdf		*want;
	char			 tbuf[16], cbuf[16], *got;
	size_t			 n;
	int			 same;

	n = ql != NULL ? ldns_rr_list_rr_count(ql) : 0;
	if (n != 1) {
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_QUESTION,
		    "%zu questions, expected 1", n);
		return -1;
	}
	qrr = ldns_rr_list_rr(ql, 0);
	if (q->qname == NULL ||
	    (want = ldns_dname_new_frm_str(q->qname)) == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_QUESTION, "bad qname");
		return -1;
	}
	same = ldns_rr_owner(qrr) != NULL &&
	    ldns_dname_compare(ldns_rr_owner(qrr), want) == 0 &&
	    ldns_rr_get_type(qrr) == q->qtype &&
	    ldns_rr_get_class(qrr) == q->qclass;
	ldns_rdf_deep_free(want);
	if (same)
		return 0;
	got = ldns_rr_owner(qrr) != NULL ? ldns_rdf2str(ldns_rr_owner(qrr)) :
	    NULL;
	hc_result_set(res, HC_FAIL, HC_R_BOGUS_QUESTION,
	    "answers another question: %.80s %s %s", got ? got : "?",
	    dns_wire_type_name(ldns_rr_get_type(qrr), tbuf, sizeof(tbuf)),
	    dns_wire_class_name(ldns_rr_get_class(qrr), cbuf, sizeof(cbuf)));
	free(got);
	return -1;
}

/*
 * The health tests of the header, in the order the detail should
 * explain: rcode RC, AA, NANS answers.  0, or -1 with RES filled.
 */
static int
judge_header(unsigned rc, int aa, size_t nans, const struct dns_expect *e,
    struct hc_result *res)
{
	char		 rbuf[16];
	uint32_t	 accept = e->rcodes != 0 ? e->rcodes : 1U;

	dns_wire_rcode_name(rc, rbuf, sizeof(rbuf));
	if (rc >= 32 || (accept & (1U << rc)) == 0) {
		hc_result_set(res, HC_FAIL, HC_R_RCODE, "rcode %s", rbuf);
		return -1;
	}
	if (e->aa && !aa) {
		hc_result_set(res, HC_FAIL, HC_R_NOT_AUTH,
		    "not authoritative (AA bit clear)");
		return -1;
	}
	if (e->answer && nans == 0) {
		hc_result_set(res, HC_FAIL, HC_R_NO_ANSWER,
		    "%s, empty answer section", rbuf);
		return -1;
	}
	return 0;
}

/* All passed: say what the answer was. */
static void
judge_ok(unsigned rc, int aa, size_t nans, struct hc_result *res)
{
	char rbuf[16];

	hc_result_set(res, HC_OK, HC_R_OK, "%s%s, %zu answer%s",
	    dns_wire_rcode_name(rc, rbuf, sizeof(rbuf)), aa ? " aa" : "",
	    nans, nans == 1 ? "" : "s");
}

/* The health tests of an answer the reader read (no `contains`). */
static int
judge_msg(const struct dns_msg *m, const struct dns_expect *e,
    struct hc_result *res)
{
	int aa = (m->flags & DNS_MSG_AA) != 0;

	if (judge_header(dns_msg_rcode(m), aa, m->ancount, e, res) == -1)
		return -1;
	if (e->nsid != NULL && msg_nsid(m, e->nsid, res) == -1)
		return -1;
	judge_ok(dns_msg_rcode(m), aa, m->ancount, res);
	return 0;
}

/* The health tests of an answer ldns parsed. */
static int
judge_health(ldns_pkt *pkt, const struct dns_expect *e,
    struct hc_result *res)
{
	unsigned	 rc = pkt_rcode(pkt);
	size_t		 i, nans = ldns_rr_list_rr_count(ldns_pkt_answer(pkt));

	if (judge_header(rc, ldns_pkt_aa(pkt), nans, e, res) == -1)
		return -1;
	for (i = 0; e->contains != NULL && i < e->ncontains; i++) {
		if (e->contains[i] != NULL &&
		    !answer_contains(pkt, e->contains[i])) {
			/* A TXT expectation brings its own quotes. */
			hc_result_set(res, HC_FAIL, HC_R_ANSWER_MISSING,
			    e->contains[i][0] == '"' ? "answer lacks %.100s" :
			    "answer lacks \"%.100s\"", e->contains[i]);
			return -1;
		}
	}
	if (e->nsid != NULL && judge_nsid(pkt, e->nsid, res) == -1)
		return -1;
	judge_ok(rc, ldns_pkt_aa(pkt), nans, res);
	return 0;
}

/*
 * RFC 6891 6.1.3: with an OPT record the rcode is 12 bits, the OPT TTL's
 * high byte on top of the header's 4 bits.  ldns reads the OPT record
 * out of the additional section and leaves the extended byte at 0 when
 * there is none.  Several OPT records (RFC 6891 6.1.1 allows one) are
 * not rejected: ldns keeps the fields of the last one, and so do we.
 */
static unsigned
pkt_rcode(const ldns_pkt *pkt)
{
	unsigned rc = ldns_pkt_get_rcode(pkt) & 0x0f;

	return ((unsigned)ldns_pkt_edns_extended_rcode(pkt) << 4) | rc;
}

/*
 * Does answer RR A belong to question Q: same owner (case-insensitive)
 * and same type, any type for a qtype ANY question.  CNAME chains are
 * not followed: an A record behind a CNAME has another owner.
 */
static int
rr_answers(const ldns_rr *a, const ldns_rr *q)
{
	if (ldns_rr_owner(a) == NULL ||
	    ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(q)) != 0)
		return 0;
	return ldns_rr_get_type(q) == LDNS_RR_TYPE_ANY ||
	    ldns_rr_get_type(a) == ldns_rr_get_type(q);
}

/*
 * Compare WANT with the RDATA of RR in presentation form: every field
 * as ldns prints it, fields separated by one space, case-insensitive.
 * A domain-name field matches with or without its trailing dot.  The
 * match walks WANT field by field, so a TXT string with spaces inside
 * its quotes needs no special case.
 */
static int
rr_rdata_matches(const ldns_rr *rr, const char *want)
{
	const char	*p = want;
	size_t		 i, n, flen;
	char		*f;
	int		 dname, ok;

	n = ldns_rr_rd_count(rr);
	for (i = 0; i < n; i++) {
		if (i > 0 && *p++ != ' ')
			return 0;
		if ((f = ldns_rdf2str(ldns_rr_rdf(rr, i))) == NULL)
			return 0;
		flen = strlen(f);
		dname = ldns_rdf_get_type(ldns_rr_rdf(rr, i)) ==
		    LDNS_RDF_TYPE_DNAME;
		if (dname && flen > 1 && f[flen - 1] == '.')
			flen--;
		ok = strncasecmp(p, f, flen) == 0;
		free(f);
		if (!ok)
			return 0;
		p += flen;
		if (dname && flen > 0 && p[-1] != '.' && *p == '.')
			p++;
	}
	return *p == '\0';
}

static int
answer_contains(const ldns_pkt *pkt, const char *want)
{
	const ldns_rr_list	*an = ldns_pkt_answer(pkt);
	const ldns_rr		*qrr;
	size_t			 i;

	/* judge_question() made sure there is exactly one question. */
	qrr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);

		if (rr_answers(rr, qrr) && rr_rdata_matches(rr, want))
			return 1;
	}
	return 0;
}

/*
 * RFC 5001 2.3: the server's identifier is the payload of EDNS option 3,
 * opaque bytes.  It passes when any NSID option equals WANT; otherwise
 * the detail shows what came back.  Returns 0 or -1 with RES filled.
 */
static int
judge_nsid(ldns_pkt *pkt, const char *want, struct hc_result *res)
{
	const ldns_edns_option	*opt, *first = NULL;
	ldns_edns_option_list	*list;
	char			 shown[DNS_WIRE_NSID_SHOW * 2 + 8];
	size_t			 i, wlen = strlen(want);

	/* After ldns_wire2pkt, "edns" is true exactly when OPT was there. */
	if (!ldns_pkt_edns(pkt)) {
		hc_result_set(res, HC_FAIL, HC_R_NSID, "no OPT record, no NSID");
		return -1;
	}
	list = ldns_pkt_edns_get_option_list(pkt);
	if (list == NULL && ldns_pkt_edns_data(pkt) != NULL &&
	    ldns_rdf_size(ldns_pkt_edns_data(pkt)) > 0) {
		/* RFC 6891 6.1.2: options must tile the RDATA exactly. */
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED,
		    "malformed EDNS options");
		return -1;
	}
	for (i = 0; list != NULL &&
	    i < ldns_edns_option_list_get_count(list); i++) {
		opt = ldns_edns_option_list_get_option(list, i);
		if (opt == NULL || ldns_edns_get_code(opt) != DNS_WIRE_OPT_NSID)
			continue;
		if (ldns_edns_get_size(opt) == wlen && (wlen == 0 ||
		    memcmp(ldns_edns_get_data(opt), want, wlen) == 0))
			return 0;
		if (first == NULL)
			first = opt;
	}
	if (first == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_NSID, "no NSID in answer");
		return -1;
	}
	nsid_show(ldns_edns_get_data(first), ldns_edns_get_size(first),
	    shown, sizeof(shown));
	hc_result_set(res, HC_FAIL, HC_R_NSID, "NSID %s, expected \"%.40s\"",
	    shown, want);
	return -1;
}

/* judge_nsid() on an answer the reader read. */
static int
msg_nsid(const struct dns_msg *m, const char *want, struct hc_result *res)
{
	const uint8_t	*d, *first = NULL;
	char		 shown[DNS_WIRE_NSID_SHOW * 2 + 8];
	size_t		 dlen, flen = 0, pos = 0, wlen = strlen(want);
	int		 r, match = 0;

	if (!m->edns) {
		hc_result_set(res, HC_FAIL, HC_R_NSID, "no OPT record, no NSID");
		return -1;
	}
	/* Every option is read first: a bad one spoils the record. */
	while ((r = dns_msg_option(m, DNS_WIRE_OPT_NSID, &pos, &d,
	    &dlen)) == 1) {
		if (dlen == wlen && (wlen == 0 || memcmp(d, want, wlen) == 0))
			match = 1;
		else if (first == NULL) {
			first = d;
			flen = dlen;
		}
	}
	if (r == -1) {
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED,
		    "malformed EDNS options");
		return -1;
	}
	if (match)
		return 0;
	if (first == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_NSID, "no NSID in answer");
		return -1;
	}
	nsid_show(first, flen, shown, sizeof(shown));
	hc_result_set(res, HC_FAIL, HC_R_NSID, "NSID %s, expected \"%.40s\"",
	    shown, want);
	return -1;
}

/*
 * NSID bytes for a human: quoted when printable ASCII, else hex, at
 * most DNS_WIRE_NSID_SHOW bytes either way.
 */
static void
nsid_show(const uint8_t *d, size_t len, char *buf, size_t size)
{
	size_t	 i, n, off;
	int	 printable = 1;

	n = len < DNS_WIRE_NSID_SHOW ? len : DNS_WIRE_NSID_SHOW;
	for (i = 0; i < n; i++)
		if (d[i] < 0x20 || d[i] > 0x7e || d[i] == '"' || d[i] == '\\')
			printable = 0;
	if (printable) {
		snprintf(buf, size, "\"%.*s\"%s", (int)n, (const char *)d,
		    n < len ? "..." : "");
		return;
	}
	off = (size_t)snprintf(buf, size, "0x");
	for (i = 0; i < n && off + 3 <= size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%02x", d[i]);
	if (n < len && off + 4 <= size)
		snprintf(buf + off, size - off, "...");
}


/*
 * RFC 3597 5: "TYPEnnn" and "CLASSnnn" name any type or class.  Strict:
 * the prefix, then 1-5 decimal digits, at most 65535.
 */
static int
parse_mnemonic_number(const char *s, const char *prefix, int *val)
{
	size_t		 plen = strlen(prefix), i;
	unsigned long	 v = 0;

	if (strncasecmp(s, prefix, plen) != 0)
		return 0;
	s += plen;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]) || i >= 5)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || v > 65535)
		return -1;
	*val = (int)v;
	return 1;
}

int
dns_wire_type(const char *s)
{
	ldns_rr_type	 t;
	int		 v;

	if (s == NULL || *s == '\0')
		return -1;
	switch (parse_mnemonic_number(s, "TYPE", &v)) {
	case 1:
		return v;
	case -1:
		return -1;
	}
	/* ldns matches mnemonics case-insensitively; 0 means unknown. */
	t = ldns_get_rr_type_by_name(s);
	return t == 0 ? -1 : (int)t;
}

int
dns_wire_class(const char *s)
{
	ldns_rr_class	 c;
	int		 v;

	if (s == NULL || *s == '\0')
		return -1;
	switch (parse_mnemonic_number(s, "CLASS", &v)) {
	case 1:
		return v;
	case -1:
		return -1;
	}
	c = ldns_get_rr_class_by_name(s);
	return c == 0 ? -1 : (int)c;
}

/* Rcode by name, or "RCODEnnn" for any 12-bit rcode (RFC 6891 6.1.3). */
int
dns_wire_rcode(const char *s)
{
	size_t	 i;
	int	 v;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = 0; i < nitems(rcode_names); i++)
		if (strcasecmp(s, rcode_names[i].name) == 0)
			return (int)rcode_names[i].code;
	if (parse_mnemonic_number(s, "RCODE", &v) == 1 && v <= 4095)
		return v;
	return -1;
}

/* Copy S upper-cased into BUF (truncating); "?" when S is NULL. */
static const char *
copy_upper(const char *s, char *buf, size_t size)
{
	size_t	 i;

	if (size == 0)
		return buf;
	if (s == NULL)
		s = "?";
	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

const char *
dns_wire_type_name(uint16_t t, char *buf, size_t size)
{
	char	*s = ldns_rr_type2str((ldns_rr_type)t);
	char	 num[16];

	if (s == NULL) {
		snprintf(num, sizeof(num), "TYPE%u", (unsigned)t);
		return copy_upper(num, buf, size);
	}
	copy_upper(s, buf, size);
	free(s);
	return buf;
}

const char *
dns_wire_class_name(uint16_t c, char *buf, size_t size)
{
	char	*s = ldns_rr_class2str((ldns_rr_class)c);
	char	 num[16];

	if (s == NULL) {
		snprintf(num, sizeof(num), "CLASS%u", (unsigned)c);
		return copy_upper(num, buf, size);
	}
	copy_upper(s, buf, size);
	free(s);
	return buf;
}

const char *
dns_wire_rcode_name(unsigned rc, char *buf, size_t size)
{
	char	 num[24];
	size_t	 i;

	for (i = 0; i < nitems(rcode_names); i++)
		if (rcode_names[i].code == rc)
			return copy_upper(rcode_names[i].name, buf, size);
	snprintf(num, sizeof(num), "RCODE%u", rc);
	return copy_upper(num, buf, size);
}
