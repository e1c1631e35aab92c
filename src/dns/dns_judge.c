/* SPDX-License-Identifier: ISC */
/*
 * DNS-aware judgements for the dns check: is the zone fresh (its SOA
 * serial against the primary's with RFC 1982 serial arithmetic, or as a
 * time stamp), are its signatures valid for long enough (RFC 4034 3.1.5
 * times, compared as RFC 4035 5.3.1 says), does the resolver validate
 * (AD bit, RFC 4035 3.2.3; SERVFAIL for bogus data, RFC 4035 5.5), is
 * this the server we think (id.server, RFC 4892), is a zone served
 * authoritatively.  Everything on the wire goes through ldns; the
 * functions are pure (no sockets, no clock): the unit tests feed them
 * crafted answers and times, the fuzzer feeds them garbage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_judge.h"
#include "dns/dns_wire.h"
#include "sys/util.h"

#define SERIAL_HALF	0x80000000u	/* 2^31, RFC 1982 2 (SERIAL_BITS 32) */
#define DAY		86400
/* How many bytes of a TXT string a detail shows. */
#define SHOW_MAX	40



/* The message, or NULL with RES saying it is malformed. */
static ldns_pkt *
parse(const uint8_t *msg, size_t len, struct hc_result *res)
{
	ldns_pkt	*pkt = NULL;

	if (msg == NULL || ldns_wire2pkt(&pkt, msg, len) != LDNS_STATUS_OK) {
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED, "malformed answer");
		return NULL;
	}
	return pkt;
}

/* RFC 6891 6.1.3: 12-bit rcode, the high 8 bits in the OPT record. */
static unsigned
rcode_of(const ldns_pkt *pkt)
{
	return ((unsigned)ldns_pkt_edns_extended_rcode(pkt) << 4) |
	    (ldns_pkt_get_rcode(pkt) & 0x0f);
}

static const char *
rcode_str(const ldns_pkt *pkt, char *buf, size_t size)
{
	return dns_wire_rcode_name(rcode_of(pkt), buf, size);
}

/* Does RR belong to NAME (case-insensitive, RFC 4343)? */
static int
owned_by(const ldns_rr *rr, const ldns_rdf *name)
{
	return ldns_rr_owner(rr) != NULL &&
	    ldns_dname_compare(ldns_rr_owner(rr), name) == 0;
}

/* A printable, bounded, quoted copy of D for a detail. */
static void
show(const uint8_t *d, size_t len, char *buf, size_t size)
{
	size_t	 i, n = len < SHOW_MAX ? len : SHOW_MAX, off = 0;

	if (size < 8)
		return;
	buf[off++] = '"';
	for (i = 0; i < n && off + 6 < size; i++) {
		unsigned char c = d[i];

		buf[off++] = (c < 0x20 || c > 0x7e || c == '"') ? '?' :
		    (char)c;
	}
	buf[off++] = '"';
	if (i < len && off + 4 < size) {
		memcpy(buf + off, "...", 3);
		off += 3;
	}
	buf[off] = '\0';
}

/* ---- RFC 1982 serial arithmetic ---- */

enum dns_serial_cmp
dns_serial_compare(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;	/* modulo 2^32 */

	if (d == 0)
		return DNS_SERIAL_EQUAL;
	if (d == SERIAL_HALF)
		return DNS_SERIAL_UNDEFINED;
	return d < SERIAL_HALF ? DNS_SERIAL_LESS : DNS_SERIAL_GREATER;
}

/*
 * A - B as RFC 1982 sees it: the signed distance, in -2^31+1..2^31-1
 * (2^31 itself is undefined; it comes out as -2^31).  RRSIG times are
 * 32-bit serials of unix seconds (RFC 4034 3.1.5), so this also gives
 * "how long until" across the 2106 wrap.
 */
static int64_t
serial_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	return d < SERIAL_HALF ? (int64_t)d : (int64_t)d - 0x100000000LL;
}

int
dns_judge_soa_serial(const uint8_t *msg, size_t len, const char *zone,
    uint32_t *serial, struct hc_result *res)
{
	static const ldns_pkt_section sections[] = { LDNS_SECTION_ANSWER,
	    LDNS_SECTION_AUTHORITY };
	ldns_pkt	*pkt;
	ldns_rdf	*want;
	const ldns_rr_list *l;
	const ldns_rr	*rr;
	size_t		 s, i;
	char		 rc[16];
	int		 found = -1;

	if ((pkt = parse(msg, len, res)) == NULL)
		return -1;
	if (rcode_of(pkt) != LDNS_RCODE_NOERROR &&
	    rcode_of(pkt) != LDNS_RCODE_NXDOMAIN) {
		hc_result_set(res, HC_FAIL, HC_R_RCODE, "SOA %s: rcode %s", zone,
		    rcode_str(pkt, rc, sizeof(rc)));
		ldns_pkt_free(pkt);
		return -1;
	}
	want = ldns_dname_new_frm_str(zone);
	for (s = 0; want != NULL && found == -1 && s < nitems(sections); s++) {
		l = sections[s] == LDNS_SECTION_ANSWER ? ldns_pkt_answer(pkt) :
		    ldns_pkt_authority(pkt);
		for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
			rr = ldns_rr_list_rr(l, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
			    ldns_rr_rd_count(rr) < 7 ||
			    (s == 0 && !owned_by(rr, want)))
				continue;
			/* RFC 1035 3.3.13: SERIAL is the third field. */
			*serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
			found = 0;
			break;
		}
	}
	ldns_rdf_deep_free(want);
	ldns_pkt_free(pkt);
	if (found == -1)
		hc_result_set(res, HC_FAIL, HC_R_NO_ANSWER, "no SOA serial for %s in "
		    "the answer", zone);
	return found;
}

void
dns_judge_serial_lag(uint32_t served, uint32_t primary, const char *who,
    uint32_t lag, enum hc_status verdict, struct hc_result *res)
{
	uint32_t behind = primary - served;

	switch (dns_serial_compare(served, primary)) {
	case DNS_SERIAL_EQUAL:
		hc_result_set(res, HC_OK, HC_R_OK, "serial %u as primary %s", served,
		    who);
		return;
	case DNS_SERIAL_GREATER:
		/* A primary reloading an older copy is not our fault. */
		hc_result_set(res, HC_OK, HC_R_OK, "serial %u is ahead of primary %s "
		    "(%u)", served, who, primary);
		return;
	case DNS_SERIAL_UNDEFINED:
		hc_result_set(res, verdict, HC_R_SERIAL_LAG, "serial %u and primary %s's "
		    "%u are 2^31 apart: not comparable (RFC 1982)", served,
		    who, primary);
		return;
	case DNS_SERIAL_LESS:
		break;
	}
	if (behind <= lag)
		hc_result_set(res, HC_OK, HC_R_OK, "serial %u is %u behind primary %s "
		    "(%u), lag %u allowed", served, behind, who, primary, lag);
	else
		hc_result_set(res, verdict, HC_R_SERIAL_LAG, "serial %u is %u behind "
		    "primary %s (%u)", served, behind, who, primary);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
date_valid(unsigned y, unsigned m, unsigned d)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !leap);
}

enum dns_serial_form
dns_serial_time(uint32_t serial, int64_t now, int64_t *when)
{
	unsigned y = serial / 1000000, m = serial / 10000 % 100,
	    d = serial / 100 % 100;

	/* YYYYMMDDnn: ten digits, nn the change of the day. */
	if (serial >= 1000000000u && date_valid(y, m, d)) {
		*when = days_from_civil(y, m, d) * DAY;
		if (*when <= now + DAY)
			return DNS_SERIAL_DATE;
	}
	if (serial >= 1000000000u && (int64_t)serial <= now + DAY) {
		*when = serial;
		return DNS_SERIAL_UNIX;
	}
	return DNS_SERIAL_NOT_TIME;
}

void
dns_judge_serial_age(uint32_t serial, int64_t now, uint64_t max_ms,
    enum hc_status verdict, struct hc_result *res)
{
	enum dns_serial_form	 form;
	int64_t			 when = 0, age;
	char			 a[32], b[32];

	form = dns_serial_time(serial, now, &when);
	if (form == DNS_SERIAL_NOT_TIME) {
		hc_result_set(res, verdict, HC_R_SERIAL_AGE, "serial %u is not a time "
		    "stamp (YYYYMMDDnn or unix time)", serial);
		return;
	}
	age = now > when ? now - when : 0;
	util_fmt_duration((uint64_t)age * 1000, a, sizeof(a));
	util_fmt_duration(max_ms, b, sizeof(b));
	if ((uint64_t)age * 1000 > max_ms)
		hc_result_set(res, verdict, HC_R_SERIAL_AGE, "serial %u is %s old "
		    "(%s), more than %s", serial, a, form == DNS_SERIAL_DATE ?
		    "YYYYMMDDnn" : "unix time", b);
	else
		hc_result_set(res, HC_OK, HC_R_OK, "serial %u is %s old", serial, a);
}

/* ---- RRSIG validity ---- */

struct sig_pick {
	int		 found;
	uint16_t	 covered;
	uint16_t	 keytag;
	int64_t		 remaining;	/* s until expiration; < 0: expired */
	int64_t		 since;		/* s since inception; < 0: not yet */
};

/* Keep the best RRSIG: valid now and expiring last (RFC 4035 5.3.1). */
static void
sig_consider(struct sig_pick *best, const ldns_rr *rr, uint32_t now32)
{
	struct sig_pick	 c;
	int		 c_valid, b_valid;

	if (ldns_rr_rd_count(rr) < 9)
		return;
	c.found = 1;
	c.covered = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
	c.keytag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rr));
	c.remaining = serial_diff(ldns_rdf2native_int32(
	    ldns_rr_rrsig_expiration(rr)), now32);
	c.since = serial_diff(now32, ldns_rdf2native_int32(
	    ldns_rr_rrsig_inception(rr)));
	c_valid = c.remaining >= 0 && c.since >= 0;
	b_valid = best->found && best->remaining >= 0 && best->since >= 0;
	if (!best->found || (c_valid && !b_valid) ||
	    (c_valid == b_valid && c.remaining > best->remaining))
		*best = c;
}

/* RRSIGs in SECTION owned by NAME (any owner when NULL) covering TYPE. */
static void
sig_scan(const ldns_pkt *pkt, ldns_pkt_section section, const ldns_rdf *name,
    uint16_t type, uint32_t now32, struct sig_pick *best)
{
	const ldns_rr_list *l = section == LDNS_SECTION_ANSWER ?
			    ldns_pkt_answer(pkt) : ldns_pkt_authority(pkt);
	const ldns_rr	*rr;
	size_t		 i;
	uint16_t	 cov;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_rd_count(rr) < 9 ||
		    (name != NULL && !owned_by(rr, name)))
			continue;
		cov = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		/* A CNAME answers any type; qtype ANY takes any RRset. */
		if (cov == type || cov == LDNS_RR_TYPE_CNAME ||
		    type == LDNS_RR_TYPE_ANY)
			sig_consider(best, rr, now32);
	}
}

static void
sig_report(const struct sig_pick *s, uint64_t within_ms,
    enum hc_status verdict, struct hc_result *res)
{
	char	 t[16], a[32], b[32];

	dns_wire_type_name(s->covered, t, sizeof(t));
	util_fmt_duration(within_ms, b, sizeof(b));
	if (s->since < 0) {
		util_fmt_duration((uint64_t)-s->since * 1000, a, sizeof(a));
		hc_result_set(res, verdict, HC_R_RRSIG, "RRSIG %s key %u not valid "
		    "for another %s (inception in the future)", t, s->keytag,
		    a);
	} else if (s->remaining < 0) {
		util_fmt_duration((uint64_t)-s->remaining * 1000, a,
		    sizeof(a));
		hc_result_set(res, verdict, HC_R_RRSIG, "RRSIG %s key %u expired %s "
		    "ago", t, s->keytag, a);
	} else {
		util_fmt_duration((uint64_t)s->remaining * 1000, a, sizeof(a));
		if ((uint64_t)s->remaining * 1000 < within_ms)
			hc_result_set(res, verdict, HC_R_RRSIG, "RRSIG %s key %u "
			    "expires in %s, within %s", t, s->keytag, a, b);
		else
			hc_result_set(res, HC_OK, HC_R_OK, "RRSIG %s key %u valid for "
			    "%s", t, s->keytag, a);
	}
}

void
dns_judge_rrsig(const uint8_t *msg, size_t len, const char *qname,
    uint16_t qtype, int64_t now, uint64_t within_ms, enum hc_status verdict,
    struct hc_result *res)
{
	struct sig_pick	 best;
	ldns_pkt	*pkt;
	ldns_rdf	*name;
	uint32_t	 now32 = (uint32_t)((uint64_t)now & 0xffffffffu);
	char		 t[16];
	int		 negative;

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	memset(&best, 0, sizeof(best));
	if ((name = ldns_dname_new_frm_str(qname)) != NULL)
		sig_scan(pkt, LDNS_SECTION_ANSWER, name, qtype, now32, &best);
	/* RFC 4035 3.1.3: a negative answer signs the SOA it carries. */
	negative = ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) == 0;
	if (!best.found)
		sig_scan(pkt, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_SOA,
		    now32, &best);
	ldns_rdf_deep_free(name);
	ldns_pkt_free(pkt);
	dns_wire_type_name(qtype, t, sizeof(t));
	if (best.found)
		sig_report(&best, within_ms, verdict, res);
	else if (negative)
		hc_result_set(res, verdict, HC_R_RRSIG, "negative answer to %s "
		    "%s: no RRSIG covering the SOA in the authority section",
		    qname, t);
	else
		hc_result_set(res, verdict, HC_R_RRSIG, "no RRSIG covering %s %s",
		    qname, t);
}

/* ---- resolvers ---- */

void
dns_judge_validated(const uint8_t *msg, size_t len, struct hc_result *res)
{
	ldns_pkt *pkt;

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	if (ldns_pkt_ad(pkt))
		hc_result_set(res, HC_OK, HC_R_OK, "validated (AD)");
	else
		hc_result_set(res, HC_FAIL, HC_R_NOT_VALIDATED, "answer not validated "
		    "(AD bit clear)");
	ldns_pkt_free(pkt);
}

void
dns_judge_servfail(const uint8_t *msg, size_t len, const char *name,
    struct hc_result *res)
{
	ldns_pkt	*pkt;
	char		 rc[16];

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	if (rcode_of(pkt) == LDNS_RCODE_SERVFAIL)
		hc_result_set(res, HC_OK, HC_R_OK, "known-bogus name %s got "
		    "SERVFAIL", name);
	else
		hc_result_set(res, HC_FAIL, HC_R_BOGUS_ACCEPTED, "known-bogus "
		    "name %s answered %s, not SERVFAIL: not validating", name,
		    rcode_str(pkt, rc, sizeof(rc)));
	ldns_pkt_free(pkt);
}

/* How many RRs of TYPE owned by NAME the answer section holds. */
static size_t
count_answers(const ldns_pkt *pkt, const ldns_rdf *name, uint16_t type)
{
	const ldns_rr_list	*l = ldns_pkt_answer(pkt);
	size_t			 i, n = 0;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == type &&
		    owned_by(ldns_rr_list_rr(l, i), name))
			n++;
	return n;
}

void
dns_judge_dnskey(const uint8_t *msg, size_t len, const char *zone,
    struct hc_result *res)
{
	ldns_pkt	*pkt;
	ldns_rdf	*name;
	size_t		 n = 0;
	char		 rc[16];

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	if ((name = ldns_dname_new_frm_str(zone)) != NULL)
		n = count_answers(pkt, name, LDNS_RR_TYPE_DNSKEY);
	if (n > 0)
		hc_result_set(res, HC_OK, HC_R_OK, "%zu DNSKEY%s at %s", n,
		    n == 1 ? "" : "s", zone);
	else
		hc_result_set(res, HC_FAIL, HC_R_DNSKEY, "no DNSKEY at %s (rcode %s)",
		    zone, rcode_str(pkt, rc, sizeof(rc)));
	ldns_rdf_deep_free(name);
	ldns_pkt_free(pkt);
}

/*
 * The TXT RDATA as one string: RFC 1035 3.3.14 character-strings, each
 * a length byte then the bytes, concatenated.  Returns the length, or
 * -1 when it does not fit in SIZE.
 */
static ssize_t
txt_concat(const ldns_rr *rr, uint8_t *buf, size_t size)
{
	const ldns_rdf	*f;
	size_t		 i, off = 0, n;

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		f = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR ||
		    ldns_rdf_size(f) < 1)
			continue;
		n = ldns_rdf_data(f)[0];
		if (n + 1 > ldns_rdf_size(f) || off + n > size)
			return -1;
		memcpy(buf + off, ldns_rdf_data(f) + 1, n);
		off += n;
	}
	return (ssize_t)off;
}

void
dns_judge_id_server(const uint8_t *msg, size_t len, const char *want,
    struct hc_result *res)
{
	const ldns_rr_list	*l;
	const ldns_rr		*rr;
	ldns_pkt		*pkt;
	uint8_t			 got[512];
	char			 shown[SHOW_MAX + 8], rc[16];
	ssize_t			 n = -1;
	size_t			 i;

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	l = ldns_pkt_answer(pkt);
	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l) && n < 0; i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_TXT)
			n = txt_concat(rr, got, sizeof(got));
	}
	if (n < 0)
		hc_result_set(res, HC_FAIL, HC_R_IDENTITY, "no id.server TXT (rcode %s)",
		    rcode_str(pkt, rc, sizeof(rc)));
	else if ((size_t)n == strlen(want) && memcmp(got, want, (size_t)n) == 0)
		hc_result_set(res, HC_OK, HC_R_OK, "id.server \"%.40s\"", want);
	else {
		show(got, (size_t)n, shown, sizeof(shown));
		hc_result_set(res, HC_FAIL, HC_R_IDENTITY, "id.server %s, expected "
		    "\"%.40s\": another server answered", shown, want);
	}
	ldns_pkt_free(pkt);
}

/* ---- zones ---- */

void
dns_judge_zone(const uint8_t *msg, size_t len, const char *zone,
    struct hc_result *res)
{
	ldns_pkt	*pkt;
	ldns_rdf	*name;
	char		 rc[16];

	if ((pkt = parse(msg, len, res)) == NULL)
		return;
	name = ldns_dname_new_frm_str(zone);
	if (rcode_of(pkt) != LDNS_RCODE_NOERROR)
		hc_result_set(res, HC_FAIL, HC_R_RCODE, "rcode %s",
		    rcode_str(pkt, rc, sizeof(rc)));
	else if (!ldns_pkt_aa(pkt))
		hc_result_set(res, HC_FAIL, HC_R_NOT_AUTH, "not authoritative (AA bit "
		    "clear)");
	/* A truncated answer may lack the SOA: its header is enough. */
	else if (!ldns_pkt_tc(pkt) && (name == NULL ||
	    count_answers(pkt, name, LDNS_RR_TYPE_SOA) == 0))
		hc_result_set(res, HC_FAIL, HC_R_NO_ANSWER, "no SOA in the answer");
	else
		hc_result_set(res, HC_OK, HC_R_OK, "served");
	ldns_rdf_deep_free(name);
	ldns_pkt_free(pkt);
}
