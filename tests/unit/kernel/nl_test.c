/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the pure half of src/kernel/nl.c: nl_parse_route() and
 * nl_parse_addr(), which read what the kernel sends (dumps and the
 * monitor) and must never read past a message or believe a wrong size.
 *
 * Two kinds of input.  Messages the kernel itself sent (Linux 6.x, dumped
 * with RTM_GETROUTE/RTM_GETADDR from a namespace set up like the
 * integration tests: k_* below), and messages built here with libmnl
 * for what a kernel would not send: wrong attribute sizes, 33 next hops,
 * bogus rtnexthop lengths.  Every parsed buffer is a fresh malloc of
 * exactly its length, so ASan catches a read one byte past the end;
 * every prefix of every message is parsed too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "kernel/nl.h"

/* ---- what the kernel sent (nlmsghdr onwards, as received) ---- */

/* 192.0.2.53/32 proto 53, nexthop via 198.51.100.2 dev #3 weight 3,
 * nexthop via 198.51.100.18 dev #2 weight 1 (RTA_MULTIPATH). */
static const uint8_t k_multipath4[] = {
	0x50, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x02, 0x20, 0x00, 0x00, 0xfe, 0x35, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x35, 0x24, 0x00, 0x09, 0x00,
	0x10, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x00,
	0xc6, 0x33, 0x64, 0x02, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0xc6, 0x33, 0x64, 0x12,
};

/* 192.0.2.54/32 via 198.51.100.2 dev #3 proto 53. */
static const uint8_t k_single4[] = {
	0x3c, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x02, 0x20, 0x00, 0x00, 0xfe, 0x35, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x36, 0x08, 0x00, 0x05, 0x00,
	0xc6, 0x33, 0x64, 0x02, 0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00,
};

/* 192.0.2.55/32 via 198.51.100.2 proto 53 table 1000 metric 100: the
 * header says RT_TABLE_COMPAT (252), RTA_TABLE has the real id. */
static const uint8_t k_table1000[] = {
	0x44, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x02, 0x20, 0x00, 0x00, 0xfc, 0x35, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xe8, 0x03, 0x00, 0x00,
	0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x37, 0x08, 0x00, 0x06, 0x00,
	0x64, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x00, 0xc6, 0x33, 0x64, 0x02,
	0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00,
};

/* 192.0.2.56/32 dev lo proto 53 scope link: no gateway. */
static const uint8_t k_devroute[] = {
	0x34, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x02, 0x20, 0x00, 0x00, 0xfe, 0x35, 0xfd, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x38, 0x08, 0x00, 0x04, 0x00,
	0x01, 0x00, 0x00, 0x00,
};

/* 2001:db8::53/128 proto 53 metric 1024, nexthop via 2001:db8:1::2 dev #3
 * weight 3, nexthop via 2001:db8:2::2 dev #2 weight 1; then RTA_CACHEINFO
 * and RTA_PREF, which the parser does not read. */
static const uint8_t k_multipath6[] = {
	0xa8, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x0a, 0x80, 0x00, 0x00, 0xfe, 0x35, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0x08, 0x00, 0x06, 0x00,
	0x00, 0x04, 0x00, 0x00, 0x3c, 0x00, 0x09, 0x00, 0x1c, 0x00, 0x00, 0x02,
	0x03, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x1c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x24, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* 192.0.2.60/32 on lo (#1), added without a protocol: IFA_ADDRESS,
 * IFA_LOCAL, IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO. */
static const uint8_t k_addr4[] = {
	0x4c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x02, 0x20, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x3c, 0x08, 0x00, 0x02, 0x00,
	0xc0, 0x00, 0x02, 0x3c, 0x07, 0x00, 0x03, 0x00, 0x6c, 0x6f, 0x00, 0x00,
	0x08, 0x00, 0x08, 0x00, 0x80, 0x00, 0x00, 0x00, 0x14, 0x00, 0x06, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x48, 0xa7, 0x03, 0x00,
	0x48, 0xa7, 0x03, 0x00,
};

/* A link-local fe80::.../64 on #2, IFA_PROTO 3 (kernel_ll). */
static const uint8_t k_addr6_ll[] = {
	0x50, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xa6, 0x65, 0x00, 0x00, 0x0a, 0x40, 0xc0, 0xfd, 0x02, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x01, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xd0, 0xb2, 0x11, 0xff, 0xfe, 0x82, 0x78, 0x51, 0x14, 0x00, 0x06, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x44, 0xa7, 0x03, 0x00,
	0x44, 0xa7, 0x03, 0x00, 0x08, 0x00, 0x08, 0x00, 0xc0, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x0b, 0x00, 0x03, 0x00, 0x00, 0x00,
};

/* ---- helpers ---- */

/* Parse a copy of exactly LEN bytes, so ASan sees any overread. */
static int
parse_route(const void *buf, size_t len, struct nl_route *r, int *proto)
{
	void	*copy = malloc(len ? len : 1);
	int	 rv;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rv = nl_parse_route(copy, len, r, proto);
	free(copy);
	return rv;
}

static int
parse_addr(const void *buf, size_t len, struct nl_addr *a)
{
	void	*copy = malloc(len ? len : 1);
	int	 rv;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rv = nl_parse_addr(copy, len, a);
	free(copy);
	return rv;
}

static void
assert_addr(const struct addr *a, int family, const char *text)
{
	uint8_t want[16];

	assert_int_equal(a->family, family);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(&a->u, want, family == AF_INET ? 4 : 16);
}

static void
assert_hop(const struct nl_nexthop *h, int family, const char *gw,
    unsigned ifindex, unsigned weight)
{
	if (gw)
		assert_addr(&h->gw, family, gw);
	else
		assert_int_equal(h->gw.family, 0);
	assert_int_equal(h->ifindex, ifindex);
	assert_int_equal(h->weight, weight);
}

/* A message being built, 4-byte aligned as the kernel's are. */
struct msg {
	uint32_t	 align[2048];
	struct nlmsghdr	*nlh;
};

static struct rtmsg *
route_start(struct msg *m, int family, uint8_t dst_len, uint8_t table,
    uint8_t proto)
{
	struct rtmsg *rtm;

	memset(m, 0, sizeof(*m));
	m->nlh = mnl_nlmsg_put_header(m->align);
	m->nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = table;
	rtm->rtm_protocol = proto;
	rtm->rtm_type = RTN_UNICAST;
	return rtm;
}

static void
put_addr(struct msg *m, uint16_t type, int family, const char *text)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(family, text, a), 1);
	mnl_attr_put(m->nlh, type, family == AF_INET ? 4 : 16, a);
}

/* One rtnexthop in an open RTA_MULTIPATH nest; gw may be NULL. */
static struct rtnexthop *
put_rtnh(struct msg *m, int family, const char *gw, int ifindex,
    unsigned weight)
{
	struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(m->nlh);

	m->nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
	memset(rtnh, 0, sizeof(*rtnh));
	rtnh->rtnh_hops = (unsigned char)(weight - 1);
	rtnh->rtnh_ifindex = ifindex;
	if (gw)
		put_addr(m, RTA_GATEWAY, family, gw);
	rtnh->rtnh_len = (unsigned short)((char *)
	    mnl_nlmsg_get_payload_tail(m->nlh) - (char *)rtnh);
	return rtnh;
}

static struct ifaddrmsg *
addr_start(struct msg *m, int family, uint8_t plen, unsigned ifindex)
{
	struct ifaddrmsg *ifa;

	memset(m, 0, sizeof(*m));
	m->nlh = mnl_nlmsg_put_header(m->align);
	m->nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	return ifa;
}

/*
 * Every proper prefix of BUF: as it is (nlmsg_len then claims more than
 * there is: must be refused), and with nlmsg_len cut to match (attributes
 * cut short: whatever the verdict, no overread and a sane result).
 */
static void
every_prefix(const uint8_t *buf, size_t len, int is_route)
{
	uint8_t		*copy = malloc(len);
	struct nl_route	 r;
	struct nl_addr	 a;
	size_t		 n;
	int		 proto, rv;

	assert_non_null(copy);
	for (n = 0; n < len; n++) {
		memcpy(copy, buf, len);
		if (is_route)
			assert_int_equal(parse_route(copy, n, &r, &proto), -1);
		else
			assert_int_equal(parse_addr(copy, n, &a), -1);
		if (n < sizeof(struct nlmsghdr))
			continue;
		((struct nlmsghdr *)(void *)copy)->nlmsg_len = (uint32_t)n;
		if (is_route) {
			rv = parse_route(copy, n, &r, &proto);
			if (rv == 0)
				assert_true(r.nnh <= NL_MAX_HOPS);
		} else {
			rv = parse_addr(copy, n, &a);
			if (rv == 0)
				assert_true(a.pfx.addr.family == AF_INET ||
				    a.pfx.addr.family == AF_INET6);
		}
		assert_true(rv == 0 || rv == -1);
	}
	free(copy);
}

/* ---- routes the kernel sent ---- */

static void
test_kernel_single_hop(void **state)
{
	struct nl_route	r;
	int		proto;

	(void)state;
	assert_int_equal(parse_route(k_single4, sizeof(k_single4), &r, &proto),
	    0);
	assert_int_equal(proto, NL_PROTO);
	assert_addr(&r.dst.addr, AF_INET, "192.0.2.54");
	assert_int_equal(r.dst.len, 32);
	assert_int_equal(r.table, 254);
	assert_int_equal(r.metric, 0);
	assert_int_equal(r.nnh, 1);
	assert_hop(&r.nh[0], AF_INET, "198.51.100.2", 3, 1);
	/* What kout_scan.c tells ours from another's by. */
	assert_int_equal(r.proto, NL_PROTO);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.nh[0].flags, 0);
}

/*
 * Next hops over a link without carrier, or dead: the flags come through,
 * for a single hop from rtm_flags, for each of many from rtnh_flags; the
 * other flag bits (RTNH_F_ONLINK, RTM_F_*) do not.
 */
static void
test_hop_flags(void **state)
{
	struct msg		 m;
	struct rtmsg		*rtm;
	struct rtnexthop	*rtnh;
	struct nlattr		*nest;
	struct nl_route		 r;
	int			 proto;

	(void)state;
	rtm = route_start(&m, AF_INET, 32, 254, RTPROT_STATIC);
	rtm->rtm_flags = RTNH_F_LINKDOWN | RTNH_F_ONLINK;
	rtm->rtm_type = RTN_BLACKHOLE;
	put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
	put_addr(&m, RTA_GATEWAY, AF_INET, "198.51.100.2");
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
	assert_int_equal(r.proto, RTPROT_STATIC);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.nh[0].flags, RTNH_F_LINKDOWN);

	route_start(&m, AF_INET, 32, 254, NL_PROTO);
	put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
	nest = mnl_attr_nest_start(m.nlh, RTA_MULTIPATH);
	rtnh = put_rtnh(&m, AF_INET, "198.51.100.2", 3, 3);
	rtnh->rtnh_flags = RTNH_F_DEAD | RTNH_F_LINKDOWN;
	rtnh = put_rtnh(&m, AF_INET, "198.51.100.18", 2, 1);
	rtnh->rtnh_flags = RTNH_F_ONLINK;
	mnl_attr_nest_end(m.nlh, nest);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
	assert_int_equal(r.nnh, 2);
	assert_int_equal(r.nh[0].flags, RTNH_F_DEAD | RTNH_F_LINKDOWN);
	assert_int_equal(r.nh[1].flags, 0);
}

static void
test_kernel_multipath_weights(void **state)
{
	struct nl_route	r;
	int		proto;

	(void)state;
	assert_int_equal(parse_route(k_multipath4, sizeof(k_multipath4), &r,
	    &proto), 0);
	assert_int_equal(proto, NL_PROTO);
	assert_addr(&r.dst.addr, AF_INET, "192.0.2.53");
	assert_int_equal(r.nnh, 2);
	assert_hop(&r.nh[0], AF_INET, "198.51.100.2", 3, 3);
	assert_hop(&r.nh[1], AF_INET, "198.51.100.18", 2, 1);
}

static void
test_kernel_ipv6_multipath(void **state)
{
	struct nl_route	r;
	int		proto;

	(void)state;
	assert_int_equal(parse_route(k_multipath6, sizeof(k_multipath6), &r,
	    &proto), 0);
	assert_int_equal(proto, NL_PROTO);
	assert_addr(&r.dst.addr, AF_INET6, "2001:db8::53");
	assert_int_equal(r.dst.len, 128);
	/* The kernel's default IPv6 metric when none was asked for. */
	assert_int_equal(r.metric, 1024);
	assert_int_equal(r.nnh, 2);
	assert_hop(&r.nh[0], AF_INET6, "2001:db8:1::2", 3, 3);
	assert_hop(&r.nh[1], AF_INET6, "2001:db8:2::2", 2, 1);
}

static void
test_kernel_table_above_255(void **state)
{
	struct nl_route	r;
	int		proto;

	(void)state;
	assert_int_equal(parse_route(k_table1000, sizeof(k_table1000), &r,
	    &proto), 0);
	assert_int_equal(r.table, 1000);	/* RTA_TABLE, not the 252 */
	assert_int_equal(r.metric, 100);
	assert_int_equal(r.nnh, 1);
	assert_hop(&r.nh[0], AF_INET, "198.51.100.2", 3, 1);
}

static void
test_kernel_device_route(void **state)
{
	struct nl_route	r;
	int		proto;

	(void)state;
	assert_int_equal(parse_route(k_devroute, sizeof(k_devroute), &r,
	    &proto), 0);
	assert_addr(&r.dst.addr, AF_INET, "192.0.2.56");
	assert_int_equal(r.nnh, 1);
	assert_hop(&r.nh[0], AF_INET, NULL, 1, 1);
}

static void
test_kernel_routes_every_prefix(void **state)
{
	(void)state;
	every_prefix(k_single4, sizeof(k_single4), 1);
	every_prefix(k_multipath4, sizeof(k_multipath4), 1);
	every_prefix(k_multipath6, sizeof(k_multipath6), 1);
	every_prefix(k_table1000, sizeof(k_table1000), 1);
	every_prefix(k_devroute, sizeof(k_devroute), 1);
}

/* ---- routes built here ---- */

static void
test_table_from_header_without_rta_table(void **state)
{
	struct msg	m;
	struct nl_route	r;
	int		proto;

	(void)state;
	route_start(&m, AF_INET, 24, 100, RTPROT_STATIC);
	put_addr(&m, RTA_DST, AF_INET, "203.0.113.0");
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
	assert_int_equal(r.table, 100);
	assert_int_equal(proto, RTPROT_STATIC);
	assert_int_equal(r.dst.len, 24);
	assert_int_equal(r.nnh, 0);
}

static void
test_no_dst_is_the_default_route(void **state)
{
	struct msg	m;
	struct nl_route	r;
	int		proto;

	(void)state;
	route_start(&m, AF_INET6, 0, 254, NL_PROTO);
	put_addr(&m, RTA_GATEWAY, AF_INET6, "2001:db8:1::2");
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
	assert_int_equal(r.dst.addr.family, AF_INET6);
	assert_int_equal(r.dst.len, 0);
	assert_int_equal(r.nnh, 1);
	assert_hop(&r.nh[0], AF_INET6, "2001:db8:1::2", 0, 1);
}

static void
test_weight_256(void **state)
{
	struct msg	 m;
	struct nl_route	 r;
	struct nlattr	*nest;
	int		 proto;

	(void)state;
	route_start(&m, AF_INET, 32, 254, NL_PROTO);
	put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
	nest = mnl_attr_nest_start(m.nlh, RTA_MULTIPATH);
	put_rtnh(&m, AF_INET, "198.51.100.2", 2, 256);
	put_rtnh(&m, AF_INET, "198.51.100.18", 3, 1);
	mnl_attr_nest_end(m.nlh, nest);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
	assert_int_equal(r.nnh, 2);
	assert_hop(&r.nh[0], AF_INET, "198.51.100.2", 2, 256);
	assert_hop(&r.nh[1], AF_INET, "198.51.100.18", 3, 1);
	every_prefix((const uint8_t *)m.nlh, m.nlh->nlmsg_len, 1);
}

/* Exactly NL_MAX_HOPS fit; one more is refused, not cut. */
static void
test_too_many_hops(void **state)
{
	struct msg	 m;
	struct nl_route	 r;
	struct nlattr	*nest;
	char		 gw[32];
	int		 proto, n, i;

	(void)state;
	for (n = NL_MAX_HOPS; n <= NL_MAX_HOPS + 1; n++) {
		route_start(&m, AF_INET, 32, 254, NL_PROTO);
		put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
		nest = mnl_attr_nest_start(m.nlh, RTA_MULTIPATH);
		for (i = 0; i < n; i++) {
			snprintf(gw, sizeof(gw), "198.51.100.%d", i + 1);
			put_rtnh(&m, AF_INET, gw, 2, 1);
		}
		mnl_attr_nest_end(m.nlh, nest);
		memset(&r, 0xa5, sizeof(r));
		proto = -1;
		if (n == NL_MAX_HOPS) {
			assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len,
			    &r, &proto), 0);
			assert_int_equal(r.nnh, NL_MAX_HOPS);
			assert_hop(&r.nh[NL_MAX_HOPS - 1], AF_INET,
			    "198.51.100.32", 2, 1);
		} else
			assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len,
			    &r, &proto), -1);
	}
}

/* A fixed-size attribute of the wrong size is refused (not read). */
static void
test_bad_attribute_sizes(void **state)
{
	static const struct { uint16_t type; uint16_t len; } bad[] = {
		{ RTA_OIF, 2 }, { RTA_OIF, 8 }, { RTA_PRIORITY, 0 },
		{ RTA_PRIORITY, 3 }, { RTA_TABLE, 1 }, { RTA_TABLE, 16 },
		{ RTA_DST, 5 }, { RTA_DST, 16 }, { RTA_DST, 0 },
		{ RTA_GATEWAY, 16 }, { RTA_GATEWAY, 3 },
	};
	uint8_t		zero[16] = { 0 };
	struct msg	m;
	struct nl_route	r;
	size_t		i;
	int		proto;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		route_start(&m, AF_INET, 32, 254, NL_PROTO);
		mnl_attr_put(m.nlh, bad[i].type, bad[i].len, zero);
		assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r,
		    &proto), -1);
	}
	/* And the same gateway sizes for IPv6. */
	route_start(&m, AF_INET6, 128, 254, NL_PROTO);
	mnl_attr_put(m.nlh, RTA_GATEWAY, 4, zero);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), -1);
}

static void
test_bad_gateway_inside_multipath(void **state)
{
	struct msg	 m;
	struct nl_route	 r;
	struct nlattr	*nest;
	uint8_t		 zero[16] = { 0 };
	int		 proto;

	(void)state;
	route_start(&m, AF_INET, 32, 254, NL_PROTO);
	nest = mnl_attr_nest_start(m.nlh, RTA_MULTIPATH);
	put_rtnh(&m, AF_INET, "198.51.100.2", 2, 1);
	{
		struct rtnexthop *rtnh = put_rtnh(&m, AF_INET, NULL, 3, 1);

		mnl_attr_put(m.nlh, RTA_GATEWAY, 16, zero);	/* v6 size */
		rtnh->rtnh_len = (unsigned short)((char *)
		    mnl_nlmsg_get_payload_tail(m.nlh) - (char *)rtnh);
	}
	mnl_attr_nest_end(m.nlh, nest);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), -1);
}

/* rtnexthop lengths that lie: too short, past the nest, zero. */
static void
test_bogus_rtnh_len(void **state)
{
	static const unsigned short lens[] = { 0, 1, 7, 9, 200, 0xffff };
	struct msg		 m;
	struct nl_route		 r;
	struct nlattr		*nest;
	struct rtnexthop	*rtnh;
	size_t			 i;
	int			 proto, rv;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		route_start(&m, AF_INET, 32, 254, NL_PROTO);
		put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
		nest = mnl_attr_nest_start(m.nlh, RTA_MULTIPATH);
		put_rtnh(&m, AF_INET, "198.51.100.2", 2, 1);
		rtnh = put_rtnh(&m, AF_INET, "198.51.100.18", 3, 1);
		mnl_attr_nest_end(m.nlh, nest);
		rtnh->rtnh_len = lens[i];
		rv = parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto);
		assert_true(rv == 0 || rv == -1);
		if (rv == 0) {
			/* The honest first hop, nothing made up after it. */
			assert_true(r.nnh >= 1 && r.nnh <= 2);
			assert_hop(&r.nh[0], AF_INET, "198.51.100.2", 2, 1);
		}
	}
}

/* An attribute whose nla_len runs past the message. */
static void
test_attribute_past_the_end(void **state)
{
	struct msg	 m;
	struct nl_route	 r;
	struct nlattr	*a;
	int		 proto, rv;

	(void)state;
	route_start(&m, AF_INET, 32, 254, NL_PROTO);
	put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
	a = mnl_nlmsg_get_payload_tail(m.nlh);
	put_addr(&m, RTA_GATEWAY, AF_INET, "198.51.100.2");
	a->nla_len = 200;
	rv = parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto);
	/* Either refused, or the gateway not taken from beyond the end. */
	if (rv == 0)
		assert_int_equal(r.nnh, 0);
	else
		assert_int_equal(rv, -1);
}

static void
test_bad_family_and_dst_len(void **state)
{
	struct msg	m;
	struct nl_route	r;
	int		proto;

	(void)state;
	route_start(&m, AF_UNSPEC, 0, 254, NL_PROTO);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), -1);
	route_start(&m, AF_INET, 33, 254, NL_PROTO);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), -1);
	route_start(&m, AF_INET6, 129, 254, NL_PROTO);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), -1);
	route_start(&m, AF_INET6, 128, 254, NL_PROTO);
	assert_int_equal(parse_route(m.nlh, m.nlh->nlmsg_len, &r, &proto), 0);
}

static void
test_nlmsg_len_lies(void **state)
{
	struct msg	m;
	struct nl_route	r;
	struct nl_addr	a;
	int		proto;

	(void)state;
	route_start(&m, AF_INET, 32, 254, NL_PROTO);
	put_addr(&m, RTA_DST, AF_INET, "192.0.2.53");
	/* Shorter than nlmsghdr + rtmsg. */
	m.nlh->nlmsg_len = sizeof(struct nlmsghdr) + 4;
	assert_int_equal(parse_route(m.nlh, 64, &r, &proto), -1);
	/* Longer than the buffer. */
	m.nlh->nlmsg_len = 4096;
	assert_int_equal(parse_route(m.nlh, 64, &r, &proto), -1);
	m.nlh->nlmsg_len = 0;
	assert_int_equal(parse_route(m.nlh, 64, &r, &proto), -1);
	addr_start(&m, AF_INET, 32, 1);
	put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
	m.nlh->nlmsg_len = sizeof(struct nlmsghdr) + 2;
	assert_int_equal(parse_addr(m.nlh, 64, &a), -1);
	m.nlh->nlmsg_len = 4096;
	assert_int_equal(parse_addr(m.nlh, 64, &a), -1);
}

/* ---- addresses ---- */

static void
test_kernel_addr4(void **state)
{
	struct nl_addr a;

	(void)state;
	assert_int_equal(parse_addr(k_addr4, sizeof(k_addr4), &a), 0);
	assert_addr(&a.pfx.addr, AF_INET, "192.0.2.60");
	assert_int_equal(a.pfx.len, 32);
	assert_int_equal(a.ifindex, 1);
	assert_int_equal(a.ours, 0);		/* no IFA_PROTO */
	assert_int_equal(a.has_proto, 0);
	every_prefix(k_addr4, sizeof(k_addr4), 0);
}

static void
test_kernel_addr6_other_proto(void **state)
{
	struct nl_addr a;

	(void)state;
	assert_int_equal(parse_addr(k_addr6_ll, sizeof(k_addr6_ll), &a), 0);
	assert_int_equal(a.pfx.addr.family, AF_INET6);
	assert_int_equal(a.pfx.len, 64);
	assert_int_equal(a.ifindex, 2);
	assert_int_equal(a.ours, 0);		/* IFA_PROTO 3, not ours */
	assert_int_equal(a.has_proto, 1);
	every_prefix(k_addr6_ll, sizeof(k_addr6_ll), 0);
}

static void
test_addr_ours(void **state)
{
	struct msg	m;
	struct nl_addr	a;

	(void)state;
	addr_start(&m, AF_INET6, 128, 1);
	put_addr(&m, IFA_ADDRESS, AF_INET6, "2001:db8::53");
	mnl_attr_put_u8(m.nlh, IFA_PROTO, NL_PROTO);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), 0);
	assert_addr(&a.pfx.addr, AF_INET6, "2001:db8::53");
	assert_int_equal(a.ours, 1);
	every_prefix((const uint8_t *)m.nlh, m.nlh->nlmsg_len, 0);
}

/* Point-to-point: IFA_ADDRESS is the peer, IFA_LOCAL ours, either order. */
static void
test_addr_local_wins(void **state)
{
	struct msg	m;
	struct nl_addr	a;
	int		order;

	(void)state;
	for (order = 0; order < 2; order++) {
		addr_start(&m, AF_INET, 32, 4);
		if (order == 0) {
			put_addr(&m, IFA_ADDRESS, AF_INET, "198.51.100.99");
			put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
		} else {
			put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
			put_addr(&m, IFA_ADDRESS, AF_INET, "198.51.100.99");
		}
		assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), 0);
		assert_addr(&a.pfx.addr, AF_INET, "192.0.2.53");
	}
}

static void
test_addr_bad(void **state)
{
	uint8_t		zero[16] = { 0 };
	struct msg	m;
	struct nl_addr	a;

	(void)state;
	addr_start(&m, AF_INET, 32, 1);			/* no address */
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_INET, 33, 1);
	put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_PACKET, 0, 1);
	mnl_attr_put(m.nlh, IFA_LOCAL, 4, zero);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_INET, 32, 1);			/* v6-sized v4 */
	mnl_attr_put(m.nlh, IFA_LOCAL, 16, zero);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_INET6, 128, 1);		/* v4-sized v6 */
	mnl_attr_put(m.nlh, IFA_ADDRESS, 4, zero);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_INET, 32, 1);			/* IFA_PROTO size */
	put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
	mnl_attr_put(m.nlh, IFA_PROTO, 4, zero);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
	addr_start(&m, AF_INET, 32, 1);
	put_addr(&m, IFA_LOCAL, AF_INET, "192.0.2.53");
	mnl_attr_put(m.nlh, IFA_PROTO, 0, zero);
	assert_int_equal(parse_addr(m.nlh, m.nlh->nlmsg_len, &a), -1);
}

/* ---- garbage ---- */

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/*
 * Random bytes, with a plausible header now and then so that the parser
 * gets past its first checks: only 0 or -1, never a crash or an overread.
 */
static void
test_garbage(void **state)
{
	uint8_t		 buf[512];
	struct nl_route	 r;
	struct nl_addr	 a;
	uint32_t	 seed = 53;
	size_t		 len, i;
	int		 iter, rv, proto;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		len = lcg(&seed) % sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)lcg(&seed);
		if (len >= sizeof(struct nlmsghdr) && (iter & 1)) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)buf;

			nlh->nlmsg_len = (uint32_t)len;
			if (len > 16)
				buf[16] = (iter & 2) ? AF_INET : AF_INET6;
			if (len > 17)
				buf[17] %= 129;
		}
		rv = parse_route(buf, len, &r, &proto);
		assert_true(rv == 0 || rv == -1);
		if (rv == 0)
			assert_true(r.nnh <= NL_MAX_HOPS);
		rv = parse_addr(buf, len, &a);
		assert_true(rv == 0 || rv == -1);
	}
	memset(buf, 0, sizeof(buf));
	assert_int_equal(parse_route(buf, sizeof(buf), &r, &proto), -1);
	assert_int_equal(parse_addr(buf, sizeof(buf), &a), -1);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(parse_route(buf, sizeof(buf), &r, &proto), -1);
	assert_int_equal(parse_addr(buf, sizeof(buf), &a), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_single_hop),
		cmocka_unit_test(test_hop_flags),
		cmocka_unit_test(test_kernel_multipath_weights),
		cmocka_unit_test(test_kernel_ipv6_multipath),
		cmocka_unit_test(test_kernel_table_above_255),
		cmocka_unit_test(test_kernel_device_route),
		cmocka_unit_test(test_kernel_routes_every_prefix),
		cmocka_unit_test(test_table_from_header_without_rta_table),
		cmocka_unit_test(test_no_dst_is_the_default_route),
		cmocka_unit_test(test_weight_256),
		cmocka_unit_test(test_too_many_hops),
		cmocka_unit_test(test_bad_attribute_sizes),
		cmocka_unit_test(test_bad_gateway_inside_multipath),
		cmocka_unit_test(test_bogus_rtnh_len),
		cmocka_unit_test(test_attribute_past_the_end),
		cmocka_unit_test(test_bad_family_and_dst_len),
		cmocka_unit_test(test_nlmsg_len_lies),
		cmocka_unit_test(test_kernel_addr4),
		cmocka_unit_test(test_kernel_addr6_other_proto),
		cmocka_unit_test(test_addr_ours),
		cmocka_unit_test(test_addr_local_wins),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
