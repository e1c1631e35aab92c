/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the allocation-free DNS reader (src/dns/dns_msg.c)
 * held against ldns.  Input: one selector byte (the expectations), then
 * the message.  Whatever the reader reads, ldns must parse, with the
 * same header, counts, question and OPT fields; and dns_wire_judge()
 * must say word for word the same through the reader as through ldns
 * alone, for a query made from the message's own question (so the
 * reader's path is reached).  Any difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_msg.h"
#include "dns/dns_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *const wanted[] = { "192.0.2.1" };

static void
same_fields(const struct dns_msg *m, ldns_pkt *p)
{
	const ldns_rr	*q;
	uint8_t		 w[DNS_NAME_MAX];
	char		*s;
	int		 n;

	if (m->id != ldns_pkt_id(p) || !(m->flags & DNS_MSG_QR) !=
	    !ldns_pkt_qr(p) || dns_msg_opcode(m) != ldns_pkt_get_opcode(p) ||
	    !(m->flags & DNS_MSG_AA) != !ldns_pkt_aa(p) ||
	    !(m->flags & DNS_MSG_TC) != !ldns_pkt_tc(p) ||
	    (m->flags & 0x0f) != ldns_pkt_get_rcode(p))
		abort();
	if (m->qdcount != ldns_rr_list_rr_count(ldns_pkt_question(p)) ||
	    m->ancount != ldns_rr_list_rr_count(ldns_pkt_answer(p)) ||
	    m->nscount != ldns_rr_list_rr_count(ldns_pkt_authority(p)) ||
	    m->arcount - m->edns !=
	    ldns_rr_list_rr_count(ldns_pkt_additional(p)))
		abort();
	if (!m->edns != !ldns_pkt_edns(p) ||
	    m->ext_rcode != ldns_pkt_edns_extended_rcode(p))
		abort();
	if (m->qdcount == 0)
		return;
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	if (m->qtype != ldns_rr_get_type(q) ||
	    m->qclass != ldns_rr_get_class(q))
		abort();
	/* The name as ldns prints it reads back to the one on the wire. */
	if ((s = ldns_rdf2str(ldns_rr_owner(q))) == NULL)
		abort();
	n = dns_msg_name(s, w);
	if (n == -1 || !dns_msg_name_is(m, m->qname, w, (size_t)n))
		abort();
	free(s);
}

/* The judge through the reader and through ldns alone: the same. */
static void
judge_both(const uint8_t *msg, size_t len, const struct dns_query *q,
    const struct dns_expect *e)
{
	struct hc_result	 a, b;
	struct dns_msg		 read, unread;
	int			 tca, tcb;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&unread, 0, sizeof(unread));
	(void)dns_wire_classify(msg, len, q, &a, &read);
	if (read.wire != NULL && (read.wire != msg || read.id != q->id))
		abort();
	memset(&a, 0, sizeof(a));
	dns_wire_judge(msg, len, q, e, &a, &tca, &read);
	dns_wire_judge(msg, len, q, e, &b, &tcb, &unread);
	if (a.status != b.status || a.reason != b.reason || tca != tcb ||
	    strcmp(a.detail, b.detail) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query	 q;
	struct dns_expect	 e;
	struct dns_msg		 m;
	ldns_pkt		*p = NULL;
	char			*qname = NULL;
	const uint8_t		*msg;
	size_t			 len;
	uint8_t			 s;

	if (size < 1)
		return 0;
	s = data[0];
	msg = data + 1;
	len = size - 1;
	if (ldns_wire2pkt(&p, msg, len) != LDNS_STATUS_OK) {
		ldns_pkt_free(p);
		p = NULL;
	}
	if (dns_msg_read(&m, msg, len) == 0) {
		if (p == NULL)
			abort();	/* the reader took what ldns refuses */
		same_fields(&m, p);
	}
	memset(&q, 0, sizeof(q));
	q.qname = "example.com.";
	q.qtype = 1;
	q.qclass = 1;
	q.id = len >= 2 ? (uint16_t)(msg[0] << 8 | msg[1]) : 0;
	if (p != NULL && ldns_rr_list_rr_count(ldns_pkt_question(p)) > 0) {
		const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);

		if ((qname = ldns_rdf2str(ldns_rr_owner(qr))) != NULL)
			q.qname = qname;
		q.qtype = ldns_rr_get_type(qr);
		q.qclass = ldns_rr_get_class(qr);
	}
	memset(&e, 0, sizeof(e));
	e.rcodes = (s & 0x01) ? (1U << 0 | 1U << 3) : 0;
	e.aa = (s & 0x02) != 0;
	e.answer = (s & 0x04) != 0;
	e.ncontains = (s & 0x08) ? 1 : 0;
	e.contains = e.ncontains ? wanted : NULL;
	e.nsid = (s & 0x10) ? "ns1" : (s & 0x20) ? "" : NULL;
	judge_both(msg, len, &q, &e);
	free(qname);
	ldns_pkt_free(p);
	return 0;
}
