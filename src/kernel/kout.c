/* SPDX-License-Identifier: ISC */
/*
 * Kernel outputs.  A sync computes what the services call for -- their
 * addresses, and routes over the backends whose checks pass -- and moves
 * the kernel there from what it holds (the entries' views, kept true by
 * kout_scan.c) with the fewest requests: nothing is touched that is
 * already right, and only what anycastd installed (NL_PROTO) is ever
 * changed or removed.  Someone else's route or address on a prefix of
 * ours is reported and left alone.  A failed request is kept as an
 * error, shown in `anycastctl status`, and retried with backoff.
 */
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kout.h"
#include "svc.h"

#define RETRY_MIN_MS	1000
#define RETRY_MAX_MS	30000

static void	retry_cb(evutil_socket_t, short, void *);

void
kout_init(struct kout *k, struct event_base *base, struct hc_engine *hc)
{
	memset(k, 0, sizeof(*k));
	k->base = base;
	k->hc = hc;
	k->scan_ms = KOUT_SCAN_DEFAULT_MS;
}

static int
needs_kernel(const struct conf *c)
{
	const struct service_conf *s;

	for (s = c->services; s; s = s->next)
		if (s->address.present || s->route.present)
			return 1;
	return 0;
}

static int
create_links(struct kout *k, const struct conf *c, char *err, size_t len)
{
	const struct service_conf *s;

	for (s = c->services; s; s = s->next) {
		if (!s->address.present || !s->address.create ||
		    if_nametoindex(s->address.ifname) != 0)
			continue;
		if (nl_link_create_dummy(k->nl, s->address.ifname, err,
		    len) == -1)
			return -1;
		log_info("created dummy interface %s", s->address.ifname);
	}
	return 0;
}

/* Netlink opens with the first config that has kernel outputs. */
int
kout_configure(struct kout *k, const struct conf *c, char *err, size_t len)
{
	k->conf = c;
	k->scan_ms = c->kernel_scan_ms ? c->kernel_scan_ms :
	    KOUT_SCAN_DEFAULT_MS;
	if (k->nl == NULL && needs_kernel(c)) {
		if ((k->nl = nl_open(err, len)) == NULL)
			return -1;
		k->monitor = event_new(k->base, nl_monitor_fd(k->nl),
		    EV_READ | EV_PERSIST, kout_monitor_cb, k);
		k->retry = evtimer_new(k->base, retry_cb, k);
		if (k->monitor == NULL || k->retry == NULL)
			fatalx_oom();
		event_add(k->monitor, NULL);
	}
	/* Nothing is applied when an interface cannot be made. */
	if (k->nl && create_links(k, c, err, len) == -1)
		return -1;
	if (k->nl)
		kout_scan_start(k);
	kout_sync(k);
	return 0;
}

/* ---- entries ---- */

uint32_t
kout_metric(uint32_t metric, int family)
{
	/* The kernel stores an IPv6 route of metric 0 as 1024
	 * (IP6_RT_PRIO_USER); ask for that, so that what we ask for and
	 * what the kernel reports back compare equal. */
	return metric || family != AF_INET6 ? metric : 1024;
}

static int
same_route_key(const struct nl_route *a, const struct nl_route *b)
{
	return a->table == b->table && a->metric == b->metric &&
	    a->dst.len == b->dst.len && util_addr_eq(&a->dst.addr, &b->dst.addr);
}

int
kout_same_hops(const struct nl_route *a, const struct nl_route *b)
{
	size_t	i, j;
	int	weighed = a->nnh > 1;	/* the kernel keeps no weight for one */

	if (a->nnh != b->nnh)
		return 0;
	for (i = 0; i < a->nnh; i++) {
		for (j = 0; j < b->nnh; j++)
			if (util_addr_eq(&a->nh[i].gw, &b->nh[j].gw) &&
			    (!weighed || a->nh[i].weight == b->nh[j].weight) &&
			    (!a->nh[i].ifindex || !b->nh[j].ifindex ||
			    a->nh[i].ifindex == b->nh[j].ifindex))
				break;
		if (j == b->nnh)
			return 0;
	}
	return 1;
}

struct kout_entry *
kout_find(const struct kout *k, int is_route, const struct nl_addr *a,
    const struct nl_route *r)
{
	struct kout_entry *e;

	for (e = k->entries; e; e = e->next) {
		if (e->is_route != is_route)
			continue;
		if (is_route && same_route_key(&e->route, r))
			return e;
		if (!is_route && e->addr.ifindex == a->ifindex &&
		    e->addr.pfx.len == a->pfx.len &&
		    util_addr_eq(&e->addr.pfx.addr, &a->pfx.addr))
			return e;
	}
	return NULL;
}

/* The entry for a route's key or an address, made if new (not wanted). */
struct kout_entry *
kout_entry(struct kout *k, const char *service, int is_route,
    const struct nl_addr *a, const struct nl_route *r)
{
	struct kout_entry *e = kout_find(k, is_route, a, r);

	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->is_route = is_route;
		if (is_route)
			e->route = *r;
		else
			e->addr = *a;
		e->next = k->entries;
		k->entries = e;
	}
	snprintf(e->service, sizeof(e->service), "%s", service);
	return e;
}

static struct kout_entry *
want_entry(struct kout *k, const char *service, int is_route,
    const struct nl_addr *a, const struct nl_route *r)
{
	struct kout_entry *e = kout_entry(k, service, is_route, a, r);

	if (is_route)
		e->route = *r;		/* the wanted next hops */
	else
		e->addr = *a;
	e->wanted = 1;
	return e;
}

/* ---- what the services want ---- */

/* A healthy backend is degraded when one of its checks is. */
static int
backend_degraded(const struct hc_service *svc, int b)
{
	size_t i;

	for (i = 0; i < svc->nchecks; i++)
		if (svc->checks[i]->conf->backend == b &&
		    svc->checks[i]->track.state == HC_STATE_DEGRADED)
			return 1;
	return 0;
}

enum verdict { V_BAD, V_OK, V_UNDECIDED };

/*
 * A backend is healthy when every one of its checks passes; undecided
 * while one of them has no verdict yet (and none failed).
 */
static enum verdict
backend_verdict(const struct hc_service *svc, int b)
{
	enum verdict	v = V_OK;
	size_t		i;

	for (i = 0; i < svc->nchecks; i++) {
		enum hc_state s = svc->checks[i]->track.state;

		if (svc->checks[i]->conf->backend != b)
			continue;
		if (s == HC_STATE_INIT)
			v = V_UNDECIDED;
		else if (s != HC_STATE_UP && s != HC_STATE_DEGRADED)
			return V_BAD;
	}
	return v;
}

static int
has_hop(const struct nl_route *r, const struct addr *gw)
{
	size_t i;

	for (i = 0; i < r->nnh; i++)
		if (util_addr_eq(&r->nh[i].gw, gw))
			return 1;
	return 0;
}

static void
want_route(struct kout *k, const struct hc_service *svc,
    const struct prefix *pfx)
{
	const struct route_conf	*rc = &svc->conf->route;
	const struct kout_entry	*held;
	struct kout_entry	*e;
	struct nl_route		 r;
	char			 bad_dev[CONF_IFNAME_MAX] = "";
	enum verdict		 v;
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.dst = *pfx;
	r.table = rc->table;
	r.metric = kout_metric(rc->metric, pfx->addr.family);
	held = kout_find(k, 1, NULL, &r);
	for (i = 0; i < rc->nvias && r.nnh < NL_MAX_HOPS; i++) {
		if (rc->vias[i].gw.family != pfx->addr.family)
			continue;
		/* A backend without a verdict yet keeps what it has: its hop
		 * stays if the kernel holds it (adopted at a restart), and
		 * is not added before its checks pass. */
		v = backend_verdict(svc, (int)i);
		if (v == V_BAD || (v == V_UNDECIDED && !(held &&
		    held->installed && has_hop(&held->have, &rc->vias[i].gw))))
			continue;
		r.nh[r.nnh].gw = rc->vias[i].gw;
		r.nh[r.nnh].ifindex = rc->vias[i].dev[0] ?
		    if_nametoindex(rc->vias[i].dev) : 0;
		if (rc->vias[i].dev[0] && r.nh[r.nnh].ifindex == 0)
			snprintf(bad_dev, sizeof(bad_dev), "%s",
			    rc->vias[i].dev);
		r.nh[r.nnh].weight = backend_degraded(svc, (int)i) &&
		    rc->vias[i].degraded_weight ?
		    rc->vias[i].degraded_weight : rc->vias[i].weight;
		r.nnh++;
	}
	if (rc->nvias == 0) {
		r.nh[0].ifindex = if_nametoindex(rc->dev);
		r.nh[0].weight = 1;
		r.nnh = 1;
		if (r.nh[0].ifindex == 0)
			snprintf(bad_dev, sizeof(bad_dev), "%s", rc->dev);
	}
	if (r.nnh == 0)
		return;
	e = want_entry(k, svc->conf->name, 1, NULL, &r);
	snprintf(e->bad_dev, sizeof(e->bad_dev), "%s", bad_dev);
}

static void
want(struct kout *k, const struct hc_service *svc)
{
	const struct service_conf	*sc = svc->conf;
	struct nl_addr			 a;
	struct kout_entry		*e;
	int				 on = svc_announced(&svc->st);
	size_t				 i;

	for (i = 0; i < sc->nprefixes; i++) {
		if (sc->address.present && (on || !sc->address.dynamic)) {
			memset(&a, 0, sizeof(a));
			a.pfx = sc->prefixes[i];
			a.ifindex = if_nametoindex(sc->address.ifname);
			e = want_entry(k, sc->name, 0, &a, NULL);
			e->dynamic = sc->address.dynamic;
		}
		if (sc->route.present && on)
			want_route(k, svc, &sc->prefixes[i]);
	}
}

/* ---- moving the kernel ---- */

void
kout_fmt_prefix(const struct prefix *p, char *buf, size_t len)
{
	char a[64];

	snprintf(buf, len, "%s/%u", util_fmt_addr(&p->addr, a, sizeof(a)),
	    p->len);
}

/* "proto 4 metric 0 via 198.51.100.2 dev be1, via ..." as in ip(8). */
void
kout_fmt_route(const struct nl_route *r, char *buf, size_t len)
{
	char	 a[64], dev[IF_NAMESIZE];
	size_t	 i, off;

	off = (size_t)snprintf(buf, len, "proto %d metric %u", r->proto,
	    r->metric);
	for (i = 0; i < r->nnh && off < len; i++) {
		off += (size_t)snprintf(buf + off, len - off, "%s",
		    i ? "," : "");
		if (off < len && r->nh[i].gw.family)
			off += (size_t)snprintf(buf + off, len - off, " via %s",
			    util_fmt_addr(&r->nh[i].gw, a, sizeof(a)));
		if (off < len && r->nh[i].ifindex)
			off += (size_t)snprintf(buf + off, len - off, " dev %s",
			    if_indextoname(r->nh[i].ifindex, dev) ? dev : "?");
	}
	if (off < len && r->nnh == 0 && r->type != RTN_UNICAST)
		snprintf(buf + off, len - off, " type %d", r->type);
}

static int
fail(struct kout *k, struct kout_entry *e, const char *what, const char *err)
{
	char p[80];

	kout_fmt_prefix(e->is_route ? &e->route.dst : &e->addr.pfx, p,
	    sizeof(p));
	snprintf(e->error, sizeof(e->error), "%s %s: %s", what, p, err);
	snprintf(k->last_error, sizeof(k->last_error), "%s", e->error);
	k->errors++;
	log_warn("service %s: %s", e->service, e->error);
	return -1;
}

static int
install_route(struct kout *k, struct kout_entry *e)
{
	char	 err[256], p[80], there[200];
	int	 repair = e->installed;

	if (e->bad_dev[0]) {
		snprintf(err, sizeof(err), "no such interface %s", e->bad_dev);
		return fail(k, e, "route", err);
	}
	if (e->installed && kout_same_hops(&e->have, &e->route)) {
		e->error[0] = '\0';
		return 0;
	}
	/* Replace only our own route: a first install is exclusive, so
	 * another program's route for the same destination, table and
	 * metric is reported, never overwritten. */
	if (nl_route_replace(k->nl, &e->route, e->installed, err,
	    sizeof(err)) == -1) {
		if (strstr(err, "File exists") == NULL)
			return fail(k, e, "route", err);
		if (e->nforeign)
			kout_fmt_route(&e->foreign_r[0], there, sizeof(there));
		snprintf(err, sizeof(err), "another program's route is there "
		    "(%s): left alone", e->nforeign ? there :
		    "same table and metric");
		return fail(k, e, "route", err);
	}
	e->have = e->route;
	e->have.proto = NL_PROTO;
	e->have.type = RTN_UNICAST;
	e->installed = 1;
	e->error[0] = '\0';
	kout_fmt_prefix(&e->route.dst, p, sizeof(p));
	log_info("service %s: route %s %s, %zu next hop%s", e->service, p,
	    repair ? "updated" : "installed", e->route.nnh,
	    e->route.nnh == 1 ? "" : "s");
	return 0;
}

static int
install_addr(struct kout *k, struct kout_entry *e)
{
	char	 err[256], p[80];

	if (e->installed || e->foreign) {
		e->error[0] = '\0';
		return 0;
	}
	if (e->addr.ifindex == 0) {
		const struct hc_service *svc = hc_service_find(k->hc,
		    e->service);

		snprintf(err, sizeof(err), "no such interface %s",
		    svc ? svc->conf->address.ifname : "?");
		return fail(k, e, "address", err);
	}
	if (nl_addr_add(k->nl, &e->addr, err, sizeof(err)) == -1) {
		if (strstr(err, "File exists") == NULL)
			return fail(k, e, "address", err);
		/* Someone else's: used, never removed by us. */
		e->foreign = 1;
		e->error[0] = '\0';
		return 0;
	}
	kout_fmt_prefix(&e->addr.pfx, p, sizeof(p));
	log_info("service %s: address %s added", e->service, p);
	e->installed = e->added = 1;
	e->error[0] = '\0';
	return 0;
}

static int
uninstall(struct kout *k, struct kout_entry *e)
{
	char	 err[256], p[80];
	int	 rv;

	if (!e->installed)
		return 0;
	if (e->is_route)
		rv = nl_route_del(k->nl, &e->have, err, sizeof(err));
	else
		rv = nl_addr_del(k->nl, &e->addr, err, sizeof(err));
	kout_fmt_prefix(e->is_route ? &e->have.dst : &e->addr.pfx, p,
	    sizeof(p));
	if (rv == -1 && strstr(err, "No such") == NULL)
		return fail(k, e, e->is_route ? "removing route" :
		    "removing address", err);
	e->installed = 0;
	if (rv == -1)
		log_info("service %s: %s %s was already gone", e->service,
		    e->is_route ? "route" : "address", p);
	else
		log_info("service %s: %s %s removed", e->service,
		    e->is_route ? "route" : "address", p);
	return 0;
}

/* A service still waiting for its first verdict keeps what it has. */
static int
undecided(const struct kout *k, const char *service)
{
	const struct hc_service *svc = hc_service_find(k->hc, service);

	return svc && svc->st.state == SVC_INIT;
}

void
kout_act(struct kout *k)
{
	struct kout_entry	**ep, *e;
	int			 errors = 0;

	for (ep = &k->entries; (e = *ep) != NULL;) {
		if (!e->wanted) {
			if (e->installed && !undecided(k, e->service) &&
			    uninstall(k, e) == -1)
				errors++;
			if (!e->installed && !e->foreign) {
				*ep = e->next;
				free(e);
				continue;
			}
			if (!e->installed)
				e->error[0] = '\0';
		} else if ((e->is_route ? install_route(k, e) :
		    install_addr(k, e)) == -1)
			errors++;
		ep = &e->next;
	}
	if (errors == 0) {
		k->retry_ms = 0;
		k->last_error[0] = '\0';
		return;
	}
	/* Back off per retry, not per sync: checks may sync often. */
	if (evtimer_pending(k->retry, NULL))
		return;
	k->retry_ms = k->retry_ms ? k->retry_ms * 2 : RETRY_MIN_MS;
	if (k->retry_ms > RETRY_MAX_MS)
		k->retry_ms = RETRY_MAX_MS;
	{
		struct timeval tv = util_tv(k->retry_ms);

		evtimer_add(k->retry, &tv);
	}
}

void
kout_sync(struct kout *k)
{
	const struct hc_service	*svc;
	struct kout_entry	*e;

	if (k->nl == NULL)
		return;
	for (e = k->entries; e; e = e->next)
		e->wanted = 0;
	for (svc = k->hc->services; svc; svc = svc->next)
		want(k, svc);
	/* Until the kernel could be read, nothing is known to be ours. */
	if (!k->scanned && kout_scan(k) == -1) {
		struct timeval tv = util_tv(RETRY_MIN_MS);

		evtimer_add(k->retry, &tv);
		return;
	}
	kout_act(k);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	kout_sync(arg);
}

size_t
kout_foreign_count(const struct kout *k)
{
	const struct kout_entry	*e;
	size_t			 n = 0;

	for (e = k->entries; e; e = e->next)
		n += e->foreign != 0;
	return n;
}

/* Routes and dynamic addresses go; fixed addresses stay for the server. */
void
kout_shutdown(struct kout *k)
{
	struct kout_entry *e, *next;

	for (e = k->entries; e; e = next) {
		next = e->next;
		if (k->nl && (e->is_route || e->dynamic))
			uninstall(k, e);
		free(e);
	}
	k->entries = NULL;
	if (k->monitor)
		event_free(k->monitor);
	if (k->retry)
		event_free(k->retry);
	if (k->scan_timer)
		event_free(k->scan_timer);
	if (k->kick)
		event_free(k->kick);
	nl_close(k->nl);
	k->nl = NULL;
}
