/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the DNS answer judges (src/dns/dns_wire.c and the
 * DNS-aware ones of src/dns/dns_judge.c, all fed the same bytes).  Input
 * layout: two selector bytes that pick the query and the expectations,
 * then the bytes that arrived from the "server".  The query id is taken
 * from the answer's first two bytes unless a selector bit asks for a
 * fixed one, so the fuzzer reaches the checks behind the id test
 * without having to guess it.  After each judgement the harness checks
 * the result's invariants and aborts when one is broken.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_judge.h"
#include "dns/dns_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const qnames[] = {
	"example.com", "WWW.Example.COM.", ".", "a.b.c.example.net",
};
static const uint16_t qtypes[] = { 1, 28, 16, 255 };	/* A AAAA TXT ANY */
static char *const wanted[] = {
	"192.0.2.1", "2001:db8::1", "\"hello world\"", "10 mail.example.com",
};

static void
check(const struct hc_result *res, int tc)
{
	if (memchr(res->detail, '\0', sizeof(res->detail)) == NULL)
		abort();
	if (res->status != HC_OK && res->status != HC_FAIL)
		abort();
	if ((res->status == HC_OK) != (res->reason == HC_R_OK))
		abort();
	if (res->reason >= HC_R_MAX || res->rtt_us != 7)
		abort();
	if ((tc == 1) != (res->reason == HC_R_TRUNCATED) || (tc != 0 &&
	    tc != 1))
		abort();
}

/* A DNS-aware judge: a bounded detail, a known status and reason. */
static void
check_aware(const struct hc_result *res)
{
	if (memchr(res->detail, '\0', sizeof(res->detail)) == NULL)
		abort();
	if (res->status != HC_OK && res->status != HC_DEGRADED &&
	    res->status != HC_FAIL)
		abort();
	if ((res->status == HC_OK) != (res->reason == HC_R_OK) ||
	    res->reason >= HC_R_MAX)
		abort();
}

static void
fresh(struct hc_result *res)
{
	memset(res, 0, sizeof(*res));
	memset(res->detail, 'X', sizeof(res->detail));
}

/* The judges of dns_judge.h on the same bytes, Q's name as the zone. */
static void
judge_aware(const uint8_t *pkt, size_t len, const struct dns_query *q,
    uint8_t sel)
{
	struct hc_result	 res;
	uint32_t		 serial;
	int64_t			 now = 1704067200 + (int64_t)sel * 86400 * 97;
	enum dns_wire_class	 c;

	fresh(&res);
	c = dns_wire_classify(pkt, len, q, &res, NULL);
	if (c != DNS_WIRE_OURS && c != DNS_WIRE_TRUNCATED &&
	    c != DNS_WIRE_NOT_OURS)
		abort();
	check_aware(&res);
	fresh(&res);
	if (dns_judge_soa_serial(pkt, len, q->qname, &serial, &res) == 0) {
		dns_judge_serial_lag(serial, serial + sel, "p", sel & 3,
		    HC_DEGRADED, &res);
		check_aware(&res);
		fresh(&res);
		dns_judge_serial_age(serial, now, 86400000, HC_FAIL, &res);
	}
	check_aware(&res);
	fresh(&res);
	dns_judge_rrsig(pkt, len, q->qname, q->qtype, now, 3600000,
	    HC_DEGRADED, &res);
	check_aware(&res);
	fresh(&res);
	dns_judge_validated(pkt, len, &res);
	check_aware(&res);
	fresh(&res);
	dns_judge_servfail(pkt, len, q->qname, &res);
	check_aware(&res);
	fresh(&res);
	dns_judge_dnskey(pkt, len, q->qname, &res);
	check_aware(&res);
	fresh(&res);
	dns_judge_id_server(pkt, len, (sel & 1) ? "ns1" : "", &res);
	check_aware(&res);
	fresh(&res);
	dns_judge_zone(pkt, len, q->qname, &res);
	check_aware(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query	 q;
	struct dns_expect	 e;
	struct hc_result	 res;
	const uint8_t		*pkt;
	uint8_t			 s0, s1;
	size_t			 len;
	int			 tc = -1;

	if (size < 2)
		return 0;
	s0 = data[0];
	s1 = data[1];
	pkt = data + 2;
	len = size - 2;

	memset(&q, 0, sizeof(q));
	q.qname = qnames[s0 & 3];
	q.qtype = qtypes[(s0 >> 2) & 3];
	q.qclass = (s0 & 0x10) ? 3 : 1;		/* CH or IN */
	if ((s0 & 0x20) || len < 2)
		q.id = 0x1234;
	else
		q.id = (uint16_t)(pkt[0] << 8 | pkt[1]);

	memset(&e, 0, sizeof(e));
	e.rcodes = (s1 & 0x01) ? (1U << 0 | 1U << 3) : 0;
	e.aa = (s1 & 0x02) != 0;
	e.answer = (s1 & 0x04) != 0;
	e.ncontains = (s1 >> 3) & 3;
	e.contains = e.ncontains ? wanted + ((s1 >> 5) & 1) : NULL;
	e.nsid = (s1 & 0x40) ? "ns1" : NULL;
	if (s1 & 0x80)
		e.nsid = "";

	memset(&res, 0, sizeof(res));
	memset(res.detail, 'X', sizeof(res.detail));
	res.rtt_us = 7;
	dns_wire_judge(pkt, len, &q, &e, &res, &tc, NULL);
	check(&res, tc);
	judge_aware(pkt, len, &q, s1);
	return 0;
}
