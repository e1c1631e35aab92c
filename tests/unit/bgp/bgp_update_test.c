/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of src/bgp/bgp_update.c: UPDATE encoding (attributes, IPv4
 * NLRI, MP_REACH_NLRI / MP_UNREACH_NLRI, packing, AS4 for 2-octet peers)
 * against bytes written by hand from RFC 4271 4.3 and RFC 4760, decoding
 * of hand-written UPDATEs, every RFC 7606 verdict, and 100,000 prefixes
 * per family out and back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "bgp/bgp_msg.h"
#include "../test_hex.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

/* Common attributes in a 4-octet AS session: IGP, AS 65100, 198.51.100.10 */
#define ORIGIN_IGP	"40 01 01 00 "
#define PATH_65100	"40 02 06 02 01 0000fe4c "
#define NH_V4		"40 03 04 c633640a "
#define BASE		ORIGIN_IGP PATH_65100 NH_V4
#define NLRI_V4		"20 c0000235"		/* 192.0.2.53/32 */
#define V6_53		"20010db8 00000000 00000000 00000053 "
#define V6_1		"20010db8 00000000 00000000 00000001 "

static const struct bgp_codec ebgp4 = { 1, 0 };	/* as4, eBGP */
static const struct bgp_codec ibgp4 = { 1, 1 };
static const struct bgp_codec ebgp2 = { 0, 0 };	/* 2-octet peer */

static struct bgp_update upd;	/* large: keep it off the stack */


/* An UPDATE from its three parts in hex; the lengths are filled in. */
static size_t
mkupd(uint8_t *buf, const char *wd, const char *attrs, const char *nlri)
{
	size_t		 n = BGP_HEADER_LEN, w, a;

	w = hex(wd, buf + n + 2);
	bgp_put16(buf + n, (uint16_t)w);
	n += 2 + w;
	a = hex(attrs, buf + n + 2);
	bgp_put16(buf + n, (uint16_t)a);
	n += 2 + a;
	n += hex(nlri, buf + n);
	bgp_msg_put_header(buf, (uint16_t)n, BGP_UPDATE);
	return n;
}

static struct prefix
pfx(const char *s)
{
	struct prefix	 p;
	char		 a[64];
	const char	*slash = strchr(s, '/');

	memset(&p, 0, sizeof(p));
	assert_non_null(slash);
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	p.len = (uint8_t)atoi(slash + 1);
	p.addr.family = strchr(a, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(p.addr.family, a, &p.addr.u), 1);
	return p;
}

static int
pfx_eq(const struct prefix *a, const struct prefix *b)
{
	size_t		 n = a->addr.family == AF_INET ? 4 : 16;

	return a->addr.family == b->addr.family && a->len == b->len &&
	    memcmp(&a->addr.u, &b->addr.u, n) == 0;
}

/* Prefixes reported by the decoder. */
struct seen {
	size_t		 n;
	struct prefix	 p[64];
	int		 wd[64];
};

static void
collect(void *arg, int withdraw, const struct prefix *p)
{
	struct seen	*s = arg;

	assert_true(s->n < 64);
	s->p[s->n] = *p;
	s->wd[s->n++] = withdraw;
}

static enum bgp_verdict
decode(const uint8_t *buf, size_t n, const struct bgp_codec *c,
    struct seen *s)
{
	if (s != NULL)
		memset(s, 0, sizeof(*s));
	return bgp_msg_decode_update(buf, n, c, &upd, s ? collect : NULL, s);
}

/* Decode attributes (and NLRI) in hex; check verdict and subcode. */
static void
verdict_is(const struct bgp_codec *c, const char *wd, const char *attrs,
    const char *nlri, enum bgp_verdict v, int subcode)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 n = mkupd(buf, wd, attrs, nlri);

	assert_int_equal(decode(buf, n, c, NULL), v);
	if (v != BGP_UPD_OK) {
		assert_int_equal(upd.err.code, BGP_ERR_UPDATE);
		assert_int_equal(upd.err.subcode, subcode);
	}
}

static void
basic_attrs(struct bgp_attrs *a)
{
	static const struct bgp_asseg seg = { BGP_ASSEG_SEQUENCE, 1 };
	static const uint32_t as = 65100;

	memset(a, 0, sizeof(*a));
	a->origin = BGP_ORIGIN_IGP;
	a->aspath_seg = &seg;
	a->aspath_nseg = 1;
	a->aspath_as = &as;
	a->aspath_nas = 1;
	a->has = BGP_A_NEXT_HOP | BGP_A_NEXT_HOP6;
	inet_pton(AF_INET, "198.51.100.10", &a->nexthop);
	inet_pton(AF_INET6, "2001:db8::1", &a->nexthop6);
}

/* --- Encoding --------------------------------------------------------- */

static void
test_encode_v4(void **state)
{
	static const uint32_t comm[] = { BGP_COMMUNITY(65100, 53),
	    BGP_COMM_GRACEFUL_SHUTDOWN };
	static const struct bgp_lcomm lc = { 65100, 1, 2 };
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_attrs a;
	struct prefix	 p = pfx("192.0.2.53/32");
	size_t		 used;
	int		 n;

	(void)state;
	basic_attrs(&a);
	a.has |= BGP_A_MED | BGP_A_LOCAL_PREF;
	a.med = 10;
	a.localpref = 100;
	a.communities = comm;
	a.ncommunities = 2;
	a.lcommunities = &lc;
	a.nlcommunities = 1;
	/* eBGP: no LOCAL_PREF (RFC 4271 5.1.5) */
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a, &p, 1, &used);
	assert_int_equal(used, 1);
	assert_bytes(buf, n, MARKER "0051 02 0000 0035"
	    "40 01 01 00"			/* ORIGIN IGP */
	    "40 02 06 02 01 0000fe4c"		/* AS_PATH (65100) */
	    "40 03 04 c633640a"			/* NEXT_HOP */
	    "80 04 04 0000000a"			/* MED 10 */
	    "c0 08 08 fe4c0035 ffff0000"	/* 65100:53 GRACEFUL_SHUTDOWN */
	    "c0 20 0c 0000fe4c 00000001 00000002"	/* 65100:1:2 */
	    "20 c0000235");

	/* iBGP, empty AS path, LOCAL_PREF between MED and COMMUNITIES */
	a.aspath_nseg = 0;
	a.aspath_nas = 0;
	n = bgp_msg_encode_update(buf, sizeof(buf), &ibgp4, &a, &p, 1, &used);
	assert_bytes(buf, n, MARKER "0052 02 0000 0036"
	    "40 01 01 00 40 02 00 40 03 04 c633640a 80 04 04 0000000a"
	    "40 05 04 00000064"
	    "c0 08 08 fe4c0035 ffff0000"
	    "c0 20 0c 0000fe4c 00000001 00000002"
	    "20 c0000235");
}

/* RFC 4360 extended communities, here the link bandwidth one. */
static void
test_encode_link_bandwidth(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN], lb[16];
	struct bgp_attrs a;
	struct prefix	 p = pfx("192.0.2.53/32");
	size_t		 used;
	int		 n;

	(void)state;
	bgp_link_bandwidth(lb, 65100, 30000000);	/* 3.75 MB/s */
	assert_bytes(lb, 8, "40 04 fe4c 4a64e1c0");
	bgp_link_bandwidth(lb + 8, 4200000001U, 1500000);
	assert_bytes(lb + 8, 8, "40 04 5ba0 48371b00");	/* AS_TRANS */
	basic_attrs(&a);
	a.has |= BGP_A_EXT_COMM;
	a.ext_comm = lb;
	a.next_comm = 2;
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a, &p, 1, &used);
	assert_int_equal(used, 1);
	assert_bytes(buf, n, MARKER "0043 02 0000 0027"
	    "40 01 01 00 40 02 06 02 01 0000fe4c 40 03 04 c633640a"
	    "c0 10 10 4004fe4c4a64e1c0 40045ba048371b00"
	    "20 c0000235");
}

static void
test_encode_as2(void **state)
{
	static const struct bgp_asseg seg = { BGP_ASSEG_SEQUENCE, 2 };
	static const uint32_t as[] = { 65100, 4200000000U };
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_attrs a;
	struct prefix	 p[2] = { pfx("192.0.2.53/32"),
	    pfx("198.51.100.7/24") };
	size_t		 used;
	int		 n;

	(void)state;
	basic_attrs(&a);
	a.aspath_seg = &seg;
	a.aspath_as = as;
	a.aspath_nas = 2;
	/* 2-octet peer: AS_TRANS in AS_PATH, the truth in AS4_PATH
	 * (RFC 6793 4.2.2); host bits of the /24 cleared */
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp2, &a, p, 2, &used);
	assert_int_equal(used, 2);
	assert_bytes(buf, n, MARKER "0041 02 0000 0021"
	    "40 01 01 00"
	    "40 02 06 02 02 fe4c 5ba0"
	    "40 03 04 c633640a"
	    "c0 11 0a 02 02 0000fe4c fa56ea00"
	    "20 c0000235 18 c63364");
	/* and it decodes back to the 4-octet path */
	assert_int_equal(decode(buf, (size_t)n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.attrs.aspath_nas, 2);
	assert_int_equal(upd.attrs.aspath_as[0], 65100);
	assert_int_equal(upd.attrs.aspath_as[1], 4200000000U);

	/* confederation segments stay out of AS4_PATH (RFC 6793 3) */
	{
		static const struct bgp_asseg cseg[2] = {
		    { BGP_ASSEG_CONFED_SEQ, 1 }, { BGP_ASSEG_SEQUENCE, 2 } };
		static const uint32_t cas[] = { 65000, 65100, 4200000000U };

		a.aspath_seg = cseg;
		a.aspath_nseg = 2;
		a.aspath_as = cas;
		a.aspath_nas = 3;
		n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp2, &a, p, 1,
		    &used);
		assert_bytes(buf, n, MARKER "0041 02 0000 0025"
		    "40 01 01 00"
		    "40 02 0a 03 01 fde8 02 02 fe4c 5ba0"
		    "40 03 04 c633640a"
		    "c0 11 0a 02 02 0000fe4c fa56ea00"
		    "20 c0000235");
	}

	/* only 2-octet ASNs: no AS4_PATH */
	basic_attrs(&a);
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp2, &a, p, 1, &used);
	assert_bytes(buf, n, MARKER "002e 02 0000 0012"
	    "40 01 01 00 40 02 04 02 01 fe4c 40 03 04 c633640a 20 c0000235");
}

static void
test_encode_v6(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_attrs a;
	struct prefix	 p[20];
	size_t		 used, i;
	int		 n;

	(void)state;
	basic_attrs(&a);
	a.has |= BGP_A_NEXT_HOP6_LL;
	inet_pton(AF_INET6, "fe80::1", &a.nexthop6_ll);
	p[0] = pfx("2001:db8::53/128");
	/* MP_REACH_NLRI first (RFC 7606 5.1), no NEXT_HOP (RFC 4760 3) */
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a, p, 1, &used);
	assert_bytes(buf, n, MARKER "005d 02 0000 0046"
	    "80 0e 36 0002 01 20" V6_1 "fe800000 00000000 00000000 00000001"
	    "00 80" V6_53
	    "40 01 01 00 40 02 06 02 01 0000fe4c");

	/* no link-local; a /32 */
	a.has &= ~BGP_A_NEXT_HOP6_LL;
	p[0] = pfx("2001:db8::/32");
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a, p, 1, &used);
	assert_bytes(buf, n, MARKER "0041 02 0000 002a"
	    "80 0e 1a 0002 01 10" V6_1 "00 20 20010db8"
	    "40 01 01 00 40 02 06 02 01 0000fe4c");

	/* 20 /128s: 361 octets of value, so Extended Length */
	for (i = 0; i < 20; i++) {
		p[i] = pfx("2001:db8::/128");
		p[i].addr.u.v6.s6_addr[15] = (uint8_t)i;
	}
	n = bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a, p, 20, &used);
	assert_int_equal(used, 20);
	assert_int_equal(n, 23 + 4 + 361 + 4 + 9);
	assert_bytes(buf + 19, 10, "0000 017a 90 0e 0169 0002");
	assert_bytes(buf + 27 + 361, 13,
	    "40 01 01 00 40 02 06 02 01 0000fe4c");
	assert_int_equal(decode(buf, (size_t)n, &ebgp4, NULL), BGP_UPD_OK);
	assert_int_equal(upd.announced[BGP_AF_IPV6], 20);
}

static void
test_encode_withdraw(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct prefix	 p[3] = { pfx("192.0.2.53/32"), pfx("10.1.2.3/8"),
	    pfx("2001:db8::53/128") };
	size_t		 used;
	int		 n;

	(void)state;
	/* IPv4 in Withdrawn Routes; the run stops at the IPv6 prefix */
	n = bgp_msg_encode_withdraw(buf, sizeof(buf), p, 3, &used);
	assert_int_equal(used, 2);
	assert_bytes(buf, n, MARKER "001e 02 0007 20 c0000235 08 0a 0000");
	/* host bits beyond the length are cleared: 10.255.1.1/12 */
	p[0] = pfx("10.255.1.1/12");
	n = bgp_msg_encode_withdraw(buf, sizeof(buf), p, 1, &used);
	assert_bytes(buf, n, MARKER "001a 02 0003 0c 0af0 0000");
	p[0] = pfx("192.0.2.53/32");
	/* IPv6 in MP_UNREACH_NLRI */
	n = bgp_msg_encode_withdraw(buf, sizeof(buf), p + 2, 1, &used);
	assert_int_equal(used, 1);
	assert_bytes(buf, n, MARKER "002e 02 0000 0017"
	    "80 0f 14 0002 01 80" V6_53);
	/* End-of-RIB (RFC 4724 2) */
	n = bgp_msg_encode_eor(buf, sizeof(buf), BGP_AFI_IPV4);
	assert_bytes(buf, n, MARKER "0017 02 0000 0000");
	n = bgp_msg_encode_eor(buf, sizeof(buf), BGP_AFI_IPV6);
	assert_bytes(buf, n, MARKER "001d 02 0000 0006 80 0f 03 0002 01");
	assert_int_equal(decode(buf, (size_t)n, &ebgp4, NULL), BGP_UPD_OK);
	assert_int_equal(bgp_msg_encode_eor(buf, 28, BGP_AFI_IPV6), -1);
	/* buffers too small for one prefix */
	assert_int_equal(bgp_msg_encode_withdraw(buf, 27, p, 1, &used), -1);
	assert_int_equal(bgp_msg_encode_withdraw(buf, 28, p, 1, &used), 28);
	assert_int_equal(bgp_msg_encode_withdraw(buf, 46, p + 2, 1, &used),
	    -1);
	assert_int_equal(bgp_msg_encode_withdraw(buf, 47, p + 2, 1, &used),
	    46);
}

static void
test_encode_refuses(void **state)
{
	static const struct bgp_asseg zero = { BGP_ASSEG_SEQUENCE, 0 };
	static const struct bgp_asseg bad = { 7, 1 };
	static const uint32_t as0 = 0;
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_attrs a;
	struct prefix	 p4 = pfx("192.0.2.53/32"), p6 = pfx("2001:db8::/64");
	struct prefix	 bad4 = p4;
	size_t		 used;

	(void)state;
	basic_attrs(&a);
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 0, &used), -1);
	bad4.len = 33;
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &bad4, 1, &used), -1);
	assert_int_equal(bgp_msg_encode_withdraw(buf, sizeof(buf), &bad4, 1,
	    &used), -1);
	a.origin = 3;
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.aspath_seg = &zero;
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	a.aspath_seg = &bad;
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.aspath_as = &as0;			/* RFC 7607 */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.aspath_nas = 2;			/* counts disagree */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.has = 0;				/* no next hops */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p6, 1, &used), -1);
	basic_attrs(&a);
	a.nexthop.s_addr = 0;
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.has |= BGP_A_NEXT_HOP6_LL;		/* :: is not link-local */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p6, 1, &used), -1);
	basic_attrs(&a);
	a.aspath_seg = NULL;			/* segments without an array */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	basic_attrs(&a);
	a.ncommunities = 1;			/* without an array */
	assert_int_equal(bgp_msg_encode_update(buf, sizeof(buf), &ebgp4, &a,
	    &p4, 1, &used), -1);
	/* a buffer too small for one prefix, and just enough */
	basic_attrs(&a);
	/* (IPv6 wants room for a 4-octet MP_REACH_NLRI header) */
	assert_int_equal(bgp_msg_encode_update(buf, 69, &ebgp4, &a, &p6, 1,
	    &used), -1);
	assert_int_equal(bgp_msg_encode_update(buf, 70, &ebgp4, &a, &p6, 1,
	    &used), 69);
	assert_int_equal(bgp_msg_encode_update(buf, 47, &ebgp4, &a, &p4, 1,
	    &used), -1);
	assert_int_equal(bgp_msg_encode_update(buf, 48, &ebgp4, &a, &p4, 1,
	    &used), 48);
}

/* --- Decoding --------------------------------------------------------- */

static void
test_decode_v4(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct seen	 s;
	struct prefix	 want = pfx("192.0.2.53/32");
	struct prefix	 gone = pfx("10.240.0.0/12");
	size_t		 n;

	(void)state;
	n = mkupd(buf, "0c 0aff",		/* 10.255/12: host bits */
	    BASE "80 04 04 0000000a 40 05 04 00000064"
	    "c0 07 08 0000fe4c 0a000001 40 06 00"
	    "c0 08 08 fe4c0035 ffff0000"
	    "c0 20 18 0000fe4c 00000001 00000002 00000001 00000000 ffffffff"
	    "c0 10 08 0002fe4c 00000001", NLRI_V4);
	assert_int_equal(decode(buf, n, &ibgp4, &s), BGP_UPD_OK);
	assert_int_equal(upd.err.code, 0);
	assert_int_equal(upd.announced[BGP_AF_IPV4], 1);
	assert_int_equal(upd.withdrawn[BGP_AF_IPV4], 1);
	assert_int_equal(upd.announced[BGP_AF_IPV6], 0);
	assert_int_equal(upd.attrs.origin, BGP_ORIGIN_IGP);
	assert_int_equal(upd.attrs.aspath_nseg, 1);
	assert_int_equal(upd.attrs.aspath_seg[0].type, BGP_ASSEG_SEQUENCE);
	assert_int_equal(upd.attrs.aspath_as[0], 65100);
	assert_int_equal(ntohl(upd.attrs.nexthop.s_addr), 0xc633640a);
	assert_int_equal(upd.attrs.med, 10);
	assert_int_equal(upd.attrs.localpref, 100);
	assert_int_equal(upd.attrs.aggregator_as, 65100);
	assert_int_equal(upd.attrs.ncommunities, 2);
	assert_int_equal(upd.attrs.communities[1], BGP_COMM_GRACEFUL_SHUTDOWN);
	assert_int_equal(upd.attrs.nlcommunities, 2);
	assert_int_equal(upd.attrs.lcommunities[1].local2, 0xffffffff);
	assert_int_equal(upd.attrs.next_comm, 1);
	assert_int_equal(upd.attrs.has, BGP_A_ORIGIN | BGP_A_AS_PATH |
	    BGP_A_NEXT_HOP | BGP_A_MED | BGP_A_LOCAL_PREF | BGP_A_AGGREGATOR |
	    BGP_A_ATOMIC_AGG | BGP_A_COMMUNITIES | BGP_A_LARGE_COMM |
	    BGP_A_EXT_COMM);
	/* withdrawals first, then announcements */
	assert_int_equal(s.n, 2);
	assert_true(pfx_eq(&s.p[0], &gone) && s.wd[0] == 1);
	assert_true(pfx_eq(&s.p[1], &want) && s.wd[1] == 0);
	/* a withdraw-only UPDATE needs no attributes */
	n = mkupd(buf, "20 c0000235", "", "");
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.wd[0], 1);
}

static void
test_decode_v6(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct seen	 s;
	struct prefix	 want = pfx("2001:db8::53/128");
	struct prefix	 gone = pfx("2001:db8::/32");
	size_t		 n;
	char		 ll[64];

	(void)state;
	n = mkupd(buf, "",
	    "80 0f 08 0002 01 20 20010db8"
	    "80 0e 36 0002 01 20" V6_1 "fe800000 00000000 00000000 00000002"
	    "00 80" V6_53 ORIGIN_IGP PATH_65100, "");
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_OK);
	assert_int_equal(upd.announced[BGP_AF_IPV6], 1);
	assert_int_equal(upd.withdrawn[BGP_AF_IPV6], 1);
	assert_true(upd.attrs.has & BGP_A_NEXT_HOP6_LL);
	inet_ntop(AF_INET6, &upd.attrs.nexthop6_ll, ll, sizeof(ll));
	assert_string_equal(ll, "fe80::2");
	assert_int_equal(s.n, 2);
	assert_true(pfx_eq(&s.p[0], &gone) && s.wd[0] == 1);
	assert_true(pfx_eq(&s.p[1], &want) && s.wd[1] == 0);
	/* a second next hop that is not link-local is ignored */
	n = mkupd(buf, "",
	    "80 0e 36 0002 01 20" V6_1 "00000000 00000000 00000000 00000000"
	    "00 80" V6_53 ORIGIN_IGP PATH_65100, "");
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_OK);
	assert_false(upd.attrs.has & BGP_A_NEXT_HOP6_LL);
	/* IPv4 unicast in MP_REACH_NLRI; other AFI/SAFI skipped */
	n = mkupd(buf, "",
	    "80 0e 0d 0001 01 04 c633640a 00 18 c00002"
	    "80 0f 05 0001 80 0000" ORIGIN_IGP PATH_65100, "");
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_OK);
	assert_int_equal(upd.announced[BGP_AF_IPV4], 1);
	assert_int_equal(upd.mp_other, 1);
	assert_int_equal(s.n, 1);
	n = mkupd(buf, "", "80 0e 09 0019 46 00 00 0102 0304"
	    ORIGIN_IGP PATH_65100, "");		/* L2VPN EVPN */
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_OK);
	assert_int_equal(upd.mp_other, 1);
	assert_int_equal(s.n, 0);
}

static void
test_decode_as4_merge(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 n;

	(void)state;
	/* RFC 6793 4.2.3: AS_PATH (65001 23456 65002) and AS4_PATH
	 * (4200000000 65002) make 65001 4200000000 65002 */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 08 02 03 fde9 5ba0 fdea" NH_V4
	    "c0 11 0a 02 02 fa56ea00 0000fdea"
	    "c0 07 06 5ba0 0a000001 c0 12 08 fa56ea01 0a000001", "18 c00002");
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.attrs.aspath_nas, 3);
	assert_int_equal(upd.attrs.aspath_nseg, 2);
	assert_int_equal(upd.attrs.aspath_seg[0].count, 1);
	assert_int_equal(upd.attrs.aspath_seg[1].count, 2);
	assert_int_equal(upd.attrs.aspath_as[0], 65001);
	assert_int_equal(upd.attrs.aspath_as[1], 4200000000U);
	assert_int_equal(upd.attrs.aspath_as[2], 65002);
	assert_int_equal(upd.attrs.aggregator_as, 4200000001U);

	/* AGGREGATOR not AS_TRANS: both AS4_* are ignored */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 08 02 03 fde9 5ba0 fdea" NH_V4
	    "c0 11 0a 02 02 fa56ea00 0000fdea"
	    "c0 07 06 fde9 0a000001 c0 12 08 fa56ea01 0a000001", "18 c00002");
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.attrs.aspath_nas, 3);
	assert_int_equal(upd.attrs.aspath_as[1], BGP_AS_TRANS);
	assert_int_equal(upd.attrs.aggregator_as, 65001);

	/* an AS_SET counts as one; AS4_PATH longer than AS_PATH: ignored */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 08 01 03 fde9 5ba0 fdea" NH_V4
	    "c0 11 0a 02 02 fa56ea00 0000fdea", "18 c00002");
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.attrs.aspath_nseg, 1);
	assert_int_equal(upd.attrs.aspath_as[1], BGP_AS_TRANS);

	/* an AS_SET counts as one and is taken whole */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 0c 01 02 fde9 fdeb 02 02 5ba0 fdea"
	    NH_V4 "c0 11 0a 02 02 fa56ea00 0000fdea", "18 c00002");
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.attrs.aspath_nseg, 2);
	assert_int_equal(upd.attrs.aspath_seg[0].type, BGP_ASSEG_SET);
	assert_int_equal(upd.attrs.aspath_seg[0].count, 2);
	assert_int_equal(upd.attrs.aspath_nas, 4);
	assert_int_equal(upd.attrs.aspath_as[2], 4200000000U);
	/* malformed AS4_AGGREGATOR: discarded, AGGREGATOR kept */
	n = mkupd(buf, "", BASE "c0 07 06 5ba0 0a000001 c0 12 06 fa56 0a000001",
	    NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp2, NULL),
	    BGP_UPD_TREAT_AS_WITHDRAW);		/* PATH_65100 is 4-octet */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 04 02 01 fe4c" NH_V4
	    "c0 07 06 5ba0 0a000001 c0 12 06 fa56 0a000001", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.discarded, 1);
	assert_int_equal(upd.attrs.aggregator_as, BGP_AS_TRANS);

	/* malformed AS4_PATH (confederation segment): discarded */
	n = mkupd(buf, "", ORIGIN_IGP "40 02 04 02 01 5ba0" NH_V4
	    "c0 11 06 03 01 fa56ea00", "18 c00002");
	assert_int_equal(decode(buf, n, &ebgp2, NULL), BGP_UPD_OK);
	assert_int_equal(upd.discarded, 1);
	assert_int_equal(upd.attrs.aspath_as[0], BGP_AS_TRANS);

	/* from a 4-octet peer, AS4_* are discarded (RFC 6793 4.1) */
	n = mkupd(buf, "", BASE "c0 11 06 02 01 fa56ea00"
	    "c0 12 08 fa56ea01 0a000001", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_OK);
	assert_int_equal(upd.discarded, 2);
	assert_int_equal(upd.attrs.aspath_as[0], 65100);
}

static void
test_framing_errors(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 n;

	(void)state;
	/* Withdrawn Routes Length past the message: 3/1 */
	n = hex(MARKER "0017 02 0001 0000", buf);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_ATTRLIST);
	n = hex(MARKER "0019 02 0003 0a000000", buf);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_ATTRLIST);
	/* Total Path Attribute Length past the message: 3/1 */
	n = hex(MARKER "001a 02 0000 0004 400101", buf);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_ATTRLIST);
	/* a header error is reported as such */
	n = hex(MARKER "0016 02 0000 00", buf);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.code, BGP_ERR_HEADER);
	assert_int_equal(upd.err.subcode, BGP_ERR_HDR_LENGTH);

	/* RFC 7606 5.3: bad prefixes reset the session, 3/10 */
	verdict_is(&ebgp4, "", BASE, "21 c0000235 00", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_NETWORK);
	verdict_is(&ebgp4, "", BASE, "20 c00002", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_NETWORK);
	verdict_is(&ebgp4, "21 0a000000 00", "", "", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_NETWORK);
	verdict_is(&ebgp4, "18 0a00", "", "", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_NETWORK);

	/* RFC 7606 4: attribute framing: treat-as-withdraw, 3/1 */
	verdict_is(&ebgp4, "", BASE "40 01", NLRI_V4,	/* truncated */
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ATTRLIST);
	verdict_is(&ebgp4, "", BASE "90 04 00", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ATTRLIST);
	verdict_is(&ebgp4, "", BASE "80 04 04 0000", NLRI_V4,	/* overrun */
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ATTRLIST);
	verdict_is(&ebgp4, "", BASE "90 04 0005 0000000a", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ATTRLIST);
	/* ... unless it is an MP attribute whose NLRI we cannot find */
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100 "80 0e 30 0002 01 10",
	    "", BGP_UPD_NOTIFY, BGP_ERR_UPD_ATTRLIST);
}

static void
test_attribute_errors(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	size_t		 n;

	(void)state;
	/* unrecognized well-known: 3/2 with the attribute as data */
	n = mkupd(buf, "", BASE "40 63 02 abcd", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_UNKNOWN_WK);
	assert_int_equal(upd.err.datalen, 5);
	assert_memory_equal(upd.err.data, "\x40\x63\x02\xab\xcd", 5);
	/* unrecognized optional: ignored */
	n = mkupd(buf, "", BASE "c0 63 02 abcd 80 64 00", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_OK);
	assert_int_equal(upd.unknown, 2);

	/* duplicates: the first counts (RFC 7606 3 g) */
	n = mkupd(buf, "", BASE "40 01 01 02", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, NULL), BGP_UPD_OK);
	assert_int_equal(upd.discarded, 1);
	assert_int_equal(upd.attrs.origin, BGP_ORIGIN_IGP);
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100
	    "80 0f 03 0002 01 80 0f 03 0002 01", "", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_ATTRLIST);

	/* wrong flags (RFC 7606 3 c) */
	verdict_is(&ebgp4, "", "c0 01 01 00" PATH_65100 NH_V4, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_FLAGS);
	verdict_is(&ebgp4, "", BASE "40 04 04 0000000a", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_FLAGS);
	verdict_is(&ebgp4, "", BASE "80 08 04 fe4c0035", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_FLAGS);
	verdict_is(&ebgp4, "", BASE "40 07 08 0000fe4c 0a000001", NLRI_V4,
	    BGP_UPD_OK, 0);				/* discarded */
	assert_int_equal(upd.discarded, 1);
	/* Partial and Extended Length do not matter */
	verdict_is(&ebgp4, "", "50 01 0001 00" PATH_65100 NH_V4
	    "e0 08 04 fe4c0035", NLRI_V4, BGP_UPD_OK, 0);
	assert_int_equal(upd.attrs.ncommunities, 1);

	/* ORIGIN (7.1) */
	verdict_is(&ebgp4, "", "40 01 01 03" PATH_65100 NH_V4, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ORIGIN);
	verdict_is(&ebgp4, "", "40 01 02 0000" PATH_65100 NH_V4, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	/* NEXT_HOP (7.3) */
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100 "40 03 05 c633640a00",
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100 "40 03 04 00000000",
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_NEXTHOP);
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100 "40 03 04 7f000001",
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_NEXTHOP);
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100 "40 03 04 e0000001",
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_NEXTHOP);
	/* ... ignored when there is no IPv4 NLRI (RFC 4760 3) */
	verdict_is(&ebgp4, "", "80 0e 1a 0002 01 10" V6_1 "00 20 20010db8"
	    ORIGIN_IGP PATH_65100 "40 03 05 c633640a00", "", BGP_UPD_OK, 0);
	/* MED (7.4) */
	verdict_is(&ebgp4, "", BASE "80 04 03 00000a", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	/* LOCAL_PREF (7.5): discarded from eBGP, checked from iBGP */
	verdict_is(&ebgp4, "", BASE "40 05 02 0064", NLRI_V4, BGP_UPD_OK, 0);
	assert_int_equal(upd.discarded, 1);
	assert_false(upd.attrs.has & BGP_A_LOCAL_PREF);
	verdict_is(&ibgp4, "", BASE "40 05 02 0064", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	/* ATOMIC_AGGREGATE, AGGREGATOR (7.6, 7.7): attribute-discard */
	verdict_is(&ebgp4, "", BASE "40 06 01 00", NLRI_V4, BGP_UPD_OK, 0);
	assert_int_equal(upd.discarded, 1);
	verdict_is(&ebgp4, "", BASE "c0 07 06 fe4c 0a000001", NLRI_V4,
	    BGP_UPD_OK, 0);
	assert_int_equal(upd.discarded, 1);
	verdict_is(&ebgp4, "", BASE "c0 07 08 00000000 0a000001", NLRI_V4,
	    BGP_UPD_OK, 0);
	assert_false(upd.attrs.has & BGP_A_AGGREGATOR);
	/* COMMUNITIES (7.8), LARGE_COMMUNITY (RFC 8092 5), EXT (7.14) */
	verdict_is(&ebgp4, "", BASE "c0 08 06 fe4c0035 0000", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ebgp4, "", BASE "c0 08 00", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ebgp4, "", BASE "c0 20 0d 0000fe4c 00000001 00000002 00",
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ebgp4, "", BASE "c0 10 07 0002fe4c 000001", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	/* ORIGINATOR_ID, CLUSTER_LIST (7.9, 7.10) */
	verdict_is(&ebgp4, "", BASE "80 09 03 0a0000 80 0a 01 00", NLRI_V4,
	    BGP_UPD_OK, 0);
	assert_int_equal(upd.discarded, 2);
	verdict_is(&ibgp4, "", BASE "80 09 03 0a0000", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ibgp4, "", BASE "80 0a 05 0a000001 00", NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH);
	verdict_is(&ibgp4, "", BASE "80 09 04 0a000001 80 0a 04 0a000001",
	    NLRI_V4, BGP_UPD_OK, 0);
	assert_int_equal(upd.attrs.ncluster, 1);
	assert_int_equal(ntohl(upd.attrs.originator_id.s_addr), 0x0a000001);

	/* missing well-known mandatory (7606 3 d): data = the type code */
	verdict_is(&ebgp4, "", PATH_65100 NH_V4, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_MISSING_WK);
	assert_int_equal(upd.err.data[0], BGP_ATTR_ORIGIN);
	verdict_is(&ebgp4, "", ORIGIN_IGP NH_V4, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_MISSING_WK);
	assert_int_equal(upd.err.data[0], BGP_ATTR_AS_PATH);
	verdict_is(&ebgp4, "", ORIGIN_IGP PATH_65100, NLRI_V4,
	    BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_MISSING_WK);
	assert_int_equal(upd.err.data[0], BGP_ATTR_NEXT_HOP);
	verdict_is(&ebgp4, "", "80 0e 1a 0002 01 10" V6_1 "00 20 20010db8"
	    PATH_65100, "", BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_MISSING_WK);
}

static void
test_aspath_errors(void **state)
{
	(void)state;
	/* RFC 7606 7.2: unknown type, zero count, overrun, lone octet */
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 06 05 01 0000fe4c" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 02 02 00" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 06 02 02 0000fe4c" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 07 02 01 0000fe4c 02" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	verdict_is(&ebgp2, "", ORIGIN_IGP "40 02 05 02 02 fde9 fd" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	/* AS 0 (RFC 7607) */
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 06 02 01 00000000" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	/* confederation segments: not from an external peer (RFC 5065) */
	verdict_is(&ebgp4, "", ORIGIN_IGP "40 02 06 03 01 0000fe4c" NH_V4,
	    NLRI_V4, BGP_UPD_TREAT_AS_WITHDRAW, BGP_ERR_UPD_ASPATH);
	verdict_is(&ibgp4, "", ORIGIN_IGP "40 02 0c 03 01 0000fe4c "
	    "01 01 0000fe4d" NH_V4, NLRI_V4, BGP_UPD_OK, 0);
	assert_int_equal(upd.attrs.aspath_nseg, 2);
	assert_int_equal(upd.attrs.aspath_seg[0].type, BGP_ASSEG_CONFED_SEQ);
	assert_int_equal(upd.attrs.aspath_seg[1].type, BGP_ASSEG_SET);
	/* empty AS_PATH is fine (iBGP) */
	verdict_is(&ibgp4, "", ORIGIN_IGP "40 02 00" NH_V4, NLRI_V4,
	    BGP_UPD_OK, 0);
	assert_int_equal(upd.attrs.aspath_nseg, 0);
}

static void
test_mp_errors(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct seen	 s;
	size_t		 n;

	(void)state;
	/* RFC 7606 7.11: next hop length 8 for IPv6: AFI/SAFI disable */
	verdict_is(&ebgp4, "", "80 0e 12 0002 01 08 20010db8 00000001 00 "
	    "20 20010db8" ORIGIN_IGP PATH_65100, "", BGP_UPD_AFI_DISABLE,
	    BGP_ERR_UPD_OPTATTR);
	assert_int_equal(upd.disabled_afi, BGP_AFI_IPV6);
	assert_int_equal(upd.disabled_safi, BGP_SAFI_UNICAST);
	assert_int_equal(upd.err.code, BGP_ERR_UPDATE);
	assert_int_equal(upd.err.datalen, 3 + 0x12);	/* the attribute */
	/* next hop past the attribute */
	verdict_is(&ebgp4, "", "80 0e 08 0002 01 10 20010db8" ORIGIN_IGP
	    PATH_65100, "", BGP_UPD_AFI_DISABLE, BGP_ERR_UPD_OPTATTR);
	/* IPv4 next hop of 16 octets (no RFC 8950 here) */
	verdict_is(&ebgp4, "", "80 0e 16 0001 01 10" V6_1 "00 00"
	    ORIGIN_IGP PATH_65100, "", BGP_UPD_AFI_DISABLE,
	    BGP_ERR_UPD_OPTATTR);
	/* prefix length 129, and a prefix running past the attribute */
	verdict_is(&ebgp4, "", "80 0e 27 0002 01 10" V6_1 "00 81" V6_53 "00"
	    ORIGIN_IGP PATH_65100, "", BGP_UPD_AFI_DISABLE,
	    BGP_ERR_UPD_OPTATTR);
	verdict_is(&ebgp4, "", "80 0f 07 0002 01 40 20010db8", "",
	    BGP_UPD_AFI_DISABLE, BGP_ERR_UPD_OPTATTR);
	verdict_is(&ebgp4, "", "80 0f 05 0001 01 21 00", "",
	    BGP_UPD_AFI_DISABLE, BGP_ERR_UPD_OPTATTR);
	assert_int_equal(upd.disabled_afi, BGP_AFI_IPV4);
	/* wrong flags on MP_REACH_NLRI */
	verdict_is(&ebgp4, "", "c0 0e 1a 0002 01 10" V6_1 "00 20 20010db8"
	    ORIGIN_IGP PATH_65100, "", BGP_UPD_AFI_DISABLE,
	    BGP_ERR_UPD_OPTATTR);
	/* too short to name its AFI/SAFI: session reset */
	verdict_is(&ebgp4, "", "80 0e 02 0002" ORIGIN_IGP PATH_65100, "",
	    BGP_UPD_NOTIFY, BGP_ERR_UPD_OPTATTR);
	verdict_is(&ebgp4, "", "80 0f 02 0002", "", BGP_UPD_NOTIFY,
	    BGP_ERR_UPD_OPTATTR);
	/* two AFI/SAFI broken: session reset */
	verdict_is(&ebgp4, "", "80 0f 05 0001 01 21 00 "
	    "80 0e 12 0002 01 08 20010db8 00000001 00 20 20010db8", "",
	    BGP_UPD_NOTIFY, BGP_ERR_UPD_OPTATTR);

	/* AFI/SAFI disable: IPv6 unreported, IPv4 still reported */
	n = mkupd(buf, "18 0a0000", "80 0e 12 0002 01 08 20010db8 00000001 00 "
	    "20 20010db8" BASE, NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_AFI_DISABLE);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.p[0].addr.family, AF_INET);
	assert_int_equal(s.wd[0], 1);
	assert_int_equal(s.p[1].addr.family, AF_INET);
	assert_int_equal(s.wd[1], 0);
	/* ... and treat-as-withdraw still applies to what is left */
	n = mkupd(buf, "", "80 0e 12 0002 01 08 20010db8 00000001 00 "
	    "20 20010db8" BASE "c0 08 01 00", NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_AFI_DISABLE);
	assert_true(upd.taw);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.wd[0], 1);
}

static void
test_treat_as_withdraw_reports(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct seen	 s;
	size_t		 n;

	(void)state;
	/* bad ORIGIN: the announcements become withdrawals */
	n = mkupd(buf, "18 0a0000", "80 0e 1a 0002 01 10" V6_1 "00 20 20010db8"
	    "40 01 01 07" PATH_65100 NH_V4, NLRI_V4 "18 c63364");
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_ORIGIN);
	assert_int_equal(upd.announced[BGP_AF_IPV4], 2);
	assert_int_equal(upd.announced[BGP_AF_IPV6], 1);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.wd[0] + s.wd[1] + s.wd[2] + s.wd[3], 4);
	assert_int_equal(s.p[1].addr.family, AF_INET6);
	/* the strongest error wins, the first of that strength is kept */
	n = mkupd(buf, "", "40 01 01 07 40 02 02 02 00" NH_V4 "40 63 00",
	    NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_NOTIFY);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_UNKNOWN_WK);
	assert_int_equal(s.n, 0);
	n = mkupd(buf, "", "40 01 01 07 40 02 02 02 00" NH_V4, NLRI_V4);
	assert_int_equal(decode(buf, n, &ebgp4, &s), BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(upd.err.subcode, BGP_ERR_UPD_ORIGIN);
}

/* --- 100,000 prefixes per family -------------------------------------- */

#define MANY	100000

struct sink {
	size_t		 msgs;
	size_t		 maxlen;
	uint32_t	 announced[BGP_AF_MAX];
	uint32_t	 withdrawn[BGP_AF_MAX];
	const struct prefix *want;
	size_t		 next, bad;
	int		 as_withdraw;
};

static void
check_prefix(void *arg, int withdraw, const struct prefix *p)
{
	struct sink	*k = arg;

	if (withdraw != k->as_withdraw || !pfx_eq(p, &k->want[k->next]))
		k->bad++;
	k->next++;
}

static int
sink_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct sink	*k = arg;
	int		 i;

	k->msgs++;
	if (len > k->maxlen)
		k->maxlen = len;
	if (bgp_msg_decode_update(msg, len, &ebgp4, &upd, check_prefix, k) !=
	    BGP_UPD_OK)
		return -1;
	for (i = 0; i < BGP_AF_MAX; i++) {
		k->announced[i] += upd.announced[i];
		k->withdrawn[i] += upd.withdrawn[i];
	}
	return 0;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
count_emit(void *arg, const uint8_t *msg, size_t len)
{
	(void)msg;
	(void)len;
	(*(size_t *)arg)++;
	return 0;
}

static void
many(int af)
{
	static const uint32_t comm[] = { BGP_COMMUNITY(65100, 53) };
	struct prefix	*p = calloc(MANY, sizeof(*p));
	struct bgp_attrs a;
	struct sink	 k;
	size_t		 i, msgs = 0;
	double		 t;

	assert_non_null(p);
	for (i = 0; i < MANY; i++) {
		if (af == BGP_AF_IPV4) {
			p[i].addr.family = AF_INET;
			p[i].addr.u.v4.s_addr =
			    htonl(0x0a000000U + (uint32_t)i);
			p[i].len = 32;
		} else {
			p[i] = pfx("2001:db8::/128");
			p[i].addr.u.v6.s6_addr[13] = (uint8_t)(i >> 16);
			p[i].addr.u.v6.s6_addr[14] = (uint8_t)(i >> 8);
			p[i].addr.u.v6.s6_addr[15] = (uint8_t)i;
		}
	}
	basic_attrs(&a);
	a.communities = comm;
	a.ncommunities = 1;

	/* encoding alone must take well under a second */
	t = now();
	assert_int_equal(bgp_update_announce(&ebgp4, &a, p, MANY, count_emit,
	    &msgs), 0);
	t = now() - t;
	print_message("%s: %zu prefixes in %zu UPDATEs, encoded in %.3f s\n",
	    af == BGP_AF_IPV4 ? "IPv4 /32" : "IPv6 /128", (size_t)MANY, msgs,
	    t);
	assert_true(t < 1.0);

	memset(&k, 0, sizeof(k));
	k.want = p;
	assert_int_equal(bgp_update_announce(&ebgp4, &a, p, MANY, sink_emit,
	    &k), 0);
	assert_int_equal(k.msgs, msgs);
	assert_true(k.maxlen <= BGP_MAX_MSG_LEN);
	assert_true(k.maxlen > BGP_MAX_MSG_LEN - 17);	/* well packed */
	assert_int_equal(k.announced[af], MANY);
	assert_int_equal(k.announced[!af], 0);
	assert_int_equal(k.next, MANY);
	assert_int_equal(k.bad, 0);

	memset(&k, 0, sizeof(k));
	k.want = p;
	k.as_withdraw = 1;
	assert_int_equal(bgp_update_withdraw(p, MANY, sink_emit, &k), 0);
	assert_true(k.maxlen <= BGP_MAX_MSG_LEN);
	assert_int_equal(k.withdrawn[af], MANY);
	assert_int_equal(k.next, MANY);
	assert_int_equal(k.bad, 0);
	free(p);
}

static void
test_many_v4(void **state)
{
	(void)state;
	many(BGP_AF_IPV4);
}

static void
test_many_v6(void **state)
{
	(void)state;
	many(BGP_AF_IPV6);
}

/* Mixed families: one run per family, in order. */
static void
test_announce_mixed(void **state)
{
	struct prefix	 p[4] = { pfx("192.0.2.0/24"), pfx("2001:db8::/48"),
	    pfx("2001:db8:1::/48"), pfx("198.51.100.0/24") };
	struct bgp_attrs a;
	struct sink	 k;

	(void)state;
	basic_attrs(&a);
	memset(&k, 0, sizeof(k));
	k.want = p;
	assert_int_equal(bgp_update_announce(&ebgp4, &a, p, 4, sink_emit, &k),
	    0);
	assert_int_equal(k.msgs, 3);
	assert_int_equal(k.announced[BGP_AF_IPV4], 2);
	assert_int_equal(k.announced[BGP_AF_IPV6], 2);
	assert_int_equal(k.bad, 0);
	/* an invalid prefix stops the loop with an error */
	p[2].len = 129;
	assert_int_equal(bgp_update_announce(&ebgp4, &a, p, 4, count_emit,
	    &k.msgs), -1);
	assert_int_equal(bgp_update_withdraw(p, 4, count_emit, &k.msgs), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_v4),
		cmocka_unit_test(test_encode_as2),
		cmocka_unit_test(test_encode_link_bandwidth),
		cmocka_unit_test(test_encode_v6),
		cmocka_unit_test(test_encode_withdraw),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_v4),
		cmocka_unit_test(test_decode_v6),
		cmocka_unit_test(test_decode_as4_merge),
		cmocka_unit_test(test_framing_errors),
		cmocka_unit_test(test_attribute_errors),
		cmocka_unit_test(test_aspath_errors),
		cmocka_unit_test(test_mp_errors),
		cmocka_unit_test(test_treat_as_withdraw_reports),
		cmocka_unit_test(test_many_v4),
		cmocka_unit_test(test_many_v6),
		cmocka_unit_test(test_announce_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
