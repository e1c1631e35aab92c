/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the DNS answer judge (src/dns_wire.c).  Input
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

#include "dns_wire.h"

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
	dns_wire_judge(pkt, len, &q, &e, &res, &tc);
	check(&res, tc);
	return 0;
}
