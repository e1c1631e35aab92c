/* SPDX-License-Identifier: ISC */
/*
 * What anycastd announces to each peer (its Adj-RIB-Out).  For every
 * service and address family it remembers the prefixes it sent and the
 * attributes they went with; a sync computes what the services' states
 * call for now and sends only the difference, so a withdraw is only ever
 * sent for what was announced.  Attributes by state (anycastd.conf(5),
 * ANNOUNCEMENTS): up gets the `announce` attributes, degraded adds its
 * `degraded { }`, draining adds `draining { }` and GRACEFUL_SHUTDOWN
 * (RFC 8326).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"

#define MAX_PATH	(1 + 16 + 16)	/* own AS and two prepends */

struct out_attrs {
	struct bgp_attrs	 a;
	struct bgp_asseg	 seg;
	uint32_t		 as[MAX_PATH];
	uint32_t		*comm;
	struct bgp_lcomm	*lcomm;
	uint8_t			 linkbw[8];	/* the one extended community */
	uint64_t		 bandwidth;	/* bits/s in linkbw, 0: none */
	char			*key;		/* printed: compared and shown */
};

static int
prefix_cmp(const void *x, const void *y)
{
	const struct prefix *a = x, *b = y;
	int c;

	if (a->addr.family != b->addr.family)
		return a->addr.family - b->addr.family;
	if ((c = memcmp(&a->addr.u, &b->addr.u, a->addr.family == AF_INET ?
	    4 : 16)) != 0)
		return c;
	return (int)a->len - (int)b->len;
}

/* The prefixes of SVC in FAMILY, sorted; *n may be 0. */
static struct prefix *
wanted_prefixes(const struct service_conf *svc, int family, size_t *n)
{
	struct prefix	*v = xcalloc(svc->nprefixes, sizeof(*v));
	size_t		 i;

	*n = 0;
	for (i = 0; i < svc->nprefixes; i++)
		if (svc->prefixes[i].addr.family == family)
			v[(*n)++] = svc->prefixes[i];
	qsort(v, *n, sizeof(*v), prefix_cmp);
	return v;
}

static void
add_comms(struct out_attrs *o, const uint32_t *c, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < o->a.ncommunities && o->comm[j] != c[i]; j++)
			;
		if (j < o->a.ncommunities)
			continue;
		o->comm = xreallocarray(o->comm, o->a.ncommunities + 1,
		    sizeof(*o->comm));
		o->comm[o->a.ncommunities++] = c[i];
	}
}

static void
add_lcomms(struct out_attrs *o, const struct conf_lcomm *c, size_t n)
{
	size_t i;

	o->lcomm = xreallocarray(o->lcomm, o->a.nlcommunities + n + 1,
	    sizeof(*o->lcomm));
	for (i = 0; i < n; i++) {
		o->lcomm[o->a.nlcommunities].global = c[i].global;
		o->lcomm[o->a.nlcommunities].local1 = c[i].local1;
		o->lcomm[o->a.nlcommunities].local2 = c[i].local2;
		o->a.nlcommunities++;
	}
}

static void
print_key(struct out_attrs *o, int family)
{
	static const char *const origins[] = { "igp", "egp", "incomplete" };
	char	*buf = NULL, a[64];
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);

	if (f == NULL)
		fatalx_oom();
	fprintf(f, "origin %s, as-path", origins[o->a.origin]);
	for (i = 0; i < o->a.aspath_nas; i++)
		fprintf(f, " %u", o->as[i]);
	if (family == AF_INET)
		inet_ntop(AF_INET, &o->a.nexthop, a, sizeof(a));
	else
		inet_ntop(AF_INET6, &o->a.nexthop6, a, sizeof(a));
	fprintf(f, ", next-hop %s", a);
	if (o->a.has & BGP_A_NEXT_HOP6_LL)
		fprintf(f, " %s", inet_ntop(AF_INET6, &o->a.nexthop6_ll, a,
		    sizeof(a)));
	if (o->a.has & BGP_A_MED)
		fprintf(f, ", med %u", o->a.med);
	if (o->a.has & BGP_A_LOCAL_PREF)
		fprintf(f, ", local-pref %u", o->a.localpref);
	if (o->a.ncommunities)
		fprintf(f, ", community");
	for (i = 0; i < o->a.ncommunities; i++)
		fprintf(f, " %u:%u", o->comm[i] >> 16, o->comm[i] & 0xffff);
	if (o->a.nlcommunities)
		fprintf(f, ", large-community");
	for (i = 0; i < o->a.nlcommunities; i++)
		fprintf(f, " %u:%u:%u", o->lcomm[i].global, o->lcomm[i].local1,
		    o->lcomm[i].local2);
	if (o->bandwidth)
		fprintf(f, ", link-bandwidth %llu bit/s",
		    (unsigned long long)o->bandwidth);
	fclose(f);
	o->key = buf;
}

static int
next_hop(const struct bgp_peer *p, int family, struct out_attrs *o)
{
	const struct addr *nh = family == AF_INET ? &p->conf->nexthop4 :
	    &p->conf->nexthop6;

	if (nh->family == 0)
		nh = &p->local;		/* next-hop self */
	if (nh->family != family)
		return -1;
	if (family == AF_INET) {
		o->a.has |= BGP_A_NEXT_HOP;
		o->a.nexthop = nh->u.v4;
	} else {
		o->a.has |= BGP_A_NEXT_HOP6;
		o->a.nexthop6 = nh->u.v6;
		if (p->local_ll.family) {
			o->a.has |= BGP_A_NEXT_HOP6_LL;
			o->a.nexthop6_ll = p->local_ll.u.v6;
		}
	}
	return 0;
}

static void
link_bandwidth(struct out_attrs *o, uint32_t local_as, uint64_t bps)
{
	if (bps == 0)
		return;
	o->bandwidth = bps;
	bgp_link_bandwidth(o->linkbw, local_as, bps);
	o->a.has |= BGP_A_EXT_COMM;
	o->a.ext_comm = o->linkbw;
	o->a.next_comm = 1;
}

/* The attributes of SVC to P in FAMILY; -1 when there is no next hop. */
static int
build(const struct bgp_peer *p, const struct hc_service *svc,
    const struct announce_conf *ann, int family, struct out_attrs *o)
{
	const struct announce_attrs	*n = &ann->normal, *v = NULL;
	unsigned			 i, prepend;
	int				 ibgp = p->codec.ibgp;

	memset(o, 0, sizeof(*o));
	if (svc->st.state == SVC_DEGRADED)
		v = &ann->degraded;
	else if (svc->st.state == SVC_DRAINING)
		v = &ann->draining;
	o->a.has = BGP_A_ORIGIN | BGP_A_AS_PATH;
	o->a.origin = v && v->origin >= 0 ? (uint8_t)v->origin :
	    n->origin >= 0 ? (uint8_t)n->origin : BGP_ORIGIN_IGP;
	/*
	 * RFC 4271 5.1.2: eBGP prepends our AS; prepends add more.  Not on
	 * iBGP, where our AS in the path would look like a loop to the
	 * neighbour (who is in it too): use local-pref or med there.
	 */
	prepend = ibgp ? 0 : 1 + n->prepend + (v ? v->prepend : 0);
	for (i = 0; i < prepend; i++)
		o->as[i] = p->conf->local_as;
	o->seg.type = BGP_ASSEG_SEQUENCE;
	o->seg.count = (uint8_t)prepend;
	o->a.aspath_seg = &o->seg;
	o->a.aspath_nseg = prepend ? 1 : 0;
	o->a.aspath_as = o->as;
	o->a.aspath_nas = prepend;
	if ((v && v->has_med) || n->has_med) {
		o->a.has |= BGP_A_MED;
		o->a.med = v && v->has_med ? v->med : n->med;
	}
	if (ibgp) {
		o->a.has |= BGP_A_LOCAL_PREF;
		/* RFC 8326 4.2: draining lowers LOCAL_PREF to 0 unless the
		 * draining block says otherwise. */
		o->a.localpref = v && v->has_local_pref ? v->local_pref :
		    svc->st.state == SVC_DRAINING ? 0 :
		    n->has_local_pref ? n->local_pref : 100;
	}
	add_comms(o, n->communities, n->ncommunities);
	add_lcomms(o, n->lcommunities, n->nlcommunities);
	if (v) {
		add_comms(o, v->communities, v->ncommunities);
		add_lcomms(o, v->lcommunities, v->nlcommunities);
	}
	if (svc->st.state == SVC_DRAINING) {
		uint32_t gs = BGP_COMM_GRACEFUL_SHUTDOWN;

		add_comms(o, &gs, 1);
	}
	o->a.communities = o->comm;
	o->a.lcommunities = o->lcomm;
	link_bandwidth(o, p->conf->local_as, v && v->bandwidth ?
	    v->bandwidth : n->bandwidth);
	if (next_hop(p, family, o) == -1)
		return -1;
	print_key(o, family);
	return 0;
}

static void
attrs_free(struct out_attrs *o)
{
	free(o->comm);
	free(o->lcomm);
	free(o->key);
}

static int
emit(void *arg, const uint8_t *msg, size_t len)
{
	return bgp_peer_send(arg, msg, len);
}

/* A minus B, both sorted. */
static struct prefix *
minus(const struct prefix *a, size_t na, const struct prefix *b, size_t nb,
    size_t *n)
{
	struct prefix	*r = xcalloc(na, sizeof(*r));
	size_t		 i = 0, j = 0;
	int		 c;

	*n = 0;
	while (i < na) {
		c = j < nb ? prefix_cmp(&a[i], &b[j]) : -1;
		if (c < 0)
			r[(*n)++] = a[i++];
		else if (c > 0)
			j++;
		else {
			i++;
			j++;
		}
	}
	return r;
}

static struct bgp_sent *
find_sent(struct bgp_peer *p, const char *service, int family)
{
	struct bgp_sent *s;

	for (s = p->sent; s; s = s->next)
		if (s->family == family && strcmp(s->service, service) == 0)
			return s;
	s = xcalloc(1, sizeof(*s));
	snprintf(s->service, sizeof(s->service), "%s", service);
	s->family = family;
	s->next = p->sent;
	p->sent = s;
	return s;
}

/* Move the peer from what was sent for (service, family) to WANT. */
static void
update(struct bgp_peer *p, struct bgp_sent *s, struct prefix *want,
    size_t nwant, struct out_attrs *o)
{
	struct prefix	*gone, *fresh;
	size_t		 ngone, nfresh;
	int		 same = o && s->key && strcmp(s->key, o->key) == 0;

	gone = minus(s->prefixes, s->nprefixes, want, nwant, &ngone);
	if (ngone)
		bgp_update_withdraw(gone, ngone, emit, p);
	free(gone);
	if (o) {
		/* New attributes go out for every prefix: implicit replace. */
		fresh = same ? minus(want, nwant, s->prefixes, s->nprefixes,
		    &nfresh) : want;
		if (!same)
			nfresh = nwant;
		if (nfresh)
			bgp_update_announce(&p->codec, &o->a, fresh, nfresh,
			    emit, p);
		if (fresh != want)
			free(fresh);
	}
	free(s->prefixes);
	free(s->key);
	s->prefixes = want;
	s->nprefixes = nwant;
	s->key = o ? xstrdup(o->key) : NULL;
}

static void
sync_service(struct bgp_peer *p, const struct hc_service *svc, int family)
{
	const struct announce_conf	*ann;
	struct out_attrs		 o;
	struct prefix			*want;
	size_t				 nwant = 0;
	int				 on;

	ann = conf_announce_for(svc->conf, p->conf->name);
	/* Each prefix goes to the sessions that carry its family. */
	on = ann && svc_announced(&svc->st) &&
	    (p->families & (family == AF_INET ? CONF_AF_IPV4 : CONF_AF_IPV6)) &&
	    conf_bgp_carries(p->conf, family);
	want = on ? wanted_prefixes(svc->conf, family, &nwant) :
	    xcalloc(1, sizeof(*want));
	if (on && nwant && build(p, svc, ann, family, &o) == -1) {
		log_warn("bgp %s: no %s next hop for service %s", p->conf->name,
		    family == AF_INET ? "IPv4" : "IPv6", svc->conf->name);
		on = 0;
		nwant = 0;
	}
	update(p, find_sent(p, svc->conf->name, family), want, nwant,
	    on && nwant ? &o : NULL);
	if (on && nwant)
		attrs_free(&o);
}

/* Withdraw what went out for services that no longer exist. */
static void
sync_gone(struct bgp_peer *p)
{
	struct bgp_sent **sp, *s;

	for (sp = &p->sent; (s = *sp) != NULL;) {
		if (hc_service_find(p->engine->hc, s->service) == NULL) {
			update(p, s, xcalloc(1, sizeof(struct prefix)), 0,
			    NULL);
			*sp = s->next;
			free(s->prefixes);
			free(s);
		} else
			sp = &s->next;
	}
}

void
bgp_out_sync(struct bgp_peer *p)
{
	const struct hc_service *svc;

	if (p->state != BGP_ST_ESTABLISHED)
		return;
	for (svc = p->engine->hc->services; svc; svc = svc->next) {
		sync_service(p, svc, AF_INET);
		sync_service(p, svc, AF_INET6);
	}
	sync_gone(p);
}

void
bgp_out_forget(struct bgp_peer *p)
{
	struct bgp_sent *s, *next;

	for (s = p->sent; s; s = next) {
		next = s->next;
		free(s->prefixes);
		free(s->key);
		free(s);
	}
	p->sent = NULL;
}

/* Whether an Established session carries any prefix of SERVICE now. */
int
bgp_out_carries(const struct bgp_engine *e, const char *service)
{
	const struct bgp_peer	*p;
	const struct bgp_sent	*s;

	for (p = e->peers; p; p = p->next) {
		if (p->state != BGP_ST_ESTABLISHED)
			continue;
		for (s = p->sent; s; s = s->next)
			if (s->nprefixes && strcmp(s->service, service) == 0)
				return 1;
	}
	return 0;
}

size_t
bgp_out_count(const struct bgp_peer *p)
{
	const struct bgp_sent	*s;
	size_t			 n = 0;

	for (s = p->sent; s; s = s->next)
		n += s->nprefixes;
	return n;
}

/* Whether PFX of SERVICE is in the Adj-RIB-Out as sent; its attributes. */
int
bgp_out_announced(const struct bgp_peer *p, const char *service,
    const struct prefix *pfx, const char **attrs)
{
	const struct bgp_sent	*s;
	size_t			 i;

	for (s = p->sent; s; s = s->next) {
		if (s->family != pfx->addr.family ||
		    strcmp(s->service, service) != 0)
			continue;
		for (i = 0; i < s->nprefixes; i++)
			if (prefix_cmp(&s->prefixes[i], pfx) == 0) {
				if (attrs)
					*attrs = s->key ? s->key : "";
				return 1;
			}
	}
	return 0;
}
