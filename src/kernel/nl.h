/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_NL_H
#define ANYCASTD_NL_H

#include <stddef.h>
#include <stdint.h>

#include "sys/util.h"

/*
 * rtnetlink through libmnl: add and remove addresses and routes, list
 * ours, and watch for changes.  Every request asks for an ACK and a
 * failure comes back with the kernel's reason.  Everything anycastd
 * installs carries NL_PROTO (routes: rtm_protocol, addresses: IFA_PROTO),
 * which is how it recognizes its own after a crash and never touches
 * anything else.  contrib/rt_protos.d/anycastd.conf names it for ip(8).
 */

#define NL_PROTO	53	/* like DNS' port; not reserved in rt_protos */
#define NL_MAX_HOPS	32

struct nl_nexthop {
	struct addr	 gw;		/* family 0: a device route */
	unsigned	 ifindex;	/* 0: the kernel finds it from gw */
	unsigned	 weight;	/* 1..256 */
	unsigned	 flags;		/* RTNH_F_DEAD, _LINKDOWN: as read */
};

struct nl_route {
	struct prefix		 dst;
	uint32_t		 table;
	uint32_t		 metric;
	struct nl_nexthop	 nh[NL_MAX_HOPS];
	size_t			 nnh;
	int			 proto;		/* rtm_protocol, as read */
	int			 type;		/* rtm_type, as read */
};

struct nl_addr {
	struct prefix	 pfx;
	unsigned	 ifindex;
	int		 ours;		/* IFA_PROTO is NL_PROTO */
	int		 has_proto;	/* any IFA_PROTO (kernels >= 6.3) */
};

/* What the monitor saw: a route or address added, changed or removed
 * (any protocol), a link that changed, or an overflow (changes lost). */
enum nl_event_type { NL_EV_ROUTE, NL_EV_ADDR, NL_EV_LINK, NL_EV_OVERFLOW };

struct nl;

struct nl	*nl_open(char *err, size_t errlen);
void		 nl_close(struct nl *);

int	nl_addr_add(struct nl *, const struct nl_addr *, char *, size_t);
int	nl_addr_del(struct nl *, const struct nl_addr *, char *, size_t);
int	nl_route_replace(struct nl *, const struct nl_route *, int replace,
	    char *, size_t);
int	nl_route_del(struct nl *, const struct nl_route *, char *, size_t);
int	nl_link_create_dummy(struct nl *, const char *, char *, size_t);

typedef void nl_route_fn(void *arg, const struct nl_route *);
typedef void nl_addr_fn(void *arg, const struct nl_addr *);
/* Every route of every table (r->proto tells whose), and every
 * address (ours marked). */
int	nl_dump_routes(struct nl *, nl_route_fn *, void *, char *, size_t);
int	nl_dump_addrs(struct nl *, nl_addr_fn *, void *, char *, size_t);

/* The monitor socket: routes, addresses and links, added or removed. */
int	nl_monitor_fd(const struct nl *);
typedef void nl_event_fn(void *arg, enum nl_event_type, const struct nl_route *,
	    const struct nl_addr *);
void	nl_monitor_read(struct nl *, nl_event_fn *, void *);

/* Pure, for tests and the fuzzer: parse one RTM_*ROUTE message. */
int	nl_parse_route(const void *nlh, size_t len, struct nl_route *,
	    int *proto);
int	nl_parse_addr(const void *nlh, size_t len, struct nl_addr *);

#endif
