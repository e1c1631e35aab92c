/* SPDX-License-Identifier: ISC */
/*
 * What the kernel holds, read back: the entries' views of their routes
 * and addresses.  A scan dumps the routing tables and addresses and sets,
 * for each entry, whether the kernel holds ours and with which next hops,
 * and whose other route or address sits on the prefix.  Scans run at
 * start, soon after every netlink event that may concern us (routes on
 * our prefixes or of our protocol, connected routes, any address, any
 * link: Linux flushes IPv4 routes over a link that goes down without a
 * RTM_DELROUTE per route), and every
 * `kernel scan time` as a safety net against missed events, as BIRD's
 * kernel protocol scans.  A view that differs from what we last set is
 * logged and counted as a repair; the sync after the scan puts it right.
 *
 * The first scan also adopts what an earlier run left: routes and
 * addresses of ours (NL_PROTO) that the config still has a place for are
 * taken as installed; the rest are removed.  Only the first: by then the
 * daemon holds the namespace's lock (anycastd.c), so nothing of
 * NL_PROTO can belong to another live anycastd.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "kernel/kout.h"

/* Events come in bursts (one per route and address of a link that went
 * down): one scan for the burst, at most this often. */
#define KICK_MIN_MS	50

struct found {
	const struct kout	*k;
	struct nl_route		*routes;
	size_t			 nroutes;
	struct nl_addr		*addrs;
	size_t			 naddrs;
};

/* A configured route prefix in TABLE at DST: its service, or NULL. */
static const struct service_conf *
prefix_owner(const struct kout *k, const struct nl_route *r, int metric_too)
{
	const struct service_conf	*sc;
	size_t				 i;

	if (k->conf == NULL)
		return NULL;
	for (sc = k->conf->services; sc; sc = sc->next) {
		if (!sc->route.present || sc->route.table != r->table)
			continue;
		if (metric_too && kout_metric(sc->route.metric,
		    r->dst.addr.family) != r->metric)
			continue;
		for (i = 0; i < sc->nprefixes; i++)
			if (sc->prefixes[i].len == r->dst.len &&
			    util_addr_eq(&sc->prefixes[i].addr, &r->dst.addr))
				return sc;
	}
	return NULL;
}

static const struct service_conf *
addr_owner(const struct kout *k, const struct nl_addr *a)
{
	const struct service_conf	*sc;
	size_t				 i;

	for (sc = k->conf->services; sc; sc = sc->next) {
		if (!sc->address.present ||
		    if_nametoindex(sc->address.ifname) != a->ifindex)
			continue;
		for (i = 0; i < sc->nprefixes; i++)
			if (sc->prefixes[i].len == a->pfx.len &&
			    util_addr_eq(&sc->prefixes[i].addr, &a->pfx.addr))
				return sc;
	}
	return NULL;
}

/* Ours, or on a prefix of ours: all a scan keeps of a full table. */
static int
concerns_us(const struct kout *k, const struct nl_route *r)
{
	return r->proto == NL_PROTO || prefix_owner(k, r, 0) != NULL;
}

/* Dumps only collect: nothing may be sent on the socket mid-dump. */
static void
found_route(void *arg, const struct nl_route *r)
{
	struct found *f = arg;

	if (!concerns_us(f->k, r))
		return;
	f->routes = xreallocarray(f->routes, f->nroutes + 1, sizeof(*r));
	f->routes[f->nroutes++] = *r;
}

static void
found_addr(void *arg, const struct nl_addr *a)
{
	struct found *f = arg;

	f->addrs = xreallocarray(f->addrs, f->naddrs + 1, sizeof(*a));
	f->addrs[f->naddrs++] = *a;
}

/* The view before a scan, to tell what changed behind our back. */
struct before {
	struct kout_entry	*e;
	int			 installed;
	int			 foreign;
	struct nl_route		 have;
	char			 foreign_desc[200];
};

static void
foreign_desc(const struct kout_entry *e, char *buf, size_t len)
{
	char	 one[200];
	size_t	 i, off = 0;

	buf[0] = '\0';
	if (!e->is_route) {
		if (e->foreign)
			snprintf(buf, len, "an address not added by anycastd");
		return;
	}
	for (i = 0; i < e->nforeign && off < len; i++) {
		kout_fmt_route(&e->foreign_r[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? "; " : "", one);
	}
}

static void
add_foreign(struct kout_entry *e, const struct nl_route *r)
{
	e->foreign = 1;
	if (e->nforeign < KOUT_MAX_FOREIGN)
		e->foreign_r[e->nforeign++] = *r;
}

/* A route of NL_PROTO with no entry. */
static void
our_route(struct kout *k, const struct nl_route *r, int first)
{
	const struct service_conf	*sc = prefix_owner(k, r, 1);
	struct kout_entry		*e;
	char				 p[80], err[256];

	kout_fmt_prefix(&r->dst, p, sizeof(p));
	if (sc != NULL) {
		e = kout_entry(k, sc->name, 1, NULL, r);
		e->installed = 1;
		e->have = *r;
		log_info("service %s: adopting route %s (table %u) %s",
		    sc->name, p, r->table, first ? "from an earlier run" :
		    "of anycastd's protocol, found in the kernel");
		return;
	}
	if (!first) {
		log_debug("route %s (table %u) of protocol %d is not in the "
		    "config: left alone", p, r->table, NL_PROTO);
		return;
	}
	log_info("removing stale route %s (table %u) left by an earlier run",
	    p, r->table);
	if (nl_route_del(k->nl, r, err, sizeof(err)) == -1)
		log_warn("removing stale route %s: %s", p, err);
}

static void
other_route(struct kout *k, const struct nl_route *r)
{
	const struct service_conf	*sc;
	struct kout_entry		*e;
	struct nl_route			 key;
	int				 matched = 0;

	for (e = k->entries; e; e = e->next)
		if (e->is_route && e->route.table == r->table &&
		    e->route.dst.len == r->dst.len &&
		    util_addr_eq(&e->route.dst.addr, &r->dst.addr)) {
			add_foreign(e, r);
			matched = 1;
		}
	if (matched || (sc = prefix_owner(k, r, 0)) == NULL)
		return;
	/* On a prefix of ours not wanted now: shown all the same. */
	memset(&key, 0, sizeof(key));
	key.dst = r->dst;
	key.table = r->table;
	key.metric = kout_metric(sc->route.metric, r->dst.addr.family);
	add_foreign(kout_entry(k, sc->name, 1, NULL, &key), r);
}

static void
scan_routes(struct kout *k, const struct found *f, int first)
{
	struct kout_entry	*e;
	size_t			 i;

	for (i = 0; i < f->nroutes; i++) {
		const struct nl_route *r = &f->routes[i];

		if (r->proto != NL_PROTO) {
			other_route(k, r);
			continue;
		}
		if ((e = kout_find(k, 1, NULL, r)) != NULL) {
			e->installed = 1;
			e->have = *r;
			if (first) {
				char p[80];

				kout_fmt_prefix(&r->dst, p, sizeof(p));
				log_info("service %s: adopting route %s from an "
				    "earlier run%s", e->service, p, e->wanted ?
				    "" : ", kept until its checks decide");
			}
			continue;
		}
		our_route(k, r, first);
	}
}

static void
scan_addrs(struct kout *k, const struct found *f, int first)
{
	const struct service_conf	*sc;
	struct kout_entry		*e;
	char				 p[80], err[256];
	size_t				 i;
	int				 has_proto = 0;

	/* A kernel with IFA_PROTO (6.3 on) marks some address with it, if
	 * only IPv6 link-local ones (kernel_ll). */
	for (i = 0; i < f->naddrs; i++)
		has_proto |= f->addrs[i].has_proto;
	for (i = 0; i < f->naddrs; i++) {
		const struct nl_addr *a = &f->addrs[i];

		if ((e = kout_find(k, 0, a, NULL)) != NULL) {
			/* A kernel without IFA_PROTO (before 6.3) cannot
			 * say whose it is: ours if this run added it. */
			if (a->ours || (!has_proto && e->added))
				e->installed = 1;
			else
				e->foreign = 1;
			continue;
		}
		if (!a->ours)
			continue;
		kout_fmt_prefix(&a->pfx, p, sizeof(p));
		if ((sc = addr_owner(k, a)) != NULL) {
			e = kout_entry(k, sc->name, 0, a, NULL);
			e->installed = 1;
			e->dynamic = sc->address.dynamic;
			continue;
		}
		if (!first)
			continue;
		log_info("removing stale address %s left by an earlier run", p);
		if (nl_addr_del(k->nl, a, err, sizeof(err)) == -1)
			log_warn("removing stale address %s: %s", p, err);
	}
}

/* Say what changed behind our back; count what the sync will repair. */
static void
report(struct kout *k, const struct before *b)
{
	struct kout_entry	*e = b->e;
	char			 p[80], was[200], now[200];
	const char		*kind = e->is_route ? "route" : "address";

	kout_fmt_prefix(e->is_route ? &e->route.dst : &e->addr.pfx, p,
	    sizeof(p));
	if (e->wanted && b->installed && !e->installed) {
		k->repairs++;
		log_warn("service %s: %s %s is gone from the kernel (a link "
		    "went down, or someone removed it); putting it back",
		    e->service, kind, p);
	} else if (e->wanted && e->is_route && b->installed && e->installed &&
	    !kout_same_hops(&b->have, &e->have)) {
		k->repairs++;
		kout_fmt_route(&e->have, now, sizeof(now));
		log_warn("service %s: route %s was changed by someone else "
		    "(the kernel had %s); repairing", e->service, p, now);
	}
	foreign_desc(e, now, sizeof(now));
	snprintf(was, sizeof(was), "%s", b->foreign_desc);
	if (strcmp(was, now) == 0)
		return;
	if (now[0])
		log_warn("service %s: %s %s: another program's is in the "
		    "kernel (%s): reported, left alone", e->service, kind, p,
		    now);
	else
		log_info("service %s: %s %s: the other program's is gone",
		    e->service, kind, p);
}

int
kout_scan(struct kout *k)
{
	struct found		 f;
	struct before		*b;
	struct kout_entry	*e;
	size_t			 n = 0, i;
	char			 err[256];
	int			 first = !k->scanned;

	memset(&f, 0, sizeof(f));
	f.k = k;
	if (nl_dump_routes(k->nl, found_route, &f, err, sizeof(err)) == -1 ||
	    nl_dump_addrs(k->nl, found_addr, &f, err, sizeof(err)) == -1) {
		log_warn("reading the kernel's routes and addresses: %s", err);
		free(f.routes);
		free(f.addrs);
		return -1;
	}
	for (e = k->entries; e; e = e->next)
		n++;
	b = xcalloc(n + 1, sizeof(*b));
	for (i = 0, e = k->entries; e; e = e->next, i++) {
		b[i].e = e;
		b[i].installed = e->installed;
		b[i].foreign = e->foreign;
		b[i].have = e->have;
		foreign_desc(e, b[i].foreign_desc, sizeof(b[i].foreign_desc));
		e->installed = e->foreign = 0;
		e->nforeign = 0;
	}
	scan_routes(k, &f, first);
	scan_addrs(k, &f, first);
	/* Entries the scan made were put first, before the old ones. */
	for (e = k->entries; e && e != b[0].e; e = e->next) {
		struct before none;

		memset(&none, 0, sizeof(none));
		none.e = e;
		report(k, &none);
	}
	for (i = 0; i < n; i++)
		report(k, &b[i]);
	free(b);
	free(f.routes);
	free(f.addrs);
	k->scanned = 1;
	k->scans++;
	k->last_scan = util_now_ms();
	return 0;
}

/* ---- when to scan ---- */

static void
scan_and_sync(struct kout *k)
{
	if (kout_scan(k) == 0)
		kout_sync(k);
}

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	scan_and_sync(arg);
}

static void
scan_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	scan_and_sync(arg);
}

/* A scan soon: at once, unless one ran in the last KICK_MIN_MS. */
static void
kick(struct kout *k)
{
	uint64_t	now = util_now_ms();
	struct timeval	tv;

	if (evtimer_pending(k->kick, NULL))
		return;
	tv = util_tv(k->last_scan + KICK_MIN_MS > now ?
	    k->last_scan + KICK_MIN_MS - now : 0);
	evtimer_add(k->kick, &tv);
}

/* The timers, made once; a reload may change the scan time. */
void
kout_scan_start(struct kout *k)
{
	struct timeval tv;

	if (k->kick == NULL) {
		k->kick = evtimer_new(k->base, kick_cb, k);
		k->scan_timer = event_new(k->base, -1, EV_PERSIST, scan_cb, k);
		if (k->kick == NULL || k->scan_timer == NULL)
			fatalx_oom();
	}
	tv = util_tv(k->scan_ms);
	event_add(k->scan_timer, &tv);
}

static void
on_kernel_event(void *arg, enum nl_event_type type, const struct nl_route *r,
    const struct nl_addr *a)
{
	struct kout *k = arg;

	(void)a;
	/* Routes elsewhere (a full table being learnt) are not ours to
	 * watch, but connected ones (protocol kernel) make next hops
	 * reachable; addresses and links are few and may all matter. */
	if (type == NL_EV_ROUTE && !concerns_us(k, r) &&
	    r->proto != RTPROT_KERNEL)
		return;
	kick(k);
}

void
kout_monitor_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kout *k = arg;

	(void)fd;
	(void)what;
	nl_monitor_read(k->nl, on_kernel_event, k);
}
