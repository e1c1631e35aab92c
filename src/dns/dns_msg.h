/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_MSG_H
#define ANYCASTD_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * A small reader of DNS messages (RFC 1035 4.1) for judging answers
 * without allocating: the header, the one question, every record's
 * owner, type, class and RDATA bounds walked (compression pointers
 * followed only backwards, so a loop cannot be written), and the OPT
 * record (RFC 6891).  It is strict: a message it does not read fully
 * -- a record type whose RDATA it does not know the shape of, a
 * pointer forward, trailing bytes, two OPT records -- is left to ldns
 * (dns_wire.c), which then says what is wrong as it always did.
 * Pure, bounds-checked on every byte; tests/fuzz/dns_msg_fuzz.c holds
 * it against ldns.
 */

/* RFC 1035 2.3.4: a name is at most 255 octets on the wire. */
#define DNS_NAME_MAX	255

struct dns_msg {
	const uint8_t	*wire;		/* the message read, NULL: not read */
	size_t		 len;
	uint16_t	 id, flags;	/* flags: the header's second word */
	uint16_t	 qdcount, ancount, nscount, arcount;
	uint16_t	 qtype, qclass;	/* of the first question */
	uint16_t	 qname;		/* its offset */
	uint16_t	 opt_rdata, opt_rdlen;	/* the OPT's RDATA */
	uint8_t		 edns;		/* an OPT record was there */
	uint8_t		 ext_rcode;	/* its TTL's high byte (RFC 6891 6.1.3) */
};

/* Header flags (RFC 1035 4.1.1, RFC 4035 3.2.3). */
#define DNS_MSG_QR	0x8000
#define DNS_MSG_AA	0x0400
#define DNS_MSG_TC	0x0200
#define DNS_MSG_AD	0x0020
#define dns_msg_opcode(m)	(((m)->flags >> 11) & 0x0f)
/* The 12-bit rcode: the OPT's byte on top of the header's 4 bits. */
#define dns_msg_rcode(m)	((unsigned)(m)->ext_rcode << 4 | \
				    ((m)->flags & 0x0f))

/* Read WIRE into M.  0, or -1 (M->wire NULL): leave it to ldns. */
int	dns_msg_read(struct dns_msg *m, const uint8_t *wire, size_t len);

/*
 * Presentation form TEXT ("www.example.", "." ; \. and \DDD escapes)
 * into wire form in OUT (DNS_NAME_MAX bytes).  Its length, or -1.
 */
int	dns_msg_name(const char *text, uint8_t *out);

/*
 * Is the name at offset OFF of M (read by dns_msg_read) the name WANT
 * (wire form, WLEN bytes)?  ASCII letters compare without case (RFC
 * 4343).  1 or 0.
 */
int	dns_msg_name_is(const struct dns_msg *m, size_t off,
	    const uint8_t *want, size_t wlen);

/*
 * The first EDNS option CODE at or after *POS in the OPT RDATA (RFC
 * 6891 6.1.2): 1 with *DATA and *DLEN set and *POS past it, 0 when
 * there is no more, -1 when the options do not tile the RDATA.
 */
int	dns_msg_option(const struct dns_msg *m, uint16_t code, size_t *pos,
	    const uint8_t **data, size_t *dlen);

#endif
