/* SPDX-License-Identifier: ISC */
/*
 * The BGP-4 message codec, part two: UPDATE messages and their path
 * attributes.  Encoding packs as many prefixes sharing one attribute set
 * as fit in a 4096-octet message; decoding judges a received UPDATE by
 * the revised error handling of RFC 7606 and reports its prefixes.  The
 * RFCs are listed in bgp_msg.c.
 *
 * How a received UPDATE is judged (RFC 7606 sections in brackets):
 *  - Withdrawn Routes Length or Total Path Attribute Length running past
 *    the message: session reset, 3/1 (RFC 4271 6.3).
 *  - Syntax error in Withdrawn Routes or NLRI (prefix longer than 32,
 *    prefix running past the field): session reset, 3/10 [5.3].
 *  - An attribute running past the attribute field, or fewer octets left
 *    than an attribute header: treat-as-withdraw, the NLRI found from the
 *    Total Path Attribute Length [4].  If that attribute is MP_REACH_NLRI
 *    or MP_UNREACH_NLRI, its NLRI cannot be found: session reset, 3/1.
 *    We rely on senders putting MP_* first [5.1].
 *  - Unrecognized well-known attribute: session reset, 3/2 (RFC 4271).
 *  - MP_REACH_NLRI or MP_UNREACH_NLRI twice: session reset, 3/1 [3 g];
 *    any other attribute twice: the later ones are discarded [3 g].
 *  - Optional or Transitive flag wrong: the attribute is malformed [3 c].
 *  - Malformed attribute: per rules[] below [7]: treat-as-withdraw for
 *    ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, COMMUNITIES,
 *    ORIGINATOR_ID, CLUSTER_LIST, EXTENDED COMMUNITIES and
 *    LARGE_COMMUNITY; attribute-discard for ATOMIC_AGGREGATE, AGGREGATOR,
 *    AS4_PATH, AS4_AGGREGATOR (RFC 6793 6).  LOCAL_PREF, ORIGINATOR_ID
 *    and CLUSTER_LIST from an external peer are discarded unread.
 *  - Malformed MP_REACH_NLRI / MP_UNREACH_NLRI (next hop length, NLRI
 *    syntax) [7.11]: we choose "AFI/SAFI disable" (RFC 4760 7) over a
 *    session reset: anycastd only announces, so losing the session would
 *    withdraw our routes for nothing.  The verdict carries the 3/9
 *    NOTIFICATION should the caller prefer a reset.  Too short to name
 *    its AFI/SAFI, or two different AFI/SAFI broken: session reset, 3/9.
 *  - Missing ORIGIN, AS_PATH (or NEXT_HOP with IPv4 NLRI) while
 *    announcing: treat-as-withdraw [3 d].
 *  - NEXT_HOP 0/8, 127/8 or >= 224/4: treat-as-withdraw [7.3].
 *  - AS 0 in AS_PATH: treat-as-withdraw (RFC 7607); confederation
 *    segments from an external peer: treat-as-withdraw (RFC 5065 5).
 */
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgp/bgp_msg.h"

#define WK	BGP_ATTR_F_TRANSITIVE			/* well-known */
#define OPT	BGP_ATTR_F_OPTIONAL			/* optional */
#define OPT_T	(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)
#define OT_MASK	(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

/* --- Prefixes in NLRI encoding (RFC 4271 4.3, RFC 4760 5) ------------- */

static int
pfx_af(const struct prefix *p)
{
	if (p->addr.family == AF_INET && p->len <= 32)
		return BGP_AF_IPV4;
	if (p->addr.family == AF_INET6 && p->len <= 128)
		return BGP_AF_IPV6;
	return -1;
}

static size_t
pfx_size(const struct prefix *p)
{
	return 1 + ((size_t)p->len + 7) / 8;
}

/* Length octet, then the significant octets, trailing bits zeroed. */
static uint8_t *
put_prefix(uint8_t *p, const struct prefix *pfx)
{
	const uint8_t	*a;
	size_t		 n = ((size_t)pfx->len + 7) / 8;

	a = pfx->addr.family == AF_INET ?
	    (const uint8_t *)&pfx->addr.u.v4 : pfx->addr.u.v6.s6_addr;
	*p++ = pfx->len;
	memcpy(p, a, n);
	if (pfx->len % 8)
		p[n - 1] &= (uint8_t)(0xff << (8 - pfx->len % 8));
	return p + n;
}

static int
af_of(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	if (afi == BGP_AFI_IPV4)
		return BGP_AF_IPV4;
	if (afi == BGP_AFI_IPV6)
		return BGP_AF_IPV6;
	return -1;
}

/* Count the prefixes of an NLRI field; -1 on a syntax error (7606 5.3). */
static int
nlri_count(const uint8_t *p, size_t len, int af, uint32_t *count)
{
	unsigned	 maxbits = af == BGP_AF_IPV4 ? 32 : 128;
	size_t		 off = 0, bytes;
	uint32_t	 n = 0;

	while (off < len) {
		bytes = ((size_t)p[off] + 7) / 8;
		if (p[off] > maxbits || bytes > len - off - 1)
			return -1;
		off += 1 + bytes;
		n++;
	}
	*count = n;
	return 0;
}

/* Report each prefix of an NLRI field already checked by nlri_count(). */
static void
nlri_report(const uint8_t *p, size_t len, int af, int withdraw,
    bgp_prefix_fn *cb, void *arg)
{
	struct prefix	 pfx;
	uint8_t		*a;
	size_t		 off = 0, bytes;

	while (off < len) {
		memset(&pfx, 0, sizeof(pfx));
		pfx.len = p[off];
		bytes = ((size_t)pfx.len + 7) / 8;
		if (af == BGP_AF_IPV4) {
			pfx.addr.family = AF_INET;
			a = (uint8_t *)&pfx.addr.u.v4;
		} else {
			pfx.addr.family = AF_INET6;
			a = pfx.addr.u.v6.s6_addr;
		}
		memcpy(a, p + off + 1, bytes);
		/* RFC 4271 4.3: trailing bits are irrelevant. */
		if (pfx.len % 8)
			a[bytes - 1] &= (uint8_t)(0xff << (8 - pfx.len % 8));
		cb(arg, withdraw, &pfx);
		off += 1 + bytes;
	}
}

/* --- Encoding --------------------------------------------------------- */

/* Attribute header (RFC 4271 4.3): Extended Length only when needed. */
static uint8_t *
put_attr_hdr(uint8_t *p, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		*p++ = flags | BGP_ATTR_F_EXTLEN;
		*p++ = type;
		return bgp_put16(p, (uint16_t)len);
	}
	*p++ = flags;
	*p++ = type;
	*p++ = (uint8_t)len;
	return p;
}

static size_t
attr_size(size_t len)
{
	return (len > 255 ? 4 : 3) + len;
}

/* Everything an encoder must refuse before writing a byte. */
static int
attrs_valid(const struct bgp_attrs *a)
{
	size_t		 i, nas = 0;

	if (a->origin > BGP_ORIGIN_INCOMPLETE)
		return 0;
	if (a->aspath_nseg > 0 &&
	    (a->aspath_seg == NULL || a->aspath_as == NULL))
		return 0;
	for (i = 0; i < a->aspath_nseg; i++) {
		if (a->aspath_seg[i].type < BGP_ASSEG_SET ||
		    a->aspath_seg[i].type > BGP_ASSEG_CONFED_SET ||
		    a->aspath_seg[i].count == 0)
			return 0;
		nas += a->aspath_seg[i].count;
	}
	if (nas != a->aspath_nas)
		return 0;
	for (i = 0; i < nas; i++)
		if (a->aspath_as[i] == 0)		/* RFC 7607 2 */
			return 0;
	if ((a->ncommunities > 0 && a->communities == NULL) ||
	    (a->nlcommunities > 0 && a->lcommunities == NULL))
		return 0;
	return 1;
}

/* Octets of the AS path value with asz-octet ASNs, maybe no confeds. */
static size_t
aspath_len(const struct bgp_attrs *a, size_t asz, int confeds)
{
	size_t		 i, len = 0;

	for (i = 0; i < a->aspath_nseg; i++)
		if (confeds || a->aspath_seg[i].type <= BGP_ASSEG_SEQUENCE)
			len += 2 + asz * a->aspath_seg[i].count;
	return len;
}

/*
 * AS_PATH (asz 4, or 2 with AS_TRANS for what does not fit, RFC 6793
 * 4.2.2) or AS4_PATH (asz 4, no confederation segments, RFC 6793 3).
 */
static uint8_t *
put_aspath(uint8_t *p, const struct bgp_attrs *a, uint8_t flags,
    uint8_t type, size_t asz, int confeds)
{
	const uint32_t	*as = a->aspath_as;
	size_t		 i, j;

	p = put_attr_hdr(p, flags, type, aspath_len(a, asz, confeds));
	for (i = 0; i < a->aspath_nseg; as += a->aspath_seg[i++].count) {
		if (!confeds && a->aspath_seg[i].type > BGP_ASSEG_SEQUENCE)
			continue;
		*p++ = a->aspath_seg[i].type;
		*p++ = a->aspath_seg[i].count;
		for (j = 0; j < a->aspath_seg[i].count; j++) {
			if (asz == 4)
				p = bgp_put32(p, as[j]);
			else
				p = bgp_put16(p, as[j] > 0xffff ?
				    BGP_AS_TRANS : (uint16_t)as[j]);
		}
	}
	return p;
}

/* Does a 2-octet AS_PATH lose anything, so that AS4_PATH is needed? */
static int
need_as4_path(const struct bgp_codec *codec, const struct bgp_attrs *a)
{
	size_t		 i, j, off = 0;

	if (codec->as4)
		return 0;
	for (i = 0; i < a->aspath_nseg; off += a->aspath_seg[i++].count)
		for (j = 0; j < a->aspath_seg[i].count; j++)
			if (a->aspath_as[off + j] > 0xffff &&
			    a->aspath_seg[i].type <= BGP_ASSEG_SEQUENCE)
				return 1;
	return 0;
}

/* Size of the attributes other than MP_REACH_NLRI. */
static size_t
attrs_size(const struct bgp_codec *codec, const struct bgp_attrs *a, int v4)
{
	size_t		 len;

	len = attr_size(1) + attr_size(aspath_len(a, codec->as4 ? 4 : 2, 1));
	if (v4)
		len += attr_size(4);
	if (a->has & BGP_A_MED)
		len += attr_size(4);
	if ((a->has & BGP_A_LOCAL_PREF) && codec->ibgp)
		len += attr_size(4);
	if (a->ncommunities > 0)
		len += attr_size(4 * a->ncommunities);
	if (a->ext_comm && a->next_comm > 0)
		len += attr_size(8 * a->next_comm);
	if (need_as4_path(codec, a))
		len += attr_size(aspath_len(a, 4, 0));
	if (a->nlcommunities > 0)
		len += attr_size(12 * a->nlcommunities);
	return len;
}

/*
 * The link bandwidth extended community: type 0x40 (two-octet AS
 * specific, non-transitive), sub-type 0x04, the AS (AS_TRANS when it
 * needs four octets) and the bandwidth in bytes per second as an IEEE 754
 * single, big-endian: the form FRR weighs multipath next hops by.
 */
void
bgp_link_bandwidth(uint8_t out[8], uint32_t as, uint64_t bps)
{
	union { float f; uint32_t u; } bw;

	if (as > 65535)
		as = BGP_AS_TRANS;
	bw.f = (float)bps / 8;
	out[0] = 0x40;
	out[1] = 0x04;
	out[2] = (uint8_t)(as >> 8);
	out[3] = (uint8_t)as;
	bgp_put32(out + 4, bw.u);
}

/* The attributes, in type order (RFC 4271 5); p has attrs_size(). */
static uint8_t *
put_attrs(uint8_t *p, const struct bgp_codec *codec,
    const struct bgp_attrs *a, int v4)
{
	size_t		 i;

	p = put_attr_hdr(p, WK, BGP_ATTR_ORIGIN, 1);
	*p++ = a->origin;
	p = put_aspath(p, a, WK, BGP_ATTR_AS_PATH, codec->as4 ? 4 : 2, 1);
	if (v4) {
		p = put_attr_hdr(p, WK, BGP_ATTR_NEXT_HOP, 4);
		memcpy(p, &a->nexthop, 4);
		p += 4;
	}
	if (a->has & BGP_A_MED) {
		p = put_attr_hdr(p, OPT, BGP_ATTR_MED, 4);
		p = bgp_put32(p, a->med);
	}
	if ((a->has & BGP_A_LOCAL_PREF) && codec->ibgp) {   /* 5.1.5 */
		p = put_attr_hdr(p, WK, BGP_ATTR_LOCAL_PREF, 4);
		p = bgp_put32(p, a->localpref);
	}
	if (a->ncommunities > 0) {			/* RFC 1997 */
		p = put_attr_hdr(p, OPT_T, BGP_ATTR_COMMUNITIES,
		    4 * a->ncommunities);
		for (i = 0; i < a->ncommunities; i++)
			p = bgp_put32(p, a->communities[i]);
	}
	if (a->ext_comm && a->next_comm > 0) {		/* RFC 4360 */
		p = put_attr_hdr(p, OPT_T, BGP_ATTR_EXT_COMMUNITIES,
		    8 * a->next_comm);
		memcpy(p, a->ext_comm, 8 * a->next_comm);
		p += 8 * a->next_comm;
	}
	if (need_as4_path(codec, a))
		p = put_aspath(p, a, OPT_T, BGP_ATTR_AS4_PATH, 4, 0);
	if (a->nlcommunities > 0) {			/* RFC 8092 3 */
		p = put_attr_hdr(p, OPT_T, BGP_ATTR_LARGE_COMMUNITIES,
		    12 * a->nlcommunities);
		for (i = 0; i < a->nlcommunities; i++) {
			p = bgp_put32(p, a->lcommunities[i].global);
			p = bgp_put32(p, a->lcommunities[i].local1);
			p = bgp_put32(p, a->lcommunities[i].local2);
		}
	}
	return p;
}

/* Fill p with prefixes of family af from pfx while the message fits. */
static uint8_t *
pack(uint8_t *p, const uint8_t *end, int af, const struct prefix *pfx,
    size_t n, size_t *used)
{
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (pfx_af(&pfx[i]) != af ||
		    pfx_size(&pfx[i]) > (size_t)(end - p))
			break;
		p = put_prefix(p, &pfx[i]);
	}
	*used = i;
	return p;
}

static size_t
msg_limit(size_t buflen)
{
	return buflen < BGP_MAX_MSG_LEN ? buflen : BGP_MAX_MSG_LEN;
}

/* IPv4: attributes, NEXT_HOP, prefixes in the NLRI field (4.3). */
static int
encode_v4(uint8_t *buf, size_t limit, const struct bgp_codec *codec,
    const struct bgp_attrs *a, const struct prefix *pfx, size_t n,
    size_t *used)
{
	size_t		 alen = attrs_size(codec, a, 1);
	uint8_t		*p;

	if (!(a->has & BGP_A_NEXT_HOP) || a->nexthop.s_addr == INADDR_ANY ||
	    BGP_UPDATE_MIN_LEN + alen + pfx_size(pfx) > limit)
		return -1;
	p = bgp_put16(buf + BGP_HEADER_LEN, 0);
	p = bgp_put16(p, (uint16_t)alen);
	p = put_attrs(p, codec, a, 1);
	p = pack(p, buf + limit, BGP_AF_IPV4, pfx, n, used);
	bgp_msg_put_header(buf, (uint16_t)(p - buf), BGP_UPDATE);
	return (int)(p - buf);
}

/*
 * Close an MP_(UN)REACH_NLRI whose value was written after a 4-octet
 * header at mp: shift it down one octet when a 1-octet length will do.
 * Returns the end of the attribute.
 */
static uint8_t *
mp_close(uint8_t *mp, uint8_t type, uint8_t *end)
{
	size_t		 vlen = (size_t)(end - (mp + 4));

	if (vlen <= 255)
		memmove(mp + 3, mp + 4, vlen);
	return put_attr_hdr(mp, OPT, type, vlen) + vlen;
}

static int
v6_nexthop_ok(const struct bgp_attrs *a)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	if (!(a->has & BGP_A_NEXT_HOP6) ||
	    memcmp(&a->nexthop6, &any, sizeof(any)) == 0)
		return 0;
	/* RFC 2545 3: the second address is link-local. */
	return !(a->has & BGP_A_NEXT_HOP6_LL) ||
	    IN6_IS_ADDR_LINKLOCAL(&a->nexthop6_ll);
}

/* IPv6: MP_REACH_NLRI first (RFC 7606 5.1), then the attributes. */
static int
encode_v6(uint8_t *buf, size_t limit, const struct bgp_codec *codec,
    const struct bgp_attrs *a, const struct prefix *pfx, size_t n,
    size_t *used)
{
	uint8_t		 rest[BGP_MAX_MSG_LEN], *p, *mp;
	size_t		 rlen = attrs_size(codec, a, 0), nhlen;

	nhlen = (a->has & BGP_A_NEXT_HOP6_LL) ? 32 : 16;
	if (!v6_nexthop_ok(a) || BGP_UPDATE_MIN_LEN + 4 + 5 + nhlen + rlen +
	    pfx_size(pfx) > limit)
		return -1;
	put_attrs(rest, codec, a, 0);
	mp = buf + BGP_UPDATE_MIN_LEN;
	p = bgp_put16(mp + 4, BGP_AFI_IPV6);		/* RFC 4760 3 */
	*p++ = BGP_SAFI_UNICAST;
	*p++ = (uint8_t)nhlen;
	memcpy(p, &a->nexthop6, 16);
	if (nhlen == 32)
		memcpy(p + 16, &a->nexthop6_ll, 16);
	p += nhlen;
	*p++ = 0;					/* Reserved */
	p = pack(p, buf + limit - rlen, BGP_AF_IPV6, pfx, n, used);
	p = mp_close(mp, BGP_ATTR_MP_REACH_NLRI, p);
	memcpy(p, rest, rlen);
	p += rlen;
	bgp_put16(buf + BGP_HEADER_LEN, 0);
	bgp_put16(buf + BGP_HEADER_LEN + 2,
	    (uint16_t)(p - buf - BGP_UPDATE_MIN_LEN));
	bgp_msg_put_header(buf, (uint16_t)(p - buf), BGP_UPDATE);
	return (int)(p - buf);
}

int
bgp_msg_encode_update(uint8_t *buf, size_t buflen,
    const struct bgp_codec *codec, const struct bgp_attrs *a,
    const struct prefix *pfx, size_t n, size_t *used)
{
	size_t		 limit = msg_limit(buflen);

	*used = 0;
	/* No attribute set can be that long; keeps the sums below small. */
	if (a->aspath_nas > BGP_MAX_MSG_LEN || a->aspath_nseg >
	    BGP_MAX_MSG_LEN || a->ncommunities > BGP_MAX_MSG_LEN ||
	    a->nlcommunities > BGP_MAX_MSG_LEN)
		return -1;
	if (n == 0 || pfx_af(pfx) == -1 || !attrs_valid(a))
		return -1;
	if (pfx_af(pfx) == BGP_AF_IPV4)
		return encode_v4(buf, limit, codec, a, pfx, n, used);
	return encode_v6(buf, limit, codec, a, pfx, n, used);
}

int
bgp_msg_encode_withdraw(uint8_t *buf, size_t buflen,
    const struct prefix *pfx, size_t n, size_t *used)
{
	size_t		 limit = msg_limit(buflen);
	uint8_t		*p, *mp;

	*used = 0;
	if (n == 0 || pfx_af(pfx) == -1 || BGP_UPDATE_MIN_LEN + pfx_size(pfx) +
	    (pfx_af(pfx) == BGP_AF_IPV4 ? 0 : 4 + 3) > limit)
		return -1;
	if (pfx_af(pfx) == BGP_AF_IPV4) {	/* Withdrawn Routes (4.3) */
		p = pack(buf + BGP_HEADER_LEN + 2, buf + limit - 2,
		    BGP_AF_IPV4, pfx, n, used);
		bgp_put16(buf + BGP_HEADER_LEN,
		    (uint16_t)(p - buf - BGP_HEADER_LEN - 2));
		p = bgp_put16(p, 0);
	} else {				/* MP_UNREACH_NLRI (4760 4) */
		mp = buf + BGP_UPDATE_MIN_LEN;
		p = bgp_put16(mp + 4, BGP_AFI_IPV6);
		*p++ = BGP_SAFI_UNICAST;
		p = pack(p, buf + limit, BGP_AF_IPV6, pfx, n, used);
		p = mp_close(mp, BGP_ATTR_MP_UNREACH_NLRI, p);
		bgp_put16(buf + BGP_HEADER_LEN, 0);
		bgp_put16(buf + BGP_HEADER_LEN + 2,
		    (uint16_t)(p - buf - BGP_UPDATE_MIN_LEN));
	}
	bgp_msg_put_header(buf, (uint16_t)(p - buf), BGP_UPDATE);
	return (int)(p - buf);
}

/* RFC 4724 2: an empty UPDATE for IPv4, an empty MP_UNREACH otherwise. */
int
bgp_msg_encode_eor(uint8_t *buf, size_t buflen, uint16_t afi)
{
	size_t		 len = BGP_UPDATE_MIN_LEN;
	uint8_t		*p;

	if (afi != BGP_AFI_IPV4)
		len += 6;
	if (buflen < len)
		return -1;
	bgp_msg_put_header(buf, (uint16_t)len, BGP_UPDATE);
	p = bgp_put16(buf + BGP_HEADER_LEN, 0);
	p = bgp_put16(p, (uint16_t)(len - BGP_UPDATE_MIN_LEN));
	if (afi != BGP_AFI_IPV4) {
		p = put_attr_hdr(p, OPT, BGP_ATTR_MP_UNREACH_NLRI, 3);
		p = bgp_put16(p, afi);
		*p = BGP_SAFI_UNICAST;
	}
	return (int)len;
}

int
bgp_update_announce(const struct bgp_codec *codec, const struct bgp_attrs *a,
    const struct prefix *pfx, size_t n, bgp_emit_fn *emit, void *arg)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 used;
	int		 len;

	while (n > 0) {
		len = bgp_msg_encode_update(buf, sizeof(buf), codec, a, pfx, n,
		    &used);
		if (len == -1 || used == 0 || emit(arg, buf, (size_t)len) != 0)
			return -1;
		pfx += used;
		n -= used;
	}
	return 0;
}

int
bgp_update_withdraw(const struct prefix *pfx, size_t n, bgp_emit_fn *emit,
    void *arg)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 used;
	int		 len;

	while (n > 0) {
		len = bgp_msg_encode_withdraw(buf, sizeof(buf), pfx, n, &used);
		if (len == -1 || used == 0 || emit(arg, buf, (size_t)len) != 0)
			return -1;
		pfx += used;
		n -= used;
	}
	return 0;
}

/* --- Decoding --------------------------------------------------------- */

struct nlri_field {
	const uint8_t	*p;
	size_t		 len;
	int		 af;		/* -1: none, or not ours */
};

struct upd_ctx {
	const struct bgp_codec	*codec;
	struct bgp_update	*u;
	const uint8_t		*attr;		/* the attribute being read */
	size_t			 attrlen;	/* with its header */
	uint8_t			 seen[256 / 8];
	struct nlri_field	 wd, nlri, reach, unreach;
	int			 reach_seen;	/* MP_REACH_NLRI, any AFI */
	size_t			 nseg4, nas4;	/* AS4_PATH, when valid */
	uint32_t		 agg4_as;	/* AS4_AGGREGATOR, when valid */
	struct in_addr		 agg4_id;
	int			 has_agg4;
};

/* Record an error; the strongest verdict wins, then the first error. */
static void
judge(struct upd_ctx *c, enum bgp_verdict v, uint8_t subcode,
    const uint8_t *data, size_t len)
{
	struct bgp_update *u = c->u;

	if (v == BGP_UPD_TREAT_AS_WITHDRAW)
		u->taw = 1;
	if (v > u->verdict || u->err.code == 0)
		bgp_error_set(&u->err, BGP_ERR_UPDATE, subcode, data, len);
	if (v > u->verdict)
		u->verdict = v;
}

/* RFC 7606 7.11 / RFC 4760 7: give up on one AFI/SAFI, if we can tell. */
static void
mp_disable(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct bgp_update *u = c->u;
	uint16_t	 afi;

	if (len < 3) {
		judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_OPTATTR, c->attr,
		    c->attrlen);
		return;
	}
	afi = bgp_get16(v);
	if (u->verdict == BGP_UPD_AFI_DISABLE &&
	    (u->disabled_afi != afi || u->disabled_safi != v[2])) {
		judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_OPTATTR, c->attr,
		    c->attrlen);
		return;
	}
	judge(c, BGP_UPD_AFI_DISABLE, BGP_ERR_UPD_OPTATTR, c->attr,
	    c->attrlen);
	if (u->verdict == BGP_UPD_AFI_DISABLE) {
		u->disabled_afi = afi;
		u->disabled_safi = v[2];
	}
}

/*
 * Parsers of each attribute's value.  Each returns 0, or the UPDATE
 * error subcode saying why the attribute is malformed; they fill
 * u->attrs only once the value is known good.
 */

static int
parse_origin(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	if (len != 1)
		return BGP_ERR_UPD_LENGTH;
	if (v[0] > BGP_ORIGIN_INCOMPLETE)		/* 7606 7.1 */
		return BGP_ERR_UPD_ORIGIN;
	c->u->attrs.origin = v[0];
	c->u->attrs.has |= BGP_A_ORIGIN;
	return 0;
}

struct aspath_out {
	struct bgp_asseg *seg;
	size_t		 maxseg, nseg;
	uint32_t	*as;
	size_t		 maxas, nas;
};

/*
 * AS path segments (RFC 4271 4.3).  Malformed (RFC 7606 7.2): unknown
 * segment type, zero count, overrun, a lone trailing octet; AS 0 (RFC
 * 7607); confederation segments unless confeds (RFC 5065 5).
 */
static int
parse_segs(const uint8_t *v, size_t len, size_t asz, int confeds,
    struct aspath_out *o)
{
	size_t		 i, cnt;

	o->nseg = o->nas = 0;
	while (len > 0) {
		if (len < 2 || v[0] < BGP_ASSEG_SET ||
		    v[0] > BGP_ASSEG_CONFED_SET || (cnt = v[1]) == 0)
			return -1;
		if ((!confeds && v[0] > BGP_ASSEG_SEQUENCE) ||
		    cnt * asz > len - 2 || o->nseg == o->maxseg ||
		    cnt > o->maxas - o->nas)
			return -1;
		o->seg[o->nseg].type = v[0];
		o->seg[o->nseg++].count = (uint8_t)cnt;
		for (i = 0; i < cnt; i++) {
			o->as[o->nas] = asz == 4 ? bgp_get32(v + 2 + 4 * i) :
			    bgp_get16(v + 2 + 2 * i);
			if (o->as[o->nas++] == 0)
				return -1;
		}
		v += 2 + cnt * asz;
		len -= 2 + cnt * asz;
	}
	return 0;
}

static int
parse_aspath(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct bgp_update *u = c->u;
	struct aspath_out o = { u->store.seg, BGP_MAX_ASSEG, 0,
	    u->store.as, BGP_MAX_AS, 0 };

	if (parse_segs(v, len, c->codec->as4 ? 4 : 2, c->codec->ibgp,
	    &o) == -1)
		return BGP_ERR_UPD_ASPATH;
	u->attrs.aspath_seg = u->store.seg;
	u->attrs.aspath_nseg = o.nseg;
	u->attrs.aspath_as = u->store.as;
	u->attrs.aspath_nas = o.nas;
	u->attrs.has |= BGP_A_AS_PATH;
	return 0;
}

static int
parse_nexthop(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	if (len != 4)					/* 7606 7.3 */
		return BGP_ERR_UPD_LENGTH;
	memcpy(&c->u->attrs.nexthop, v, 4);
	c->u->attrs.has |= BGP_A_NEXT_HOP;
	return 0;
}

static int
parse_u32(struct upd_ctx *c, const uint8_t *v, size_t len, uint32_t *dst,
    uint32_t bit)
{
	if (len != 4)				/* 7606 7.4, 7.5, 7.9 */
		return BGP_ERR_UPD_LENGTH;
	*dst = bgp_get32(v);
	c->u->attrs.has |= bit;
	return 0;
}

static int
parse_med(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	return parse_u32(c, v, len, &c->u->attrs.med, BGP_A_MED);
}

static int
parse_localpref(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	return parse_u32(c, v, len, &c->u->attrs.localpref,
	    BGP_A_LOCAL_PREF);
}

static int
parse_originator(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	uint32_t	 id;
	int		 r;

	if ((r = parse_u32(c, v, len, &id, BGP_A_ORIGINATOR_ID)) == 0)
		c->u->attrs.originator_id.s_addr = htonl(id);
	return r;
}

static int
parse_atomic(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	(void)v;
	if (len != 0)					/* 7606 7.6 */
		return BGP_ERR_UPD_LENGTH;
	c->u->attrs.has |= BGP_A_ATOMIC_AGG;
	return 0;
}

static int
parse_aggregator(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	size_t		 asz = c->codec->as4 ? 4 : 2;
	uint32_t	 as;

	if (len != asz + 4)				/* 7606 7.7 */
		return BGP_ERR_UPD_LENGTH;
	as = asz == 4 ? bgp_get32(v) : bgp_get16(v);
	if (as == 0)					/* RFC 7607 2 */
		return BGP_ERR_UPD_OPTATTR;
	c->u->attrs.aggregator_as = as;
	memcpy(&c->u->attrs.aggregator_id, v + asz, 4);
	c->u->attrs.has |= BGP_A_AGGREGATOR;
	return 0;
}

static int
parse_communities(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct bgp_update *u = c->u;
	size_t		 i;

	/* 7606 7.8: a non-zero multiple of 4 */
	if (len == 0 || len % 4 != 0 || len / 4 > BGP_MAX_COMMUNITIES)
		return BGP_ERR_UPD_LENGTH;
	for (i = 0; i < len / 4; i++)
		u->store.comm[i] = bgp_get32(v + 4 * i);
	u->attrs.communities = u->store.comm;
	u->attrs.ncommunities = len / 4;
	u->attrs.has |= BGP_A_COMMUNITIES;
	return 0;
}

/* An attribute kept only as its count of UNIT-byte items, of which
 * RFC 7606 wants a non-zero number. */
static int
count_items(struct upd_ctx *c, size_t len, size_t unit, size_t *n,
    uint32_t flag)
{
	if (len == 0 || len % unit != 0)
		return BGP_ERR_UPD_LENGTH;
	*n = len / unit;
	c->u->attrs.has |= flag;
	return 0;
}

static int
parse_cluster(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	(void)v;					/* 7606 7.10 */
	return count_items(c, len, 4, &c->u->attrs.ncluster,
	    BGP_A_CLUSTER_LIST);
}

static int
parse_extcomm(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	(void)v;					/* 7606 7.14 */
	return count_items(c, len, 8, &c->u->attrs.next_comm, BGP_A_EXT_COMM);
}

static int
parse_lcomm(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct bgp_update *u = c->u;
	size_t		 i;

	/* RFC 8092 5 / 7606: a non-zero multiple of 12 */
	if (len == 0 || len % 12 != 0 || len / 12 > BGP_MAX_LCOMMUNITIES)
		return BGP_ERR_UPD_LENGTH;
	for (i = 0; i < len / 12; i++) {
		u->store.lcomm[i].global = bgp_get32(v + 12 * i);
		u->store.lcomm[i].local1 = bgp_get32(v + 12 * i + 4);
		u->store.lcomm[i].local2 = bgp_get32(v + 12 * i + 8);
	}
	u->attrs.lcommunities = u->store.lcomm;
	u->attrs.nlcommunities = len / 12;
	u->attrs.has |= BGP_A_LARGE_COMM;
	return 0;
}

/* RFC 6793 4.1: a NEW speaker discards AS4_* from a NEW speaker. */
static int
parse_as4path(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct aspath_out o = { c->u->store.seg4, BGP_MAX_AS4SEG, 0,
	    c->u->store.as4, BGP_MAX_AS4, 0 };

	if (c->codec->as4) {
		c->u->discarded++;
		return 0;
	}
	/* RFC 6793 6: no confederation segments; empty is malformed. */
	if (len == 0 || parse_segs(v, len, 4, 0, &o) == -1)
		return BGP_ERR_UPD_OPTATTR;
	c->nseg4 = o.nseg;
	c->nas4 = o.nas;
	return 0;
}

static int
parse_as4agg(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	if (c->codec->as4) {
		c->u->discarded++;
		return 0;
	}
	if (len != 8 || bgp_get32(v) == 0)		/* RFC 6793 6 */
		return BGP_ERR_UPD_OPTATTR;
	c->agg4_as = bgp_get32(v);
	memcpy(&c->agg4_id, v + 4, 4);
	c->has_agg4 = 1;
	return 0;
}

/* RFC 4760 3: AFI, SAFI, next hop length and address, reserved, NLRI. */
static int
parse_mp_reach(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	struct bgp_update *u = c->u;
	struct in6_addr	 ll;
	size_t		 nhl;
	uint32_t	 n;
	int		 af;

	c->reach_seen = 1;
	if (len < 5 || (nhl = v[3]) > len - 5)
		return BGP_ERR_UPD_OPTATTR;
	if ((af = af_of(bgp_get16(v), v[2])) == -1) {
		u->mp_other++;
		return 0;
	}
	/* 7606 7.11: the next hop length must be what the AFI implies. */
	if ((af == BGP_AF_IPV4 && nhl != 4) ||
	    (af == BGP_AF_IPV6 && nhl != 16 && nhl != 32))
		return BGP_ERR_UPD_OPTATTR;
	if (nlri_count(v + 5 + nhl, len - 5 - nhl, af, &n) == -1)
		return BGP_ERR_UPD_OPTATTR;
	if (af == BGP_AF_IPV6) {
		memcpy(&u->attrs.nexthop6, v + 4, 16);
		u->attrs.has |= BGP_A_NEXT_HOP6;
		/* RFC 2545 3: a second address, if link-local. */
		if (nhl == 32) {
			memcpy(&ll, v + 20, 16);
			if (IN6_IS_ADDR_LINKLOCAL(&ll)) {
				u->attrs.nexthop6_ll = ll;
				u->attrs.has |= BGP_A_NEXT_HOP6_LL;
			}
		}
	}
	c->reach = (struct nlri_field){ v + 5 + nhl, len - 5 - nhl, af };
	u->announced[af] += n;
	return 0;
}

/* RFC 4760 4: AFI, SAFI, withdrawn routes. */
static int
parse_mp_unreach(struct upd_ctx *c, const uint8_t *v, size_t len)
{
	uint32_t	 n;
	int		 af;

	if (len < 3)
		return BGP_ERR_UPD_OPTATTR;
	if ((af = af_of(bgp_get16(v), v[2])) == -1) {
		c->u->mp_other++;
		return 0;
	}
	if (nlri_count(v + 3, len - 3, af, &n) == -1)
		return BGP_ERR_UPD_OPTATTR;
	c->unreach = (struct nlri_field){ v + 3, len - 3, af };
	c->u->withdrawn[af] += n;
	return 0;
}

enum { ON_TAW, ON_DISCARD, ON_MP };

/* What each known attribute must look like and costs when it does not. */
static const struct attr_rule {
	int		(*parse)(struct upd_ctx *, const uint8_t *, size_t);
	uint8_t		 flags;		/* its Optional and Transitive bits */
	uint8_t		 on_error;	/* RFC 7606 7 */
	uint8_t		 ibgp_only;	/* else discard: 7606 7.5, 7.9, 7.10 */
} rules[] = {
	[BGP_ATTR_ORIGIN] = { parse_origin, WK, ON_TAW, 0 },
	[BGP_ATTR_AS_PATH] = { parse_aspath, WK, ON_TAW, 0 },
	[BGP_ATTR_NEXT_HOP] = { parse_nexthop, WK, ON_TAW, 0 },
	[BGP_ATTR_MED] = { parse_med, OPT, ON_TAW, 0 },
	[BGP_ATTR_LOCAL_PREF] = { parse_localpref, WK, ON_TAW, 1 },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { parse_atomic, WK, ON_DISCARD, 0 },
	[BGP_ATTR_AGGREGATOR] = { parse_aggregator, OPT_T, ON_DISCARD, 0 },
	[BGP_ATTR_COMMUNITIES] = { parse_communities, OPT_T, ON_TAW, 0 },
	[BGP_ATTR_ORIGINATOR_ID] = { parse_originator, OPT, ON_TAW, 1 },
	[BGP_ATTR_CLUSTER_LIST] = { parse_cluster, OPT, ON_TAW, 1 },
	[BGP_ATTR_MP_REACH_NLRI] = { parse_mp_reach, OPT, ON_MP, 0 },
	[BGP_ATTR_MP_UNREACH_NLRI] = { parse_mp_unreach, OPT, ON_MP, 0 },
	[BGP_ATTR_EXT_COMMUNITIES] = { parse_extcomm, OPT_T, ON_TAW, 0 },
	[BGP_ATTR_AS4_PATH] = { parse_as4path, OPT_T, ON_DISCARD, 0 },
	[BGP_ATTR_AS4_AGGREGATOR] = { parse_as4agg, OPT_T, ON_DISCARD, 0 },
	[BGP_ATTR_LARGE_COMMUNITIES] = { parse_lcomm, OPT_T, ON_TAW, 0 },
};

static void
malformed(struct upd_ctx *c, const struct attr_rule *r, uint8_t subcode,
    const uint8_t *v, size_t len)
{
	switch (r->on_error) {
	case ON_TAW:
		judge(c, BGP_UPD_TREAT_AS_WITHDRAW, subcode, c->attr,
		    c->attrlen);
		break;
	case ON_DISCARD:
		c->u->discarded++;
		break;
	default:
		mp_disable(c, v, len);
		break;
	}
}

static int
is_mp(uint8_t type)
{
	return type == BGP_ATTR_MP_REACH_NLRI ||
	    type == BGP_ATTR_MP_UNREACH_NLRI;
}

/* One attribute whose header and length have been checked. */
static void
one_attr(struct upd_ctx *c, uint8_t flags, uint8_t type, const uint8_t *v,
    size_t len)
{
	const struct attr_rule *r = NULL;
	int		 sub;

	if (c->seen[type / 8] & (1 << (type % 8))) {	/* 7606 3 g */
		if (is_mp(type))
			judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_ATTRLIST, NULL, 0);
		else
			c->u->discarded++;
		return;
	}
	c->seen[type / 8] |= 1 << (type % 8);
	if (type < sizeof(rules) / sizeof(rules[0]) && rules[type].parse)
		r = &rules[type];
	if (r == NULL) {
		/* RFC 4271 6.3; an unknown optional one is ignored (5). */
		if (!(flags & BGP_ATTR_F_OPTIONAL))
			judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_UNKNOWN_WK,
			    c->attr, c->attrlen);
		else
			c->u->unknown++;
		return;
	}
	/* RFC 4760 3: without IPv4 NLRI, NEXT_HOP is to be ignored. */
	if ((r->ibgp_only && !c->codec->ibgp) ||
	    (type == BGP_ATTR_NEXT_HOP && c->nlri.len == 0)) {
		c->u->discarded++;
		return;
	}
	if ((flags & OT_MASK) != r->flags)		/* 7606 3 c */
		malformed(c, r, BGP_ERR_UPD_FLAGS, v, len);
	else if ((sub = r->parse(c, v, len)) != 0)
		malformed(c, r, (uint8_t)sub, v, len);
}

/* The path attributes; framing errors per RFC 7606 4. */
static void
parse_attrs(struct upd_ctx *c, const uint8_t *p, size_t len)
{
	size_t		 hl, alen;

	while (len > 0 && c->u->verdict != BGP_UPD_NOTIFY) {
		hl = (p[0] & BGP_ATTR_F_EXTLEN) ? 4 : 3;
		if (len < hl) {
			judge(c, BGP_UPD_TREAT_AS_WITHDRAW,
			    BGP_ERR_UPD_ATTRLIST, NULL, 0);
			return;
		}
		alen = hl == 4 ? bgp_get16(p + 2) : p[2];
		if (alen > len - hl) {
			judge(c, is_mp(p[1]) ? BGP_UPD_NOTIFY :
			    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ATTRLIST,
			    NULL, 0);
			return;
		}
		c->attr = p;
		c->attrlen = hl + alen;
		one_attr(c, p[0], p[1], p + hl, alen);
		p += hl + alen;
		len -= hl + alen;
	}
}

/*
 * The three parts of an UPDATE (RFC 4271 4.3) and the syntax of its
 * IPv4 prefixes.  -1 when the session must be reset.
 */
static int
split_update(struct upd_ctx *c, const uint8_t *buf, size_t len,
    const uint8_t **attrs, size_t *alen)
{
	const uint8_t	*p = buf + BGP_HEADER_LEN;
	size_t		 rest = len - BGP_UPDATE_MIN_LEN, wlen;
	uint32_t	 n;

	wlen = bgp_get16(p);
	if (wlen > rest)
		goto attrlist;
	c->wd = (struct nlri_field){ p + 2, wlen, BGP_AF_IPV4 };
	*alen = bgp_get16(p + 2 + wlen);
	if (*alen > rest - wlen)
		goto attrlist;
	*attrs = p + 4 + wlen;
	c->nlri = (struct nlri_field){ *attrs + *alen, rest - wlen - *alen,
	    BGP_AF_IPV4 };
	if (nlri_count(c->wd.p, c->wd.len, BGP_AF_IPV4, &n) == -1)
		goto network;
	c->u->withdrawn[BGP_AF_IPV4] += n;
	if (nlri_count(c->nlri.p, c->nlri.len, BGP_AF_IPV4, &n) == -1)
		goto network;
	c->u->announced[BGP_AF_IPV4] += n;
	return 0;
attrlist:
	judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_ATTRLIST, NULL, 0);
	return -1;
network:						/* 7606 5.3 */
	judge(c, BGP_UPD_NOTIFY, BGP_ERR_UPD_NETWORK, NULL, 0);
	return -1;
}

static void
merge_aggregator(struct upd_ctx *c)
{
	struct bgp_attrs *a = &c->u->attrs;

	if (!c->has_agg4)
		return;
	/* RFC 6793 4.2.3: AGGREGATOR not AS_TRANS means ignore both AS4_*. */
	if ((a->has & BGP_A_AGGREGATOR) && a->aggregator_as != BGP_AS_TRANS) {
		c->nseg4 = c->nas4 = 0;
		return;
	}
	if (a->has & BGP_A_AGGREGATOR) {
		a->aggregator_as = c->agg4_as;
		a->aggregator_id = c->agg4_id;
	}
}

/* AS numbers as RFC 6793 4.2.3 counts them: a set is one, confeds none. */
static size_t
path_units(const struct bgp_asseg *seg, size_t nseg)
{
	size_t		 i, n = 0;

	for (i = 0; i < nseg; i++)
		if (seg[i].type == BGP_ASSEG_SET)
			n++;
		else if (seg[i].type == BGP_ASSEG_SEQUENCE)
			n += seg[i].count;
	return n;
}

/*
 * RFC 6793 4.2.3: from a 2-octet peer, the leading part of AS_PATH
 * followed by AS4_PATH, as many AS numbers as AS_PATH has.
 */
static void
merge_as4_path(struct upd_ctx *c)
{
	struct bgp_update *u = c->u;
	size_t		 need, n2, i, nseg = 0, nas = 0, take;

	merge_aggregator(c);
	if (c->nseg4 == 0 || !(u->attrs.has & BGP_A_AS_PATH))
		return;
	n2 = path_units(u->store.seg, u->attrs.aspath_nseg);
	if (n2 < path_units(u->store.seg4, c->nseg4))
		return;
	need = n2 - path_units(u->store.seg4, c->nseg4);
	for (i = 0; i < u->attrs.aspath_nseg; i++) {
		if (need == 0 && u->store.seg[i].type <= BGP_ASSEG_SEQUENCE)
			break;
		take = u->store.seg[i].count;
		if (u->store.seg[i].type == BGP_ASSEG_SET)
			need--;
		else if (u->store.seg[i].type == BGP_ASSEG_SEQUENCE) {
			take = take < need ? take : need;
			need -= take;
		}
		u->store.seg[nseg].type = u->store.seg[i].type;
		u->store.seg[nseg++].count = (uint8_t)take;
		nas += take;
	}
	/* Cannot overflow: both paths came from one 4096-octet message. */
	if (nseg + c->nseg4 > BGP_MAX_ASSEG || nas + c->nas4 > BGP_MAX_AS)
		return;
	memcpy(u->store.seg + nseg, u->store.seg4,
	    c->nseg4 * sizeof(u->store.seg4[0]));
	memcpy(u->store.as + nas, u->store.as4,
	    c->nas4 * sizeof(u->store.as4[0]));
	u->attrs.aspath_nseg = nseg + c->nseg4;
	u->attrs.aspath_nas = nas + c->nas4;
}

/* RFC 7606 7.3: a martian NEXT_HOP makes the routes unusable. */
static int
martian4(struct in_addr a)
{
	uint32_t	 h = ntohl(a.s_addr);

	return (h >> 24) == 0 || (h >> 24) == 127 || h >= 0xe0000000U;
}

/* Checks over the whole message, once every attribute is read. */
static void
check_whole(struct upd_ctx *c)
{
	struct bgp_attrs *a = &c->u->attrs;
	uint8_t		 t;

	if (!c->codec->as4)
		merge_as4_path(c);
	if (c->nlri.len == 0 && !c->reach_seen)
		return;
	/* 7606 3 d: missing well-known mandatory attribute. */
	if (!(a->has & BGP_A_ORIGIN) || !(a->has & BGP_A_AS_PATH) ||
	    (c->nlri.len > 0 && !(a->has & BGP_A_NEXT_HOP))) {
		t = !(a->has & BGP_A_ORIGIN) ? BGP_ATTR_ORIGIN :
		    !(a->has & BGP_A_AS_PATH) ? BGP_ATTR_AS_PATH :
		    BGP_ATTR_NEXT_HOP;
		judge(c, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_MISSING_WK,
		    &t, 1);
	}
	if (c->nlri.len > 0 && (a->has & BGP_A_NEXT_HOP) &&
	    martian4(a->nexthop))
		judge(c, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_NEXTHOP,
		    (const uint8_t *)&a->nexthop, 4);
}

/* Tell the caller each prefix and what it now means. */
static void
report(struct upd_ctx *c, bgp_prefix_fn *cb, void *arg)
{
	struct bgp_update *u = c->u;
	int		 off = -1;

	if (u->verdict == BGP_UPD_AFI_DISABLE)
		off = af_of(u->disabled_afi, u->disabled_safi);
	if (off != BGP_AF_IPV4)
		nlri_report(c->wd.p, c->wd.len, BGP_AF_IPV4, 1, cb, arg);
	if (c->unreach.len > 0 && c->unreach.af != off)
		nlri_report(c->unreach.p, c->unreach.len, c->unreach.af, 1,
		    cb, arg);
	if (c->reach.len > 0 && c->reach.af != off)
		nlri_report(c->reach.p, c->reach.len, c->reach.af, u->taw,
		    cb, arg);
	if (off != BGP_AF_IPV4)
		nlri_report(c->nlri.p, c->nlri.len, BGP_AF_IPV4, u->taw,
		    cb, arg);
}

enum bgp_verdict
bgp_msg_decode_update(const uint8_t *buf, size_t len,
    const struct bgp_codec *codec, struct bgp_update *u, bgp_prefix_fn *cb,
    void *arg)
{
	struct upd_ctx	 c;
	const uint8_t	*attrs = NULL;
	size_t		 alen = 0;

	/* The storage is written before it is read: no need to clear it. */
	memset(u, 0, offsetof(struct bgp_update, store));
	memset(&c, 0, sizeof(c));
	c.codec = codec;
	c.u = u;
	if (bgp_msg_check(buf, len, BGP_UPDATE, &u->err) == -1) {
		u->verdict = BGP_UPD_NOTIFY;
		return u->verdict;
	}
	if (split_update(&c, buf, len, &attrs, &alen) == -1)
		return u->verdict;
	parse_attrs(&c, attrs, alen);
	if (u->verdict != BGP_UPD_NOTIFY)
		check_whole(&c);
	if (u->verdict != BGP_UPD_NOTIFY && cb != NULL)
		report(&c, cb, arg);
	return u->verdict;
}
