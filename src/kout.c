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
	struct nl_route		 r;
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.dst = *pfx;
	r.table = rc->table;
	r.metric = rc->metric;
	for (i = 0; i < rc->nvias && r.nnh < NL_MAX_HOPS; i++) {
		if (rc->vias[i].gw.family != pfx->addr.family ||
		    !backend_ok(svc, (int)i))
			continue;
		r.nh[r.nnh].gw = rc->vias[i].gw;
		r.nh[r.nnh].ifindex = rc->vias[i].dev[0] ?
		    if_nametoindex(rc->vias[i].dev) : 0;
		r.nh[r.nnh].weight = rc->vias[i].weight;
		r.nnh++;
	}
	if (rc->nvias == 0) {
		r.nh[0].ifindex = if_nametoindex(rc->dev);
		r.nh[0].weight = 1;
		r.nnh = 1;
	}
	if (r.nnh)
		entry(k, svc->conf->name, 1, NULL, &r);
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
	size_t	 i;

	if (e->is_route) {
		if (e->installed && same_hops(&e->have, &e->route))
			return 0;
		for (i = 0; i < e->route.nnh; i++)
			if (e->route.nh[i].ifindex == 0 &&
			    e->route.nh[i].gw.family == 0)
				return fail(k, e, "route", "no such interface");
		if (nl_route_replace(k->nl, &e->route, err, sizeof(err)) == -1)
			return fail(k, e, "route", err);
		e->have = e->route;
		fmt_prefix(&e->route.dst, p, sizeof(p));
		log_info("service %s: route %s installed, %zu next hop%s",
		    e->service, p, e->route.nnh, e->route.nnh == 1 ? "" : "s");
	} else {
		if (e->installed || e->foreign)
			return 0;
		if (e->addr.ifindex == 0)
			return fail(k, e, "address", "no such interface");
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

static void
adopt_route(void *arg, const struct nl_route *r)
{
	struct kout		*k = arg;
	struct kout_entry	*e = find(k, 1, NULL, r);
	char			 err[256], p[80];

	if (e && e->seen) {
		e->installed = 1;
		e->have = *r;	/* a sync replaces it if the hops differ */
		return;
	}
	fmt_prefix(&r->dst, p, sizeof(p));
	log_info("removing stale route %s (table %u) left by an earlier run",
	    p, r->table);
	if (nl_route_del(k->nl, r, err, sizeof(err)) == -1)
		log_warn("removing stale route %s: %s", p, err);
}

static void
adopt_addr(void *arg, const struct nl_addr *a)
{
	struct kout		*k = arg;
	struct kout_entry	*e = find(k, 0, a, NULL);
	char			 err[256], p[80];

	if (e && e->seen) {
		if (a->ours)
			e->installed = 1;
		else
			e->foreign = 1;
		return;
	}
	if (!a->ours)
		return;
	fmt_prefix(&a->pfx, p, sizeof(p));
	log_info("removing stale address %s left by an earlier run", p);
	if (nl_addr_del(k->nl, a, err, sizeof(err)) == -1)
		log_warn("removing stale address %s: %s", p, err);
}

static void
reconcile(struct kout *k)
{
	char err[256];

	if (nl_dump_routes(k->nl, adopt_route, k, err, sizeof(err)) == -1 ||
	    nl_dump_addrs(k->nl, adopt_addr, k, err, sizeof(err)) == -1) {
		log_warn("reading the kernel's routes: %s", err);
		return;
	}
	k->reconciled = 1;
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
