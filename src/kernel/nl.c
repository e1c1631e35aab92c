/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink, through libmnl.  Two sockets: one for requests, each sent
 * with NLM_F_ACK and answered before the next (the kernel answers at
 * once, so the loop never waits long), and one subscribed to route and
 * address changes.  Messages from the kernel are parsed against a table
 * of the attributes we read and their sizes; a message that does not fit
 * is ignored, never half-read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "sys/log.h"
#include "kernel/nl.h"

struct nl {
	struct mnl_socket	*req;
	struct mnl_socket	*mon;
	uint32_t		 seq;
};

static void
set_err(char *err, size_t len, const char *what)
{
	snprintf(err, len, "%s: %s", what, strerror(errno));
}

struct nl *
nl_open(char *err, size_t errlen)
{
	struct nl	*n = xcalloc(1, sizeof(*n));
	unsigned	 groups = RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE |
			    RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			    RTMGRP_LINK;

	n->seq = (uint32_t)util_now_ms();
	if ((n->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(n->req, 0, MNL_SOCKET_AUTOPID) == -1 ||
	    (n->mon = mnl_socket_open2(NETLINK_ROUTE,
	    SOCK_CLOEXEC | SOCK_NONBLOCK)) == NULL ||
	    mnl_socket_bind(n->mon, groups, MNL_SOCKET_AUTOPID) == -1) {
		set_err(err, errlen, "netlink");
		nl_close(n);
		return NULL;
	}
	return n;
}

void
nl_close(struct nl *n)
{
	if (n == NULL)
		return;
	if (n->req)
		mnl_socket_close(n->req);
	if (n->mon)
		mnl_socket_close(n->mon);
	free(n);
}

int
nl_monitor_fd(const struct nl *n)
{
	return mnl_socket_get_fd(n->mon);
}

/* Send NLH and read until its ACK; -1 with the kernel's reason. */
static int
run(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg, char *err,
    size_t errlen, const char *what)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t	 portid = mnl_socket_get_portid(n->req);
	ssize_t		 len;
	int		 ret;

	nlh->nlmsg_seq = ++n->seq;
	if (mnl_socket_sendto(n->req, nlh, nlh->nlmsg_len) == -1) {
		set_err(err, errlen, what);
		return -1;
	}
	do {
		len = mnl_socket_recvfrom(n->req, buf, sizeof(buf));
		if (len == -1) {
			set_err(err, errlen, what);
			return -1;
		}
		ret = mnl_cb_run(buf, (size_t)len, nlh->nlmsg_seq, portid, cb,
		    arg);
	} while (ret > MNL_CB_STOP);
	if (ret == -1) {
		set_err(err, errlen, what);
		return -1;
	}
	return 0;
}

static size_t
addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* ---- addresses ---- */

static struct nlmsghdr *
addr_msg(char *buf, uint16_t type, uint16_t flags, const struct nl_addr *a)
{
	struct nlmsghdr	*nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->pfx.addr.family;
	ifa->ifa_prefixlen = a->pfx.len;
	ifa->ifa_flags = a->pfx.addr.family == AF_INET6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = a->ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->pfx.addr.family),
	    &a->pfx.addr.u);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->pfx.addr.family),
	    &a->pfx.addr.u);
	return nlh;
}

/* EXCL: an address already there is someone else's, never taken over. */
int
nl_addr_add(struct nl *n, const struct nl_addr *a, char *err, size_t errlen)
{
	char		 buf[512];
	struct nlmsghdr	*nlh = addr_msg(buf, RTM_NEWADDR,
			    NLM_F_CREATE | NLM_F_EXCL, a);

	mnl_attr_put_u8(nlh, IFA_PROTO, NL_PROTO);
	return run(n, nlh, NULL, NULL, err, errlen, "adding address");
}

int
nl_addr_del(struct nl *n, const struct nl_addr *a, char *err, size_t errlen)
{
	char buf[512];

	return run(n, addr_msg(buf, RTM_DELADDR, 0, a), NULL, NULL, err,
	    errlen, "removing address");
}

/* ---- routes ---- */

static void
put_hops(struct nlmsghdr *nlh, const struct nl_route *r)
{
	const struct nl_nexthop	*h = &r->nh[0];
	struct nlattr		*nest;
	struct rtnexthop	*rtnh;
	size_t			 i;

	if (r->nnh == 1) {
		if (h->gw.family)
			mnl_attr_put(nlh, RTA_GATEWAY, addr_len(h->gw.family),
			    &h->gw.u);
		if (h->ifindex)
			mnl_attr_put_u32(nlh, RTA_OIF, h->ifindex);
		return;
	}
	/* RTA_MULTIPATH: struct rtnexthop, each followed by its gateway. */
	nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	for (i = 0; i < r->nnh; i++) {
		h = &r->nh[i];
		rtnh = mnl_nlmsg_get_payload_tail(nlh);
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_hops = (unsigned char)(h->weight - 1);
		rtnh->rtnh_ifindex = (int)h->ifindex;
		if (h->gw.family)
			mnl_attr_put(nlh, RTA_GATEWAY, addr_len(h->gw.family),
			    &h->gw.u);
		rtnh->rtnh_len = (unsigned short)((char *)
		    mnl_nlmsg_get_payload_tail(nlh) - (char *)rtnh);
	}
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *
route_msg(char *buf, uint16_t type, uint16_t flags, const struct nl_route *r)
{
	struct nlmsghdr	*nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg	*rtm;
	int		 gw = r->nnh > 0 && r->nh[0].gw.family;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->dst.addr.family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = NL_PROTO;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, addr_len(r->dst.addr.family),
	    &r->dst.addr.u);
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	return nlh;
}

/* REPLACE: ours is there already; else EXCL, never someone else's. */
int
nl_route_replace(struct nl *n, const struct nl_route *r, int replace,
    char *err, size_t errlen)
{
	char		 buf[4096];
	struct nlmsghdr	*nlh = route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE |
			    (replace ? NLM_F_REPLACE : NLM_F_EXCL), r);

	put_hops(nlh, r);
	return run(n, nlh, NULL, NULL, err, errlen, "installing route");
}

int
nl_route_del(struct nl *n, const struct nl_route *r, char *err, size_t errlen)
{
	char buf[1024];

	return run(n, route_msg(buf, RTM_DELROUTE, 0, r), NULL, NULL, err,
	    errlen, "removing route");
}

/* ---- parsing what the kernel sends ---- */

static int
get_addr(const struct nlattr *a, int family, struct addr *out)
{
	if (mnl_attr_get_payload_len(a) != addr_len(family))
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(&out->u, mnl_attr_get_payload(a), addr_len(family));
	return 0;
}

static int
parse_multipath(const struct nlattr *a, int family, struct nl_route *r)
{
	const struct rtnexthop	*rtnh = mnl_attr_get_payload(a);
	int			 left = (int)mnl_attr_get_payload_len(a);
	const struct nlattr	*in;
	size_t			 ilen;

	/* RTNH_OK reads rtnh_len: first make sure the header is there. */
	for (; left >= (int)sizeof(*rtnh) && RTNH_OK(rtnh, left);
	    left -= (int)RTNH_ALIGN(rtnh->rtnh_len), rtnh = RTNH_NEXT(rtnh)) {
		struct nl_nexthop *h;

		if (r->nnh == NL_MAX_HOPS)
			return -1;
		h = &r->nh[r->nnh++];
		memset(h, 0, sizeof(*h));
		h->ifindex = (unsigned)rtnh->rtnh_ifindex;
		h->weight = rtnh->rtnh_hops + 1u;
		h->flags = rtnh->rtnh_flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN);
		ilen = rtnh->rtnh_len - sizeof(*rtnh);
		for (in = (const struct nlattr *)RTNH_DATA(rtnh);
		    mnl_attr_ok(in, (int)ilen);
		    ilen -= MNL_ALIGN(in->nla_len), in = mnl_attr_next(in))
			if (mnl_attr_get_type(in) == RTA_GATEWAY &&
			    get_addr(in, family, &h->gw) == -1)
				return -1;
	}
	return 0;
}

/*
 * The attributes after a fixed header of HDRLEN, bounded by nlmsg_len
 * itself: mnl_attr_for_each stops at the aligned end, which for a last
 * message of odd length lies past what was received.
 */
#define ATTR_FOREACH(a, nlh, hdrlen)					\
	for ((a) = (const struct nlattr *)((const char *)		\
	    mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdrlen));		\
	    mnl_attr_ok((a), (int)((const char *)(nlh) +		\
	    (nlh)->nlmsg_len - (const char *)(a)));			\
	    (a) = mnl_attr_next(a))

/* Attributes we read and the size each must have (0: variable). */
static const struct { uint16_t type; uint16_t len; } route_attrs[] = {
	{ RTA_OIF, 4 }, { RTA_PRIORITY, 4 }, { RTA_TABLE, 4 },
	{ RTA_DST, 0 }, { RTA_GATEWAY, 0 }, { RTA_MULTIPATH, 0 },
};

static int
attr_size_ok(const struct nlattr *a)
{
	size_t i;

	for (i = 0; i < nitems(route_attrs); i++)
		if (route_attrs[i].type == mnl_attr_get_type(a))
			return route_attrs[i].len == 0 ||
			    mnl_attr_get_payload_len(a) == route_attrs[i].len;
	return 1;	/* not ours to read */
}

int
nl_parse_route(const void *buf, size_t len, struct nl_route *r, int *proto)
{
	const struct nlmsghdr	*nlh = buf;
	const struct rtmsg	*rtm;
	const struct nlattr	*a;
	struct nl_nexthop	 single;
	int			 fam;

	if (len < sizeof(*nlh) || nlh->nlmsg_len > len ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	fam = rtm->rtm_family;
	if ((fam != AF_INET && fam != AF_INET6) ||
	    rtm->rtm_dst_len > (fam == AF_INET ? 32 : 128))
		return -1;
	memset(r, 0, sizeof(*r));
	memset(&single, 0, sizeof(single));
	single.weight = 1;
	r->dst.addr.family = fam;
	r->dst.len = rtm->rtm_dst_len;
	r->table = rtm->rtm_table;
	r->proto = *proto = rtm->rtm_protocol;
	r->type = rtm->rtm_type;
	single.flags = rtm->rtm_flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN);
	ATTR_FOREACH(a, nlh, sizeof(*rtm)) {
		if (!attr_size_ok(a))
			return -1;
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			if (get_addr(a, fam, &r->dst.addr) == -1)
				return -1;
			break;
		case RTA_GATEWAY:
			if (get_addr(a, fam, &single.gw) == -1)
				return -1;
			break;
		case RTA_OIF:
			single.ifindex = mnl_attr_get_u32(a);
			break;
		case RTA_PRIORITY:
			r->metric = mnl_attr_get_u32(a);
			break;
		case RTA_TABLE:
			r->table = mnl_attr_get_u32(a);
			break;
		case RTA_MULTIPATH:
			if (parse_multipath(a, fam, r) == -1)
				return -1;
			break;
		}
	}
	if (r->nnh == 0 && (single.gw.family || single.ifindex))
		r->nh[r->nnh++] = single;
	return 0;
}

int
nl_parse_addr(const void *buf, size_t len, struct nl_addr *out)
{
	const struct nlmsghdr	*nlh = buf;
	const struct ifaddrmsg	*ifa;
	const struct nlattr	*a;
	int			 have = 0;

	if (len < sizeof(*nlh) || nlh->nlmsg_len > len ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return -1;
	ifa = mnl_nlmsg_get_payload(nlh);
	if ((ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    ifa->ifa_prefixlen > (ifa->ifa_family == AF_INET ? 32 : 128))
		return -1;
	memset(out, 0, sizeof(*out));
	out->pfx.len = ifa->ifa_prefixlen;
	out->ifindex = ifa->ifa_index;
	ATTR_FOREACH(a, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(a)) {
		case IFA_LOCAL:
		case IFA_ADDRESS:
			/* IFA_LOCAL wins: on point-to-point links
			 * IFA_ADDRESS is the peer's. */
			if (have && mnl_attr_get_type(a) == IFA_ADDRESS)
				break;
			if (get_addr(a, ifa->ifa_family, &out->pfx.addr) == -1)
				return -1;
			have = mnl_attr_get_type(a) == IFA_LOCAL;
			if (!have)
				have = 2;
			break;
		case IFA_PROTO:
			if (mnl_attr_get_payload_len(a) != 1)
				return -1;
			out->ours = mnl_attr_get_u8(a) == NL_PROTO;
			out->has_proto = 1;
			break;
		}
	}
	return out->pfx.addr.family ? 0 : -1;
}

/* ---- dumps and the monitor ---- */

struct dump {
	nl_route_fn	*route_fn;
	nl_addr_fn	*addr_fn;
	void		*arg;
};

static int
dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump	*d = arg;
	struct nl_route	 r;
	struct nl_addr	 a;
	int		 proto;

	if (nlh->nlmsg_type == RTM_NEWROUTE && d->route_fn &&
	    nl_parse_route(nlh, nlh->nlmsg_len, &r, &proto) == 0)
		d->route_fn(d->arg, &r);
	if (nlh->nlmsg_type == RTM_NEWADDR && d->addr_fn &&
	    nl_parse_addr(nlh, nlh->nlmsg_len, &a) == 0)
		d->addr_fn(d->arg, &a);
	return MNL_CB_OK;
}

static int
dump(struct nl *n, uint16_t type, int family, struct dump *d, char *err,
    size_t errlen)
{
	char		 buf[512];
	struct nlmsghdr	*nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg	*g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, type == RTM_GETROUTE ?
	    sizeof(struct rtmsg) : sizeof(struct ifaddrmsg));
	g->rtgen_family = (uint8_t)family;
	return run(n, nlh, dump_cb, d, err, errlen, "netlink dump");
}

int
nl_dump_routes(struct nl *n, nl_route_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct dump d = { fn, NULL, arg };

	if (dump(n, RTM_GETROUTE, AF_INET, &d, err, errlen) == -1)
		return -1;
	return dump(n, RTM_GETROUTE, AF_INET6, &d, err, errlen);
}

int
nl_dump_addrs(struct nl *n, nl_addr_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct dump d = { NULL, fn, arg };

	if (dump(n, RTM_GETADDR, AF_INET, &d, err, errlen) == -1)
		return -1;
	return dump(n, RTM_GETADDR, AF_INET6, &d, err, errlen);
}

struct monitor {
	nl_event_fn	*fn;
	void		*arg;
};

static int
monitor_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor	*m = arg;
	struct nl_route	 r;
	struct nl_addr	 a;
	int		 proto;

	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (nl_parse_route(nlh, nlh->nlmsg_len, &r, &proto) == 0)
			m->fn(m->arg, NL_EV_ROUTE, &r, NULL);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nl_parse_addr(nlh, nlh->nlmsg_len, &a) == 0)
			m->fn(m->arg, NL_EV_ADDR, NULL, &a);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		/* Up, down, carrier: IPv4 flushes routes over a link that
		 * goes down without an RTM_DELROUTE for each. */
		m->fn(m->arg, NL_EV_LINK, NULL, NULL);
		break;
	}
	return MNL_CB_OK;
}

void
nl_monitor_read(struct nl *n, nl_event_fn *fn, void *arg)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	struct monitor	 m = { fn, arg };
	ssize_t		 len;

	while ((len = mnl_socket_recvfrom(n->mon, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)len, 0, 0, monitor_cb, &m);
	if (len == -1 && errno == ENOBUFS) {
		log_warn("netlink monitor overflowed: some changes were "
		    "missed; reading the kernel's tables again");
		fn(arg, NL_EV_OVERFLOW, NULL, NULL);
	}
}

/* A dummy interface, for `address IFACE create`; up at once. */
int
nl_link_create_dummy(struct nl *n, const char *name, char *err, size_t errlen)
{
	char		 buf[512];
	struct nlmsghdr	*nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr	*info;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
	    NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(nlh, info);
	if (run(n, nlh, NULL, NULL, err, errlen, "creating interface") == 0)
		return 0;
	if (errno == EOPNOTSUPP)
		snprintf(err, errlen, "cannot create %s: this kernel has no "
		    "dummy interface driver (%s)", name, strerror(errno));
	return -1;
}
