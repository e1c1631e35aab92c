/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_JUDGE_H
#define ANYCASTD_DNS_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "check/hc_result.h"

/*
 * What a DNS answer says beyond "it answered": zone freshness (SOA
 * serials), DNSSEC signatures, validation by a resolver, the server's
 * identity, a zone served.  Pure functions over answers that
 * dns_wire_classify() already found to be ours; the wall-clock time is
 * a parameter (unix seconds), so the tests drive it.  Each judge fills
 * an hc_result: HC_OK, or a failure with a reason and a human detail.
 * Judges of a policy take VERDICT, the status of a failure (HC_DEGRADED
 * by default, HC_FAIL with `down`).
 */

/* RFC 1982 3.2: how serial A compares with serial B. */
enum dns_serial_cmp {
	DNS_SERIAL_EQUAL,
	DNS_SERIAL_LESS,
	DNS_SERIAL_GREATER,
	DNS_SERIAL_UNDEFINED	/* exactly 2^31 apart */
};

enum dns_serial_cmp dns_serial_compare(uint32_t a, uint32_t b);

/*
 * The SOA serial of ZONE in an answer to "ZONE SOA": the SOA owned by
 * ZONE in the answer section, else the SOA in the authority section of
 * a negative answer (then ZONE was not the apex, and the serial is the
 * enclosing zone's).  Returns 0, or -1 with RES filled (rcode, no SOA).
 */
int	dns_judge_soa_serial(const uint8_t *msg, size_t len, const char *zone,
	    uint32_t *serial, struct hc_result *res);

/* SERVED against the PRIMARY's (named WHO): behind by more than LAG? */
void	dns_judge_serial_lag(uint32_t served, uint32_t primary,
	    const char *who, uint32_t lag, enum hc_status verdict,
	    struct hc_result *res);

/*
 * A serial as a time stamp: YYYYMMDDnn (00:00 UTC of that day) when it
 * is a valid date not after tomorrow, else unix time when it is at least
 * 1000000000 (2001-09-09) and not after tomorrow.
 */
enum dns_serial_form {
	DNS_SERIAL_NOT_TIME,
	DNS_SERIAL_DATE,
	DNS_SERIAL_UNIX
};

enum dns_serial_form dns_serial_time(uint32_t serial, int64_t now,
	    int64_t *when);
void	dns_judge_serial_age(uint32_t serial, int64_t now, uint64_t max_ms,
	    enum hc_status verdict, struct hc_result *res);

/*
 * RFC 4034 3.1.5, RFC 4035 5.3.1: the RRSIG covering QNAME/QTYPE in the
 * answer section (or the SOA in the authority section of a negative
 * answer) must be valid now and for at least WITHIN_MS more.
 */
void	dns_judge_rrsig(const uint8_t *msg, size_t len, const char *qname,
	    uint16_t qtype, int64_t now, uint64_t within_ms,
	    enum hc_status verdict, struct hc_result *res);

/* RFC 4035 3.2.3: the AD bit of a validating resolver's answer. */
void	dns_judge_validated(const uint8_t *msg, size_t len,
	    struct hc_result *res);
/* RFC 4035 5.5: a bogus NAME must get SERVFAIL from a validator. */
void	dns_judge_servfail(const uint8_t *msg, size_t len, const char *name,
	    struct hc_result *res);
/* RFC 4034 2: a DNSKEY RRset at the apex of ZONE. */
void	dns_judge_dnskey(const uint8_t *msg, size_t len, const char *zone,
	    struct hc_result *res);
/* RFC 4892 2: the TXT of "id.server. CH TXT" must equal WANT. */
void	dns_judge_id_server(const uint8_t *msg, size_t len, const char *want,
	    struct hc_result *res);
/* ZONE served: NOERROR, AA and the SOA of ZONE (header only when TC). */
void	dns_judge_zone(const uint8_t *msg, size_t len, const char *zone,
	    struct hc_result *res);

#endif
