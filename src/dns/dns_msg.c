/* SPDX-License-Identifier: ISC */
/*
 * The reader of dns_msg.h: every index is checked against the end of
 * the message (or of the RDATA) before the byte is read.  Names follow
 * RFC 1035 4.1.4 compression, held to "a prior occurrence": a pointer
 * must lead before itself and before every pointer taken for this name,
 * and what is read after a jump must end before that pointer, so a name
 * is read in fewer steps than the message has bytes, loops or not.
 */
#include <string.h>

#include "dns/dns_msg.h"

#define HEADER		12
#define MAX_LABEL	63
/* RFC 1035 3.2.2 types whose RDATA shape is checked; others go to ldns. */
enum {
	T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15,
	T_TXT = 16, T_AAAA = 28, T_DNAME = 39, T_OPT = 41, T_DS = 43,
	T_RRSIG = 46, T_DNSKEY = 48
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/*
 * Walk the name at *POS of W (LEN bytes).  0 with *POS past it (past
 * its first pointer when it has one), or -1: out of bounds, a label
 * over 63, a name over 255 octets, a pointer not to a prior occurrence.
 */
static int
name_skip(const uint8_t *w, size_t len, size_t *pos)
{
	size_t	 p = *pos, limit = len, total = 0, after = 0;
	int	 jumped = 0;

	for (;;) {
		if (p >= limit)
			return -1;
		if (w[p] == 0)
			break;
		if ((w[p] & 0xc0) == 0xc0) {
			size_t to;

			if (p + 1 >= limit)
				return -1;
			to = (size_t)(w[p] & 0x3f) << 8 | w[p + 1];
			if (to < HEADER || to >= p)
				return -1;
			if (!jumped)
				after = p + 2;
			jumped = 1;
			limit = p;
			p = to;
			continue;
		}
		if (w[p] > MAX_LABEL)
			return -1;
		total += (size_t)w[p] + 1;
		if (total + 1 > DNS_NAME_MAX)
			return -1;
		p += (size_t)w[p] + 1;
	}
	*pos = jumped ? after : p + 1;
	return 0;
}

/* A name that ends exactly at END. */
static int
name_fills(const uint8_t *w, size_t len, size_t pos, size_t end)
{
	return name_skip(w, len, &pos) == 0 && pos == end;
}

/* RFC 1035 3.3.14: character-strings tiling [POS, END), at least one. */
static int
strings_fill(const uint8_t *w, size_t pos, size_t end)
{
	if (pos >= end)
		return 0;
	while (pos < end)
		pos += (size_t)w[pos] + 1;
	return pos == end;
}

/* Is the RDATA at [POS, POS + RDLEN) of the shape TYPE has? */
static int
rdata_ok(const uint8_t *w, size_t len, uint16_t type, size_t pos,
    size_t rdlen)
{
	size_t end = pos + rdlen;

	switch (type) {
	case T_A:
		return rdlen == 4;
	case T_AAAA:
		return rdlen == 16;
	case T_NS:
	case T_CNAME:
	case T_PTR:
	case T_DNAME:
		return name_fills(w, len, pos, end);
	case T_MX:
		return rdlen > 2 && name_fills(w, len, pos + 2, end);
	case T_SOA:
		/* MNAME, RNAME, then five 32-bit fields. */
		return name_skip(w, end, &pos) == 0 &&
		    name_skip(w, end, &pos) == 0 && end - pos == 20;
	case T_TXT:
		return strings_fill(w, pos, end);
	case T_OPT:
		return 1;
	case T_DS:
	case T_DNSKEY:
		/* 4 fixed bytes, then a digest or key to the end. */
		return rdlen >= 4;
	case T_RRSIG:
		/* RFC 4034 3.1: 18 fixed bytes, the signer, the signature. */
		pos += 18;
		return rdlen > 18 && name_skip(w, end, &pos) == 0;
	default:
		return 0;
	}
}

/* The OPT record, TTL at W + TTL (RFC 6891 6.1.3), RDATA at RD. */
static int
take_opt(struct dns_msg *m, size_t ttl, size_t rd, size_t rdlen)
{
	if (m->edns)
		return -1;	/* RFC 6891 6.1.1: one at most */
	m->edns = 1;
	m->ext_rcode = m->wire[ttl];
	m->opt_rdata = (uint16_t)rd;
	m->opt_rdlen = (uint16_t)rdlen;
	return 0;
}

/* One resource record at *POS of section SECTION (1-3). */
static int
read_rr(struct dns_msg *m, size_t *pos, int section)
{
	const uint8_t	*w = m->wire;
	size_t		 p = *pos, rdlen;
	uint16_t	 type;

	if (name_skip(w, m->len, &p) == -1 || p + 10 > m->len)
		return -1;
	type = get16(w + p);
	rdlen = get16(w + p + 8);
	if (p + 10 + rdlen > m->len || !rdata_ok(w, m->len, type, p + 10,
	    rdlen))
		return -1;
	if (type == T_OPT && (section != 3 || take_opt(m, p + 4, p + 10,
	    rdlen) == -1))
		return -1;
	*pos = p + 10 + rdlen;
	return 0;
}

int
dns_msg_read(struct dns_msg *m, const uint8_t *wire, size_t len)
{
	size_t		 pos = HEADER, i, n;
	int		 s;

	memset(m, 0, sizeof(*m));
	if (wire == NULL || len < HEADER || len > 65535)
		return -1;
	m->wire = wire;
	m->len = len;
	m->id = get16(wire);
	m->flags = get16(wire + 2);
	m->qdcount = get16(wire + 4);
	m->ancount = get16(wire + 6);
	m->nscount = get16(wire + 8);
	m->arcount = get16(wire + 10);
	for (i = 0; i < m->qdcount; i++) {
		if (i == 0)
			m->qname = (uint16_t)pos;
		if (name_skip(wire, len, &pos) == -1 || pos + 4 > len)
			goto fail;
		if (i == 0) {
			m->qtype = get16(wire + pos);
			m->qclass = get16(wire + pos + 2);
		}
		pos += 4;
	}
	for (s = 1; s <= 3; s++) {
		n = s == 1 ? m->ancount : s == 2 ? m->nscount : m->arcount;
		for (i = 0; i < n; i++)
			if (read_rr(m, &pos, s) == -1)
				goto fail;
	}
	if (pos == len)
		return 0;
 fail:
	memset(m, 0, sizeof(*m));
	return -1;
}

/* RFC 1035 5.1: \X is X, \DDD the octet DDD. */
static int
unescape(const char **s)
{
	const char	*p = *s;
	int		 v;

	if (p[0] >= '0' && p[0] <= '9') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			return -1;
		v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		*s = p + 3;
		return v > 255 ? -1 : v;
	}
	if (p[0] == '\0')
		return -1;
	*s = p + 1;
	return (unsigned char)p[0];
}

int
dns_msg_name(const char *text, uint8_t *out)
{
	size_t	 n = 0, label = 0;
	int	 c;

	if (text == NULL || *text == '\0')
		return -1;
	if (strcmp(text, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	while (*text != '\0') {
		if (*text == '.') {
			if (n == label)
				return -1;	/* an empty label */
			out[label] = (uint8_t)(n - label - 1);
			label = n;
			text++;
			continue;
		}
		if (n == label)
			n++;	/* room for the length byte */
		if (*text == '\\') {
			text++;
			if ((c = unescape(&text)) == -1)
				return -1;
		} else
			c = (unsigned char)*text++;
		if (n - label > MAX_LABEL || n + 1 >= DNS_NAME_MAX)
			return -1;
		out[n++] = (uint8_t)c;
	}
	if (n > label) {
		out[label] = (uint8_t)(n - label - 1);
		label = n;
	}
	out[label] = 0;
	return (int)label + 1;
}

int
dns_msg_name_is(const struct dns_msg *m, size_t off, const uint8_t *want,
    size_t wlen)
{
	const uint8_t	*w = m->wire;
	size_t		 i, k = 0, steps = 0;

	while (off < m->len && steps++ < m->len) {
		if ((w[off] & 0xc0) == 0xc0) {
			if (off + 1 >= m->len)
				return 0;
			off = (size_t)(w[off] & 0x3f) << 8 | w[off + 1];
			continue;
		}
		if (k >= wlen || w[off] != want[k] ||
		    off + w[off] >= m->len || k + want[k] >= wlen)
			return 0;
		if (w[off] == 0)
			return k + 1 == wlen;
		for (i = 1; i <= w[off]; i++)
			if (lower(w[off + i]) != lower(want[k + i]))
				return 0;
		k += (size_t)want[k] + 1;
		off += (size_t)w[off] + 1;
	}
	return 0;
}

int
dns_msg_option(const struct dns_msg *m, uint16_t code, size_t *pos,
    const uint8_t **data, size_t *dlen)
{
	const uint8_t	*o = m->wire + m->opt_rdata;
	uint16_t	 c, n;

	while (m->edns && *pos < m->opt_rdlen) {
		if (*pos + 4 > m->opt_rdlen)
			return -1;
		c = get16(o + *pos);
		n = get16(o + *pos + 2);
		if (*pos + 4 + n > m->opt_rdlen)
			return -1;
		*pos += 4 + (size_t)n;
		if (c == code) {
			*data = o + *pos - n;
			*dlen = n;
			return 1;
		}
	}
	return 0;
}
