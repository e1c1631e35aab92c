/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_WIRE_H
#define ANYCASTD_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "check/hc_result.h"
#include "dns/dns_msg.h"

/*
 * DNS wire format for the dns check: build one query, judge one answer.
 * Pure functions over byte buffers (ldns underneath): no sockets, no
 * clock, so they are unit-tested and fuzzed directly.
 */

struct dns_query {
	const char	*qname;		/* presentation form */
	/* The same in wire form (dns_msg_name), built once by who asks
	 * many times; NULL: built from qname when an answer is judged. */
	const uint8_t	*qname_wire;
	size_t		 qname_wlen;
	uint16_t	 qtype;
	uint16_t	 qclass;
	uint16_t	 id;
	int		 edns;		/* add an OPT record, 1232-byte payload */
	int		 dnssec_ok;	/* DO bit (implies edns) */
	int		 nsid;		/* NSID option (implies edns) */
	int		 rd;		/* RD bit: ask a resolver to recurse */
	int		 ad;		/* AD bit: ask for it back (RFC 6840 5.7) */
};

struct dns_expect {
	uint32_t	  rcodes;	/* bit per accepted rcode; 0 = NOERROR only */
	int		  aa;		/* AA bit required */
	int		  answer;	/* non-empty answer section required */
	char *const	 *contains;	/* each must match the rdata of an answer RR */
	size_t		  ncontains;
	const char	 *nsid;		/* NSID must equal this (NULL: not checked) */
};

/* Wire form of Q into a malloc'd buffer.  Returns 0, or -1 (bad qname). */
int	dns_wire_query(const struct dns_query *q, uint8_t **buf, size_t *len);

/*
 * Judge ANSWER against the query Q and the expectations E.  Fills RES:
 * status HC_OK or HC_FAIL, the reason and a human detail.  A message
 * that is not an answer to Q (id, question, QR bit) gets HC_R_BOGUS_ID or
 * HC_R_BOGUS_QUESTION, so the caller can ignore it and keep waiting.
 * *TRUNCATED is set when the TC bit is on (the caller retries over TCP);
 * then RES says HC_R_TRUNCATED.  The RTT in RES is left untouched.
 * MSG is ANSWER as dns_wire_classify() read it (its wire NULL: not
 * readable without ldns), or NULL: read here.
 */
void	dns_wire_judge(const uint8_t *answer, size_t len,
	    const struct dns_query *q, const struct dns_expect *e,
	    struct hc_result *res, int *truncated, const struct dns_msg *msg);

/*
 * Is ANSWER a complete answer to Q at all (parsable, QR set, opcode
 * QUERY, same id, same question)?  DNS_WIRE_OURS or DNS_WIRE_TRUNCATED
 * (ours, TC bit set: retry over TCP), else DNS_WIRE_NOT_OURS with RES
 * saying why (HC_R_MALFORMED, HC_R_BOGUS_ID, HC_R_BOGUS_QUESTION).
 * This is the first half of dns_wire_judge(), for exchanges whose
 * answers are judged by other functions (dns_judge.h).  MSG, when not
 * NULL, gets the answer as read, for dns_wire_judge().
 */
enum dns_wire_class { DNS_WIRE_OURS, DNS_WIRE_TRUNCATED, DNS_WIRE_NOT_OURS };
enum dns_wire_class dns_wire_classify(const uint8_t *answer, size_t len,
	    const struct dns_query *q, struct hc_result *res,
	    struct dns_msg *msg);

/* Name <-> number for types, classes and rcodes; -1 when unknown. */
int	dns_wire_type(const char *);
int	dns_wire_class(const char *);
int	dns_wire_rcode(const char *);
const char *dns_wire_type_name(uint16_t, char *, size_t);
const char *dns_wire_class_name(uint16_t, char *, size_t);
const char *dns_wire_rcode_name(unsigned, char *, size_t);

#endif
