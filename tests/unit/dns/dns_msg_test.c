/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns/dns_msg.c, the reader of untrusted answers:
 * byte vectors for every bound (truncated headers, counts larger than
 * the message, labels over 63, names over 255, pointers forward, out
 * of range, into the header and in loops), the wire form of configured
 * names, EDNS options.  At the limits ldns is asked too: what the
 * reader takes, ldns must take (dns_wire.c relies on it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "dns/dns_msg.h"

/* Header: id 0x1234, QR AA, counts as given. */
static size_t
header(uint8_t *b, int qd, int an, int ns, int ar)
{
	static const uint8_t h[] = { 0x12, 0x34, 0x84, 0x00 };

	memcpy(b, h, 4);
	b[4] = 0; b[5] = (uint8_t)qd;
	b[6] = 0; b[7] = (uint8_t)an;
	b[8] = 0; b[9] = (uint8_t)ns;
	b[10] = 0; b[11] = (uint8_t)ar;
	return 12;
}

static size_t
put(uint8_t *b, size_t off, const void *d, size_t n)
{
	memcpy(b + off, d, n);
	return off + n;
}

/* "www.example.com. A IN" at offset 12. */
static const uint8_t question[] = "\3www\7example\3com\0\0\1\0\1";
#define QLEN	(sizeof(question) - 1)
/* An answer RR: owner a pointer to the question, A IN, TTL 60. */
static const uint8_t rr_a[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
    192, 0, 2, 1 };

static int
ldns_reads(const uint8_t *b, size_t len)
{
	ldns_pkt	*p = NULL;
	int		 ok = ldns_wire2pkt(&p, b, len) == LDNS_STATUS_OK;

	ldns_pkt_free(p);
	return ok;
}

static void
test_header(void **state)
{
	struct dns_msg	m;
	uint8_t		b[64];
	size_t		n;

	(void)state;
	n = header(b, 0, 0, 0, 0);
	assert_int_equal(dns_msg_read(&m, b, n), 0);
	assert_int_equal(m.id, 0x1234);
	assert_true(m.flags & DNS_MSG_QR);
	assert_true(m.flags & DNS_MSG_AA);
	assert_false(m.flags & DNS_MSG_TC);
	/* Truncated headers, and none at all. */
	for (n = 0; n < 12; n++) {
		assert_int_equal(dns_msg_read(&m, b, n), -1);
		assert_null(m.wire);
	}
	assert_int_equal(dns_msg_read(&m, NULL, 12), -1);
	/* Bytes after the last section: left to ldns. */
	assert_int_equal(dns_msg_read(&m, b, 13), -1);
}

static void
test_question_and_answer(void **state)
{
	struct dns_msg	m;
	uint8_t		b[128], want[DNS_NAME_MAX];
	size_t		n;
	int		w;

	(void)state;
	n = header(b, 1, 1, 0, 0);
	n = put(b, n, question, QLEN);
	n = put(b, n, rr_a, sizeof(rr_a));
	assert_int_equal(dns_msg_read(&m, b, n), 0);
	assert_true(ldns_reads(b, n));
	assert_int_equal(m.qtype, 1);
	assert_int_equal(m.qclass, 1);
	assert_int_equal(m.ancount, 1);
	assert_int_equal(m.qname, 12);
	/* RFC 4343: case does not matter, every label does. */
	w = dns_msg_name("WWW.Example.com.", want);
	assert_int_equal(w, 17);
	assert_true(dns_msg_name_is(&m, m.qname, want, (size_t)w));
	w = dns_msg_name("www.example.co.", want);
	assert_false(dns_msg_name_is(&m, m.qname, want, (size_t)w));
	w = dns_msg_name("www.example.com.org.", want);
	assert_false(dns_msg_name_is(&m, m.qname, want, (size_t)w));
	/* The owner of the answer, through its pointer. */
	w = dns_msg_name("www.example.com", want);
	assert_true(dns_msg_name_is(&m, 12 + QLEN, want, (size_t)w));
	/* Counts larger than the message, every truncation of it. */
	for (size_t k = 12; k < n; k++)
		assert_int_equal(dns_msg_read(&m, b, k), -1);
	b[7] = 2;
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	b[7] = 1;
	/* An A record of 5 bytes: left to ldns. */
	b[n - 5] = 5;
	b[n] = 0;
	assert_int_equal(dns_msg_read(&m, b, n + 1), -1);
}

static void
test_pointers(void **state)
{
	struct dns_msg	m;
	uint8_t		b[128];
	size_t		n, at;

	(void)state;
	/* A question that is a pointer forward, to the name after it. */
	n = header(b, 1, 0, 0, 0);
	n = put(b, n, "\xc0\x12\0\1\0\1\1a\0", 9);
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* Out of the message. */
	n = header(b, 1, 0, 0, 0);
	n = put(b, n, "\xff\xff\0\1\0\1", 6);
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* Into the header. */
	n = header(b, 1, 0, 0, 0);
	n = put(b, n, "\xc0\x02\0\1\0\1", 6);
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* To itself: an answer owner that points at its own pointer. */
	n = header(b, 1, 1, 0, 0);
	n = put(b, n, question, QLEN);
	at = n;
	n = put(b, n, rr_a, sizeof(rr_a));
	b[at + 1] = (uint8_t)at;
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* Two names pointing at each other: label "a" then a pointer to
	 * the other, which is a label then a pointer back. */
	n = header(b, 2, 0, 0, 0);
	n = put(b, n, "\1a\xc0\x16\0\1\0\1", 8);	/* at 12, -> 22 */
	n = put(b, n, "\1b\xc0\x0c\0\1\0\1", 8);	/* at 20, -> 12 */
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* Backwards but read on past the pointer that led there. */
	n = header(b, 2, 0, 0, 0);
	n = put(b, n, "\3abc\0\0\1\0\1", 9);		/* at 12 */
	n = put(b, n, "\xc0\x0d\0\1\0\1", 6);	/* -> 13, "abc" as a label */
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	/* A pointer cut in half at the end. */
	n = header(b, 1, 0, 0, 0);
	b[n++] = 0xc0;
	assert_int_equal(dns_msg_read(&m, b, n), -1);
}

/* A question name of labels of LENS, "a" repeated; its wire length. */
static size_t
long_name(uint8_t *b, const int *lens, int nlens)
{
	size_t	n = header(b, 1, 0, 0, 0);
	int	i;

	for (i = 0; i < nlens; i++) {
		b[n++] = (uint8_t)lens[i];
		memset(b + n, 'a', (size_t)lens[i]);
		n += (size_t)lens[i];
	}
	b[n++] = 0;
	return put(b, n, "\0\1\0\1", 4);
}

static void
test_limits(void **state)
{
	static const int	 l255[] = { 63, 63, 63, 61 };
	static const int	 l256[] = { 63, 63, 63, 62 };
	static const int	 l64[] = { 64 };
	struct dns_msg		 m;
	uint8_t			 b[400];
	size_t			 n;

	(void)state;
	/* 255 octets with the root: the most RFC 1035 2.3.4 allows. */
	n = long_name(b, l255, 4);
	assert_int_equal(dns_msg_read(&m, b, n), 0);
	assert_true(ldns_reads(b, n));
	n = long_name(b, l256, 4);
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	assert_false(ldns_reads(b, n));
	/* A label of 64 (0x40: an extended label type, RFC 6891 5). */
	n = long_name(b, l64, 1);
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	assert_false(ldns_reads(b, n));
}

static void
test_opt(void **state)
{
	/* OPT: root, type 41, payload 1232, ext rcode 1 (BADVERS 16),
	 * NSID "ns1". */
	static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 1, 0, 0, 0,
	    0, 7, 0, 3, 0, 3, 'n', 's', '1' };
	struct dns_msg	 m;
	uint8_t		 b[128];
	const uint8_t	*d;
	size_t		 n, pos = 0, dlen;

	(void)state;
	n = header(b, 1, 0, 0, 1);
	n = put(b, n, question, QLEN);
	n = put(b, n, opt, sizeof(opt));
	assert_int_equal(dns_msg_read(&m, b, n), 0);
	assert_true(ldns_reads(b, n));
	assert_true(m.edns);
	assert_int_equal(dns_msg_rcode(&m), 16);
	assert_int_equal(dns_msg_option(&m, 3, &pos, &d, &dlen), 1);
	assert_int_equal(dlen, 3);
	assert_memory_equal(d, "ns1", 3);
	assert_int_equal(dns_msg_option(&m, 3, &pos, &d, &dlen), 0);
	/* An option longer than the RDATA. */
	b[n - 4] = 9;
	pos = 0;
	assert_int_equal(dns_msg_read(&m, b, n), 0);
	assert_int_equal(dns_msg_option(&m, 3, &pos, &d, &dlen), -1);
	b[n - 4] = 3;
	/* Two OPT records, or one outside the additional section. */
	b[11] = 2;
	n = put(b, n, opt, sizeof(opt));
	assert_int_equal(dns_msg_read(&m, b, n), -1);
	b[7] = 1;
	b[11] = 1;
	assert_int_equal(dns_msg_read(&m, b, n), -1);
}

static void
test_name_text(void **state)
{
	uint8_t	w[DNS_NAME_MAX];
	char	big[300];

	(void)state;
	assert_int_equal(dns_msg_name(".", w), 1);
	assert_int_equal(w[0], 0);
	assert_int_equal(dns_msg_name("a.b", w), 5);
	assert_memory_equal(w, "\1a\1b\0", 5);
	assert_int_equal(dns_msg_name("a.b.", w), 5);
	assert_int_equal(dns_msg_name("a\\.b.", w), 5);
	assert_memory_equal(w, "\3a.b\0", 5);
	assert_int_equal(dns_msg_name("\\065.", w), 3);
	assert_memory_equal(w, "\1A\0", 3);
	assert_int_equal(dns_msg_name("\\256.", w), -1);
	assert_int_equal(dns_msg_name("\\06", w), -1);
	assert_int_equal(dns_msg_name("a\\", w), -1);
	assert_int_equal(dns_msg_name("a..b", w), -1);
	assert_int_equal(dns_msg_name(".a", w), -1);
	assert_int_equal(dns_msg_name("", w), -1);
	memset(big, 'a', 64);
	big[64] = '\0';
	assert_int_equal(dns_msg_name(big, w), -1);
	big[63] = '\0';
	assert_int_equal(dns_msg_name(big, w), 65);
	/* 4 labels of 63: 257 octets. */
	memset(big, 'a', 255);
	big[63] = big[127] = big[191] = '.';
	big[255] = '\0';
	assert_int_equal(dns_msg_name(big, w), -1);
	big[253] = '\0';	/* 63, 63, 63, 61 and the root: 255 */
	assert_int_equal(dns_msg_name(big, w), 255);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_question_and_answer),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_opt),
		cmocka_unit_test(test_name_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
