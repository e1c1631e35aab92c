/* SPDX-License-Identifier: ISC */
/*
 * What the peers tell us about our own service prefixes: whether some
 * other site announces them.  Everything else a peer sends is validated
 * and counted, not kept.  This feeds last-site protection (`protect
 * last`): when no other site announces a service, a failing service is
 * announced as degraded rather than withdrawn, since an imperfect answer
 * beats none.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/pfxset.h"

/*
 * The service prefixes of the running config, as a set, each with the
 * index of its service: when each received prefix was compared with
 * every configured one, 500,000 routes against 100,000 service prefixes
 * took 85 s of CPU (bench/rib-in; tests/integration/test_rib_in_scale.py).
 * Each peer counts, per service, the prefixes it announces, so that
 * "does another site announce this service" is a look at a counter, not
 * a walk over the service's prefixes.
 */
static void
count_held(const struct bgp_engine *e, struct bgp_peer *p)
{
	const struct pfxset	*r = p->rib_in;
	struct prefix		 pfx;
	uint32_t		 idx, unused;
	size_t			 i;

	free(p->svc_held);
	p->svc_held = xcalloc(e->nsvc ? e->nsvc : 1, sizeof(*p->svc_held));
	for (i = 0; r && i < r->cap; i++)
		if (pfxset_at(r, i, &pfx, &unused) &&
		    pfxset_get(e->svc_prefixes, &pfx, &idx))
			p->svc_held[idx]++;
}

void
bgp_rib_in_configure(struct bgp_engine *e)
{
	const struct service_conf	*s;
	struct bgp_peer			*p;
	uint32_t			 n = 0;
	size_t				 i;

	if (e->svc_prefixes == NULL)
		e->svc_prefixes = xcalloc(1, sizeof(*e->svc_prefixes));
	pfxset_free(e->svc_prefixes);
	pfxset_init(e->svc_prefixes);
	for (s = e->conf->services; s; s = s->next, n++)
		for (i = 0; i < s->nprefixes; i++)
			pfxset_put(e->svc_prefixes, &s->prefixes[i], n);
	e->nsvc = n;
	for (p = e->peers; p; p = p->next)
		count_held(e, p);
}

void
bgp_rib_in_shutdown(struct bgp_engine *e)
{
	if (e->svc_prefixes)
		pfxset_free(e->svc_prefixes);
	free(e->svc_prefixes);
	e->svc_prefixes = NULL;
}

/* Our own announcement coming back is not another site. */
static int
from_us(const struct bgp_peer *p)
{
	const struct bgp_attrs	*a = &p->upd->attrs;
	size_t			 i;

	for (i = 0; i < a->aspath_nas; i++)
		if (a->aspath_as[i] == p->conf->local_as)
			return 1;
	return 0;
}

static int
held(const struct bgp_peer *p, const struct prefix *pfx)
{
	return p->rib_in != NULL && pfxset_has(p->rib_in, pfx);
}

/*
 * One prefix of a received UPDATE; returns 1 when what we hold changed.
 * A withdrawal is looked for in what the peer announced even when the
 * prefix is no longer a service prefix (a reload), so that nothing
 * stale comes back with a later config.
 */
int
bgp_rib_in_update(struct bgp_peer *p, int withdraw, const struct prefix *pfx)
{
	const struct bgp_engine	*e = p->engine;
	uint32_t		 idx;
	int			 ours;

	ours = e->svc_prefixes != NULL &&
	    pfxset_get(e->svc_prefixes, pfx, &idx);
	if (ours && p->svc_held == NULL)
		count_held(e, p);
	if (!withdraw && !from_us(p)) {
		if (!ours)
			return 0;
		if (p->rib_in == NULL) {
			p->rib_in = xcalloc(1, sizeof(*p->rib_in));
			pfxset_init(p->rib_in);
		}
		if (!pfxset_add(p->rib_in, pfx))
			return 0;
		p->svc_held[idx]++;
		return 1;
	}
	if (p->rib_in == NULL || !pfxset_del(p->rib_in, pfx))
		return 0;
	if (ours)
		p->svc_held[idx]--;
	return 1;
}

void
bgp_rib_in_clear(struct bgp_peer *p)
{
	if (p->rib_in)
		pfxset_free(p->rib_in);
	free(p->rib_in);
	free(p->svc_held);
	p->rib_in = NULL;
	p->svc_held = NULL;
}

/*
 * Does P announce a prefix of SVC, the service of index I in the config
 * the BGP engine has?  Between hc_configure and bgp_configure of a reload
 * the two configs differ: then the service's prefixes are looked up.
 */
static int
announces(const struct bgp_peer *p, const struct hc_service *svc,
    const struct service_conf *sc, uint32_t i)
{
	size_t k;

	if (sc == svc->conf)
		return p->svc_held != NULL && p->svc_held[i] > 0;
	for (k = 0; k < svc->conf->nprefixes; k++)
		if (held(p, &svc->conf->prefixes[k]))
			return 1;
	return 0;
}

/*
 * Tell each service whether it is the last site: some session is up,
 * and no peer announces any of its prefixes.  Without a session we do
 * not know, and never protect.
 */
void
bgp_protect_update(struct bgp_engine *e)
{
	struct hc_service		*svc;
	const struct service_conf	*sc = e->conf ? e->conf->services : NULL;
	const struct bgp_peer		*p;
	uint32_t			 i;
	int				 up, alt, last;

	for (svc = e->hc->services, i = 0; svc; svc = svc->next, i++,
	    sc = sc ? sc->next : NULL) {
		up = alt = 0;
		for (p = e->peers; p; p = p->next) {
			if (p->state != BGP_ST_ESTABLISHED)
				continue;
			up = 1;
			alt = alt || announces(p, svc, sc, i);
		}
		last = up && !alt;
		if (last == svc->st.last_site)
			continue;
		svc->st.last_site = last;
		if (svc->conf->protect_last)
			log_info("service %s: %s", svc->conf->name, last ?
			    "no other site announces it now" :
			    "another site announces it again");
		hc_service_eval(svc);
	}
}
