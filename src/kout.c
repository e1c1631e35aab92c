/* SPDX-License-Identifier: ISC */
/*
 * Kernel outputs.  A sync computes what the services call for -- their
 * addresses, and routes over the backends whose checks pass -- and moves
 * the kernel there with the fewest requests: nothing is touched that is
 * already right, and only what anycastd installed (NL_PROTO) is ever
 * changed or removed.  A failed request is kept as an error, shown in
 * `anycastctl status`, and retried with backoff.  At start, routes and
 * addresses of ours left by an earlier run are adopted when wanted and
 * removed when not; the monitor puts back what someone deletes by hand.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kout.h"
#include "svc.h"

#define RETRY_MIN_MS	1000
#define RETRY_MAX_MS	30000

static void	monitor_cb(evutil_socket_t, short, void *);
static void	retry_cb(evutil_socket_t, short, void *);

void
kout_init(struct kout *k, struct event_base *base, struct hc_engine *hc)
{
	memset(k, 0, sizeof(*k));
	k->base = base;
	k->hc = hc;
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
	if (k->nl == NULL && needs_kernel(c)) {
		if ((k->nl = nl_open(err, len)) == NULL)
			return -1;
		k->monitor = event_new(k->base, nl_monitor_fd(k->nl),
		    EV_READ | EV_PERSIST, monitor_cb, k);
		k->retry = evtimer_new(k->base, retry_cb, k);
		if (k->monitor == NULL || k->retry == NULL)
			fatalx_oom();
		event_add(k->monitor, NULL);
	}
	/* Nothing is applied when an interface cannot be made. */
	if (k->nl && create_links(k, c, err, len) == -1)
		return -1;
	kout_sync(k);
	return 0;
}

/* ---- what the services want ---- */

static int
same_route_key(const struct nl_route *a, const struct nl_route *b)
{
	return a->table == b->table && a->metric == b->metric &&
	    a->dst.len == b->dst.len && util_addr_eq(&a->dst.addr, &b->dst.addr);
}

static int
same_hops(const struct nl_route *a, const struct nl_route *b)
{
	size_t i, j;

	if (a->nnh != b->nnh)
		return 0;
	for (i = 0; i < a->nnh; i++) {
		for (j = 0; j < b->nnh; j++)
			if (util_addr_eq(&a->nh[i].gw, &b->nh[j].gw) &&
			    a->nh[i].weight == b->nh[j].weight &&
			    (!a->nh[i].ifindex || !b->nh[j].ifindex ||
			    a->nh[i].ifindex == b->nh[j].ifindex))
				break;
		if (j == b->nnh)
			return 0;
	}
	return 1;
}

static struct kout_entry *
find(struct kout *k, int is_route, const struct nl_addr *a,
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

static struct kout_entry *
entry(struct kout *k, const char *service, int is_route,
    const struct nl_addr *a, const struct nl_route *r)
{
	struct kout_entry *e = find(k, is_route, a, r);

	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->is_route = is_route;
		e->next = k->entries;
		k->entries = e;
	}
	snprintf(e->service, sizeof(e->service), "%s", service);
	if (is_route)
		e->route = *r;		/* the wanted next hops */
	else
		e->addr = *a;
	e->seen = 1;
	return e;
}

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

/* A backend is healthy when every one of its checks passes. */
static int
backend_ok(const struct hc_service *svc, int b)
{
	size_t i;

	for (i = 0; i < svc->nchecks; i++) {
		enum hc_state s = svc->checks[i]->track.state;

		if (svc->checks[i]->conf->backend == b &&
		    s != HC_STATE_UP && s != HC_STATE_DEGRADED)
			return 0;
	}
	return 1;
}

static void
want_route(struct kout *k, const struct hc_service *svc,
    const struct prefix *pfx)
{
	const struct route_conf	*rc = &svc->conf->route;
	struct kout_entry	*e;
	struct nl_route		 r;
	char			 bad_dev[CONF_IFNAME_MAX] = "";
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.dst = *pfx;
	r.table = rc->table;
	/* The kernel stores an IPv6 route of metric 0 as 1024
	 * (IP6_RT_PRIO_USER); ask for that, so that what we ask for and what
	 * the kernel reports back compare equal. */
	r.metric = rc->metric || pfx->addr.family != AF_INET6 ? rc->metric :
	    1024;
	for (i = 0; i < rc->nvias && r.nnh < NL_MAX_HOPS; i++) {
		if (rc->vias[i].gw.family != pfx->addr.family ||
		    !backend_ok(svc, (int)i))
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
	e = entry(k, svc->conf->name, 1, NULL, &r);
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
			e = entry(k, sc->name, 0, &a, NULL);
			e->dynamic = sc->address.dynamic;
		}
		if (sc->route.present && on)
			want_route(k, svc, &sc->prefixes[i]);
	}
}

/* ---- moving the kernel ---- */

static void
fmt_prefix(const struct prefix *p, char *buf, size_t len)
{
	char a[64];

	snprintf(buf, len, "%s/%u", util_fmt_addr(&p->addr, a, sizeof(a)),
	    p->len);
}

static int
fail(struct kout *k, struct kout_entry *e, const char *what, const char *err)
{
	char p[80];

	fmt_prefix(e->is_route ? &e->route.dst : &e->addr.pfx, p, sizeof(p));
	snprintf(e->error, sizeof(e->error), "%s %s: %s", what, p, err);
	snprintf(k->last_error, sizeof(k->last_error), "%s", e->error);
	k->errors++;
	log_warn("service %s: %s", e->service, e->error);
	return -1;
}

static int
install(struct kout *k, struct kout_entry *e)
{
	char	 err[256], p[80];

	if (e->is_route) {
		if (e->bad_dev[0]) {
			snprintf(err, sizeof(err), "no such interface %s",
			    e->bad_dev);
			return fail(k, e, "route", err);
		}
		if (e->installed && same_hops(&e->have, &e->route))
			return 0;
		/* Replace only our own route: a first install is exclusive, so
		 * another program's route for the same destination, table
		 * and metric is reported, never overwritten. */
		if (nl_route_replace(k->nl, &e->route, e->installed, err,
		    sizeof(err)) == -1)
			return fail(k, e, "route", strstr(err, "File exists") ?
			    "another route with this table and metric exists "
			    "(not ours: left alone)" : err);
		e->have = e->route;
		fmt_prefix(&e->route.dst, p, sizeof(p));
		log_info("service %s: route %s installed, %zu next hop%s",
		    e->service, p, e->route.nnh, e->route.nnh == 1 ? "" : "s");
	} else {
		if (e->installed || e->foreign)
			return 0;
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
		fmt_prefix(&e->addr.pfx, p, sizeof(p));
		log_info("service %s: address %s added", e->service, p);
	}
	e->installed = 1;
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
	/* Forget it first: the monitor must not take our own delete for
	 * someone else's. */
	e->installed = 0;
	if (e->is_route)
		rv = nl_route_del(k->nl, &e->have, err, sizeof(err));
	else
		rv = nl_addr_del(k->nl, &e->addr, err, sizeof(err));
	if (rv == -1 && strstr(err, "No such") == NULL) {
		e->installed = 1;
		return fail(k, e, e->is_route ? "removing route" :
		    "removing address", err);
	}
	fmt_prefix(e->is_route ? &e->have.dst : &e->addr.pfx, p, sizeof(p));
	log_info("service %s: %s %s removed", e->service,
	    e->is_route ? "route" : "address", p);
	return 0;
}

/* ---- adopting what an earlier run left ---- */

struct found {
	struct nl_route	*routes;
	size_t		 nroutes;
	struct nl_addr	*addrs;
	size_t		 naddrs;
};

/* Dumps only collect: nothing may be sent on the socket mid-dump. */
static void
found_route(void *arg, const struct nl_route *r)
{
	struct found *f = arg;

	f->routes = xreallocarray(f->routes, f->nroutes + 1, sizeof(*r));
	f->routes[f->nroutes++] = *r;
}

static void
found_addr(void *arg, const struct nl_addr *a)
{
	struct found *f = arg;

	if (!a->ours)
		return;
	f->addrs = xreallocarray(f->addrs, f->naddrs + 1, sizeof(*a));
	f->addrs[f->naddrs++] = *a;
}

/* The service whose route block would install R, whatever its state. */
static const struct service_conf *
route_owner(const struct kout *k, const struct nl_route *r)
{
	const struct service_conf	*sc;
	size_t				 i;
	uint32_t			 metric;

	for (sc = k->conf->services; sc; sc = sc->next) {
		if (!sc->route.present || sc->route.table != r->table)
			continue;
		for (i = 0; i < sc->nprefixes; i++) {
			metric = sc->route.metric || r->dst.addr.family !=
			    AF_INET6 ? sc->route.metric : 1024;
			if (metric == r->metric &&
			    sc->prefixes[i].len == r->dst.len &&
			    util_addr_eq(&sc->prefixes[i].addr, &r->dst.addr))
				return sc;
		}
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

/*
 * Ours from an earlier run: what the config still has a place for is
 * adopted as installed (kept until its service has a verdict, then
 * corrected); the rest is removed.
 */
static void
adopt(struct kout *k, const struct found *f)
{
	const struct service_conf	*sc;
	struct kout_entry		*e;
	char				 err[256], p[80];
	size_t				 i;

	for (i = 0; i < f->nroutes; i++) {
		fmt_prefix(&f->routes[i].dst, p, sizeof(p));
		if ((sc = route_owner(k, &f->routes[i])) != NULL) {
			/* Not wanted right now: held while undecided. */
			if ((e = find(k, 1, NULL, &f->routes[i])) == NULL) {
				e = entry(k, sc->name, 1, NULL, &f->routes[i]);
				e->seen = 0;
			}
			e->have = f->routes[i];
			e->installed = 1;
			log_info("service %s: adopting route %s from an earlier "
			    "run", sc->name, p);
			continue;
		}
		log_info("removing stale route %s (table %u) left by an "
		    "earlier run", p, f->routes[i].table);
		if (nl_route_del(k->nl, &f->routes[i], err, sizeof(err)) == -1)
			log_warn("removing stale route %s: %s", p, err);
	}
	for (i = 0; i < f->naddrs; i++) {
		fmt_prefix(&f->addrs[i].pfx, p, sizeof(p));
		if ((sc = addr_owner(k, &f->addrs[i])) != NULL) {
			if ((e = find(k, 0, &f->addrs[i], NULL)) == NULL) {
				e = entry(k, sc->name, 0, &f->addrs[i], NULL);
				e->seen = 0;
			}
			e->installed = 1;
			e->dynamic = sc->address.dynamic;
			continue;
		}
		log_info("removing stale address %s left by an earlier run", p);
		if (nl_addr_del(k->nl, &f->addrs[i], err, sizeof(err)) == -1)
			log_warn("removing stale address %s: %s", p, err);
	}
}

static void
reconcile(struct kout *k)
{
	struct found	 f;
	char		 err[256];

	memset(&f, 0, sizeof(f));
	if (nl_dump_routes(k->nl, found_route, &f, err, sizeof(err)) == -1 ||
	    nl_dump_addrs(k->nl, found_addr, &f, err, sizeof(err)) == -1)
		log_warn("reading the kernel's routes: %s", err);
	else {
		adopt(k, &f);
		k->reconciled = 1;
	}
	free(f.routes);
	free(f.addrs);
}

/* A service still waiting for its first verdict keeps what it has. */
static int
undecided(const struct kout *k, const char *service)
{
	const struct hc_service *svc = hc_service_find(k->hc, service);

	return svc && svc->st.state == SVC_INIT;
}

void
kout_sync(struct kout *k)
{
	const struct hc_service	*svc;
	struct kout_entry	**ep, *e;
	int			 errors = 0;

	if (k->nl == NULL)
		return;
	for (e = k->entries; e; e = e->next)
		e->seen = 0;
	for (svc = k->hc->services; svc; svc = svc->next)
		want(k, svc);
	if (!k->reconciled)
		reconcile(k);
	for (ep = &k->entries; (e = *ep) != NULL;) {
		if (!e->seen && e->installed && undecided(k, e->service)) {
			ep = &e->next;
			continue;
		}
		if (!e->seen && (uninstall(k, e) == 0 || !e->installed)) {
			*ep = e->next;
			free(e);
			continue;
		}
		if (!e->seen || install(k, e) == -1)
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
		struct timeval tv = hc_tv(k->retry_ms);

		evtimer_add(k->retry, &tv);
	}
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	kout_sync(arg);
}

static void
on_kernel_event(void *arg, enum nl_event_type type, const struct nl_route *r,
    const struct nl_addr *a)
{
	struct kout		*k = arg;
	struct kout_entry	*e;
	struct timeval		 now = { 0, 0 };
	char			 p[80];

	e = type == NL_EV_ROUTE_DEL ? find(k, 1, NULL, r) : find(k, 0, a, NULL);
	if (e == NULL || !e->installed)
		return;
	e->installed = 0;
	fmt_prefix(e->is_route ? &e->have.dst : &e->addr.pfx, p, sizeof(p));
	log_warn("service %s: %s %s was removed by someone else; putting it "
	    "back", e->service, e->is_route ? "route" : "address", p);
	evtimer_add(k->retry, &now);
}

static void
monitor_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kout *k = arg;

	(void)fd;
	(void)what;
	nl_monitor_read(k->nl, on_kernel_event, k);
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
	nl_close(k->nl);
	k->nl = NULL;
}

json_object *
kout_json(const struct kout *k)
{
	const struct kout_entry	*e;
	json_object		*list = json_object_new_array(), *o, *hops;
	char			 p[80], a[64], dev[IF_NAMESIZE];
	size_t			 i;

	for (e = k->entries; e; e = e->next) {
		o = json_object_new_object();
		json_object_object_add(o, "service",
		    json_object_new_string(e->service));
		json_object_object_add(o, "kind",
		    json_object_new_string(e->is_route ? "route" : "address"));
		fmt_prefix(e->is_route ? &e->route.dst : &e->addr.pfx, p,
		    sizeof(p));
		json_object_object_add(o, "prefix", json_object_new_string(p));
		json_object_object_add(o, "installed",
		    json_object_new_boolean(e->installed));
		json_object_object_add(o, "foreign",
		    json_object_new_boolean(e->foreign));
		json_object_object_add(o, "error", e->error[0] ?
		    json_object_new_string(e->error) : NULL);
		if (!e->is_route) {
			json_object_object_add(o, "dev", json_object_new_string(
			    if_indextoname(e->addr.ifindex, dev) ? dev : "?"));
			json_object_array_add(list, o);
			continue;
		}
		json_object_object_add(o, "table",
		    json_object_new_int64(e->route.table));
		json_object_object_add(o, "metric",
		    json_object_new_int64(e->route.metric));
		hops = json_object_new_array();
		for (i = 0; i < e->route.nnh; i++) {
			json_object *h = json_object_new_object();

			json_object_object_add(h, "via", e->route.nh[i].gw.family ?
			    json_object_new_string(util_fmt_addr(
			    &e->route.nh[i].gw, a, sizeof(a))) : NULL);
			json_object_object_add(h, "dev", e->route.nh[i].ifindex &&
			    if_indextoname(e->route.nh[i].ifindex, dev) ?
			    json_object_new_string(dev) : NULL);
			json_object_object_add(h, "weight", json_object_new_int(
			    (int)e->route.nh[i].weight));
			json_object_array_add(hops, h);
		}
		json_object_object_add(o, "nexthops", hops);
		json_object_array_add(list, o);
	}
	return list;
}
