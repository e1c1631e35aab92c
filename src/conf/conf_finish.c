/* SPDX-License-Identifier: ISC */
/*
 * What the parser checks once a block or the whole file is read: the
 * defaults a check's block left out and its own sanity (and its type's,
 * through the descriptor), its watches, a service's checks, prefixes
 * and kernel outputs, and across the file overlapping prefixes and the
 * bgp blocks that announcements name.  Errors point at the block, as
 * "file:line:col: ...", through conf_error().
 *
 * It stands between the parser's primitives (conf_parse.c) and the
 * grammar files that call it; it calls neither the grammar nor the
 * printer (docs/architecture.md, "The config's layers").
 */
#include <stdlib.h>
#include <string.h>

#include "conf/conf_host.h"
#include "conf/conf_int.h"

/* ---- a check ---- */

static uint16_t
check_port(const struct check_conf *ck)
{
	struct check_net n;

	return conf_check_net(ck, &n) == -1 ? 0 : *n.port;
}

static int
watch_same(const struct watch_conf *a, const struct watch_conf *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case WATCH_PROCESS:
		if (a->unit || b->unit)
			return a->unit && b->unit && strcmp(a->unit, b->unit)
			    == 0;
		return strcmp(a->pidfile, b->pidfile) == 0;
	case WATCH_LISTENER:
		return a->proto == b->proto && a->port == b->port &&
		    util_addr_eq(&a->addr, &b->addr);
	case WATCH_TCP_SESSION:
		return 1;
	}
	return 0;
}

/* Defaults from the check (its port), and no watch twice. */
static int
watch_finish(struct parser *p, struct check_conf *ck)
{
	struct watch_conf *w, *o;

	if (ck->immediate != -1 && ck->watches == NULL)
		return conf_error(p, &ck->pos, "check %s: 'immediate' without "
		    "a watch", ck->name);
	if (ck->immediate == -1)
		ck->immediate = 1;
	for (w = ck->watches; w; w = w->next) {
		if (w->type == WATCH_LISTENER && w->port == 0)
			w->port = check_port(ck);
		for (o = ck->watches; o != w; o = o->next)
			if (watch_same(o, w))
				return conf_error(p, &w->pos, "check %s: the "
				    "same watch twice", ck->name);
	}
	return 0;
}

/* Defaults for what the block left out, then the block's own sanity. */
int
conf_check_finish(struct parser *p, struct check_conf *ck)
{
	const struct check_desc	*ct = check_desc_of(ck->type);
	char			 a[32], b[32];

	if (ck->interval == 0)
		ck->interval = ct->interval;
	if (ck->fast_interval == 0)
		ck->fast_interval = CONF_DEFAULT_FAST < ck->interval ?
		    CONF_DEFAULT_FAST : ck->interval;
	if (ck->timeout == 0) {
		ck->timeout = ct->timeout;
		if (ck->timeout > ck->interval)
			ck->timeout = ck->interval;
	}
	if (ck->rise == 0)
		ck->rise = ct->rise;
	if (ck->fall == 0)
		ck->fall = ct->fall;
	if (ct->flags & CT_MAINT) {
		ck->timeout = 0;
		ck->fast_interval = ck->interval;
	}
	if (ct->finish && ct->finish(p, ck) == -1)
		return -1;
	if (ck->timeout > ck->interval) {
		util_fmt_duration(ck->timeout, a, sizeof(a));
		util_fmt_duration(ck->interval, b, sizeof(b));
		return conf_error(p, &ck->pos, "check %s: timeout %s is longer "
		    "than interval %s", ck->name, a, b);
	}
	if (ck->fast_interval > ck->interval)
		return conf_error(p, &ck->pos, "check %s: fast-interval is "
		    "longer than interval", ck->name);
	return watch_finish(p, ck);
}

static int
check_families(struct parser *p, const struct service_conf *svc,
    struct check_conf *ck)
{
	const struct addr	*target = conf_check_target(svc, ck);
	const struct addr	*src;
	struct check_net	 n;
	char			 a[64], b[64];

	if (target == NULL || conf_check_net(ck, &n) == -1 ||
	    (src = n.source)->family == 0)
		return 0;
	if (src->family != target->family)
		return conf_error(p, &ck->pos, "check %s: source %s and server "
		    "%s are not of the same address family", ck->name,
		    util_fmt_addr(src, a, sizeof(a)),
		    util_fmt_addr(target, b, sizeof(b)));
	return 0;
}

/* ---- a service ---- */

/* One prefix of the file, for the overlap check. */
struct placed {
	const struct prefix		*pfx;
	const struct service_conf	*svc;
	size_t				 svc_no;	/* order in the file */
	size_t				 idx;		/* in the service */
};

static int
placed_cmp(const void *x, const void *y)
{
	const struct placed	*a = x, *b = y;
	int			 c;

	if (a->pfx->addr.family != b->pfx->addr.family)
		return a->pfx->addr.family - b->pfx->addr.family;
	if ((c = memcmp(&a->pfx->addr.u, &b->pfx->addr.u,
	    a->pfx->addr.family == AF_INET ? 4 : 16)) != 0)
		return c;
	if (a->pfx->len != b->pfx->len)
		return (int)a->pfx->len - (int)b->pfx->len;
	if (a->svc_no != b->svc_no)
		return a->svc_no < b->svc_no ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
overlap_error(struct parser *p, const struct placed *a, const struct placed *b)
{
	char x[64], y[64];

	/* Blame the one written later. */
	if (a->svc_no > b->svc_no || (a->svc_no == b->svc_no &&
	    a->idx > b->idx)) {
		const struct placed *t = a;

		a = b;
		b = t;
	}
	util_fmt_addr(&b->pfx->addr, x, sizeof(x));
	util_fmt_addr(&a->pfx->addr, y, sizeof(y));
	if (a->svc == b->svc)
		return conf_error(p, &b->svc->prefix_pos[b->idx], "prefix "
		    "%s/%u overlaps another prefix of service %s", x,
		    b->pfx->len, b->svc->name);
	return conf_error(p, &b->svc->pos, "service %s: prefix %s/%u overlaps "
	    "%s/%u of service %s", b->svc->name, x, b->pfx->len, y,
	    a->pfx->len, a->svc->name);
}

/*
 * No prefix may overlap another, in one service or across two: of ONLY,
 * or of the whole file when ONLY is NULL.  Sorted by address then
 * length, a prefix that holds others comes first and whatever sorts
 * between them lies inside it too, so comparing neighbours finds every
 * overlap: n log n for the 100,000 prefixes of a big service.
 */
static int
check_overlaps(struct parser *p, const struct conf *c,
    const struct service_conf *only)
{
	const struct service_conf	*s;
	struct placed			*all;
	size_t				 n = 0, k = 0, i, svc_no = 0;
	int				 rv = 0;

	for (s = only ? only : c->services; s; s = only ? NULL : s->next)
		n += s->nprefixes;
	all = xcalloc(n, sizeof(*all));
	for (s = only ? only : c->services; s; s = only ? NULL : s->next,
	    svc_no++)
		for (i = 0; i < s->nprefixes; i++, k++) {
			all[k].pfx = &s->prefixes[i];
			all[k].svc = s;
			all[k].svc_no = svc_no;
			all[k].idx = i;
		}
	qsort(all, n, sizeof(*all), placed_cmp);
	for (k = 1; k < n && rv == 0; k++)
		if (util_prefix_overlap(all[k - 1].pfx, all[k].pfx))
			rv = overlap_error(p, &all[k - 1], &all[k]);
	free(all);
	return rv;
}

/* With the whole service read: every prefix has a backend of its family. */
static int
kout_finish(struct parser *p, const struct service_conf *svc)
{
	const struct route_conf	*r = &svc->route;
	size_t			 i, j;
	char			 a[64];

	for (i = 0; i < svc->nprefixes && r->nvias; i++) {
		for (j = 0; j < r->nvias; j++)
			if (r->vias[j].gw.family ==
			    svc->prefixes[i].addr.family)
				break;
		if (j == r->nvias)
			return conf_error(p, &r->pos, "service %s: prefix %s "
			    "has no via of its address family", svc->name,
			    util_fmt_addr(&svc->prefixes[i].addr, a,
			    sizeof(a)));
	}
	return 0;
}

int
conf_service_finish(struct parser *p, struct service_conf *svc)
{
	struct check_conf	*ck, *o;
	unsigned		 health = 0;

	if (svc->nprefixes == 0)
		return conf_error(p, &svc->pos, "service %s has no prefix",
		    svc->name);
	if (check_overlaps(p, NULL, svc) == -1)
		return -1;
	for (ck = svc->checks; ck; ck = ck->next) {
		if (!check_is_maint(ck->type) && ck->backend < 0)
			health++;
		for (o = svc->checks; o != ck; o = o->next)
			if (strcmp(o->name, ck->name) == 0)
				return conf_error(p, &ck->pos, "service %s "
				    "has two checks named %s; give one a name: "
				    "check %s NAME { ... }", svc->name,
				    ck->name, conf_check_type_name(ck->type));
		if (check_families(p, svc, ck) == -1)
			return -1;
	}
	if (health == 0 && svc->route.nvias == 0)
		return conf_error(p, &svc->pos, "service %s has no dns, tcp or "
		    "exec check: nothing would say it is healthy", svc->name);
	if (kout_finish(p, svc) == -1)
		return -1;
	if (svc->combine == COMBINE_THRESHOLD && svc->threshold > health)
		return conf_error(p, &svc->pos, "service %s: threshold %u, but "
		    "it has only %u dns, tcp or exec check%s (file checks do "
		    "not count)", svc->name, svc->threshold, health,
		    health == 1 ? "" : "s");
	return 0;
}

/* ---- the whole file ---- */

static int
bgp_validate_peer(struct parser *p, struct conf *c, const struct bgp_conf *b)
{
	const struct bgp_conf	*o;
	char			 why[300];

	/* Without one, the host's address, as BIRD and FRR do. */
	if (b->router_id.family == 0 && !c->have_router_id &&
	    !c->router_id_auto) {
		if (conf_host_router_id(c, &c->router_id, why,
		    sizeof(why)) == -1)
			return conf_error(p, &b->pos, "bgp %s has no router-id "
			    "and %s: set 'router-id ADDRESS;' at the top or in "
			    "the block", b->name, why);
		c->router_id_auto = 1;
	}
	for (o = c->peers; o != b; o = o->next)
		if (util_addr_eq(&o->neighbor, &b->neighbor) &&
		    o->port == b->port)
			return conf_error(p, &b->pos, "bgp %s: same neighbor "
			    "as bgp %s", b->name, o->name);
	return 0;
}

static int
announced_to(const struct service_conf *svc, const struct bgp_conf *b)
{
	return conf_announce_for(svc, b->name) != NULL;
}

/*
 * Each prefix of SVC goes to the announced sessions that carry its family;
 * a service with an IPv4 and an IPv6 prefix may go to an IPv4 and an IPv6
 * session.  A prefix that no announced session carries is an error.
 */
static int
bgp_validate_prefixes(struct parser *p, const struct conf *c,
    const struct service_conf *svc)
{
	const struct bgp_conf	*b, *off, *no_nh;
	size_t			 i;
	int			 fam, carried;
	char			 buf[64];

	for (i = 0; i < svc->nprefixes; i++) {
		fam = svc->prefixes[i].addr.family;
		carried = 0;
		off = no_nh = NULL;
		for (b = c->peers; b && !carried; b = b->next) {
			if (!announced_to(svc, b))
				continue;
			if ((carried = conf_bgp_carries(b, fam)))
				break;
			if (b->families & (fam == AF_INET ? CONF_AF_IPV4 :
			    CONF_AF_IPV6))
				no_nh = b;
			else
				off = b;
		}
		if (carried)
			continue;
		util_fmt_addr(&svc->prefixes[i].addr, buf, sizeof(buf));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
		    svc->prefixes[i].len);
		if (no_nh)
			return conf_error(p, &svc->announces->pos, "service "
			    "%s: prefix %s goes to no bgp session: bgp %s runs "
			    "over %s and needs 'next-hop ADDRESS;' of the "
			    "prefix's family", svc->name, buf, no_nh->name,
			    no_nh->neighbor.family == AF_INET ? "IPv4" :
			    "IPv6");
		return conf_error(p, &svc->announces->pos, "service %s: "
		    "prefix %s goes to no bgp session: none it is announced "
		    "to has address-family %s (bgp %s has it off)", svc->name,
		    buf, fam == AF_INET ? "ipv4" : "ipv6", off->name);
	}
	return 0;
}

static int
bgp_validate(struct parser *p, struct conf *c)
{
	const struct bgp_conf		*b;
	const struct service_conf	*svc;
	const struct announce_conf	*a;
	int				 found;

	for (b = c->peers; b; b = b->next)
		if (bgp_validate_peer(p, c, b) == -1)
			return -1;
	for (svc = c->services; svc; svc = svc->next) {
		for (a = svc->announces; a; a = a->next) {
			found = 0;
			for (b = c->peers; b && !found; b = b->next)
				found = strcmp(a->peer, "all") == 0 ||
				    strcmp(a->peer, b->name) == 0;
			if (!found)
				return conf_error(p, &a->pos, "service %s: "
				    "announce %s: no such bgp block", svc->name,
				    a->peer);
		}
		if (svc->announces && bgp_validate_prefixes(p, c, svc) == -1)
			return -1;
	}
	return 0;
}

/* What needs the whole file. */
int
conf_validate(struct parser *p, struct conf *c)
{
	if (check_overlaps(p, c, NULL) == -1)
		return -1;
	return bgp_validate(p, c);
}
