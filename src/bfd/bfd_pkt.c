/* SPDX-License-Identifier: ISC */
/*
 * BFD Control packets (RFC 5880 4.1), and the reception checks of
 * section 6.8.6 that a packet fails or passes on its own; the checks
 * against a session (discriminator lookup, authentication) are in
 * bfd_session.c and bfd.c.
 */
#include <string.h>

#include <ldns/sha1.h>

#include "bfd/bfd_pkt.h"
#include "sys/util.h"

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum bfd_pkt_err
bfd_pkt_decode(const uint8_t *buf, size_t len, struct bfd_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (len < BFD_PKT_LEN)
		return BFD_PKT_SHORT;
	pkt->version = buf[0] >> 5;
	pkt->diag = buf[0] & 0x1f;
	pkt->state = buf[1] >> 6;
	pkt->flags = buf[1] & 0x3f;
	pkt->mult = buf[2];
	pkt->len = buf[3];
	pkt->my_disc = get32(buf + 4);
	pkt->your_disc = get32(buf + 8);
	pkt->min_tx = get32(buf + 12);
	pkt->min_rx = get32(buf + 16);
	pkt->min_echo_rx = get32(buf + 20);
	if (pkt->version != BFD_VERSION)
		return BFD_PKT_VERSION;
	if ((pkt->flags & BFD_F_AUTH) && len >= BFD_PKT_LEN + 2 &&
	    pkt->len >= BFD_PKT_LEN + 2) {
		pkt->auth_type = buf[24];
		pkt->auth_len = buf[25];
		if (len >= BFD_PKT_LEN + 8 && pkt->len >= BFD_PKT_LEN + 8) {
			pkt->auth_key_id = buf[26];
			pkt->auth_seq = get32(buf + 28);
		}
	}
	/* With the A bit, at least the 2 octets of the auth header too. */
	if (pkt->len < (pkt->flags & BFD_F_AUTH ? BFD_PKT_LEN + 2 :
	    BFD_PKT_LEN) || pkt->len > len)
		return BFD_PKT_LENGTH;
	if (pkt->mult == 0)
		return BFD_PKT_MULT;
	if (pkt->flags & BFD_F_MULTIPOINT)
		return BFD_PKT_MULTIPOINT;
	if (pkt->my_disc == 0)
		return BFD_PKT_MY_DISC;
	if (pkt->your_disc == 0 && pkt->state != BFD_DOWN &&
	    pkt->state != BFD_ADMIN_DOWN)
		return BFD_PKT_YOUR_DISC;
	return BFD_PKT_OK;
}

int
bfd_pkt_encode(uint8_t *buf, size_t len, const struct bfd_pkt *pkt)
{
	if (len < BFD_PKT_LEN)
		return -1;
	buf[0] = (uint8_t)(BFD_VERSION << 5 | (pkt->diag & 0x1f));
	buf[1] = (uint8_t)((pkt->state & 3) << 6 |
	    (pkt->flags & (0x3f & ~BFD_F_AUTH)));
	buf[2] = pkt->mult;
	buf[3] = BFD_PKT_LEN;
	put32(buf + 4, pkt->my_disc);
	put32(buf + 8, pkt->your_disc);
	put32(buf + 12, pkt->min_tx);
	put32(buf + 16, pkt->min_rx);
	put32(buf + 20, pkt->min_echo_rx);
	return BFD_PKT_LEN;
}

/* The key, zero-padded to 20 octets, where the digest goes (6.7.4). */
static void
put_key(uint8_t *digest, const char *key)
{
	size_t n = strlen(key);

	memset(digest, 0, BFD_SHA1_KEY_MAX);
	memcpy(digest, key, n < BFD_SHA1_KEY_MAX ? n : BFD_SHA1_KEY_MAX);
}

int
bfd_pkt_sign(uint8_t *buf, size_t len, const struct bfd_pkt *pkt,
    uint8_t type, uint8_t key_id, uint32_t seq, const char *key)
{
	uint8_t digest[BFD_SHA1_KEY_MAX];

	if (len < BFD_PKT_SHA1_LEN || bfd_pkt_encode(buf, len, pkt) == -1)
		return -1;
	buf[1] |= BFD_F_AUTH;
	buf[3] = BFD_PKT_SHA1_LEN;
	buf[24] = type;
	buf[25] = 8 + BFD_SHA1_KEY_MAX;
	buf[26] = key_id;
	buf[27] = 0;
	put32(buf + 28, seq);
	put_key(buf + 32, key);
	ldns_sha1(buf, BFD_PKT_SHA1_LEN, digest);
	memcpy(buf + 32, digest, sizeof(digest));
	return BFD_PKT_SHA1_LEN;
}

int
bfd_pkt_verify(const uint8_t *buf, size_t len, const struct bfd_pkt *pkt,
    const char *key)
{
	uint8_t	copy[BFD_PKT_SHA1_LEN], digest[BFD_SHA1_KEY_MAX];

	if (!(pkt->flags & BFD_F_AUTH) || pkt->len != BFD_PKT_SHA1_LEN ||
	    len < BFD_PKT_SHA1_LEN || pkt->auth_len != 8 + BFD_SHA1_KEY_MAX)
		return -1;
	memcpy(copy, buf, sizeof(copy));
	put_key(copy + 32, key);
	ldns_sha1(copy, sizeof(copy), digest);
	return memcmp(digest, buf + 32, sizeof(digest)) == 0 ? 0 : -1;
}

const char *
bfd_pkt_err_name(enum bfd_pkt_err e)
{
	static const char *const names[] = { "ok", "short packet",
	    "bad version", "bad length", "detect multiplier zero",
	    "multipoint bit set", "my discriminator zero",
	    "your discriminator zero outside Down" };

	return (unsigned)e < nitems(names) ? names[e] : "?";
}

const char *
bfd_state_name(unsigned s)
{
	static const char *const names[] = { "AdminDown", "Down", "Init",
	    "Up" };

	return s < nitems(names) ? names[s] : "?";
}

/* Section 4.1's diagnostic codes, as words for status and logs. */
const char *
bfd_diag_name(unsigned d)
{
	static const char *const names[] = { "none",
	    "control detection time expired", "echo function failed",
	    "neighbor signaled session down", "forwarding plane reset",
	    "path down", "concatenated path down", "administratively down",
	    "reverse concatenated path down" };

	return d < nitems(names) ? names[d] : "reserved";
}
