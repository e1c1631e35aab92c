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

#include "bgp.h"
#include "pfxset.h"

/*
 * The service prefixes of the running config, as a set: issue 12 saw
 * 500,000 received routes against 100,000 configured prefixes keep a
 * core busy for 20 s when each was compared with every one.
 */
void
bgp_rib_in_configure(struct bgp_engine *e)
{
	const struct service_conf	*s;
	size_t				 i;

	if (e->svc_prefixes == NULL)
		e->svc_prefixes = xcalloc(1, sizeof(*e->svc_prefixes));
	pfxset_free(e->svc_prefixes);
	pfxset_init(e->svc_prefixes);
	for (s = e->conf->services; s; s = s->next)
		for (i = 0; i < s->nprefixes; i++)
			pfxset_add(e->svc_prefixes, &s->prefixes[i]);
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

/* One prefix of a received UPDATE; returns 1 when what we hold changed. */
int
bgp_rib_in_update(struct bgp_peer *p, int withdraw, const struct prefix *pfx)
{
	const struct pfxset *ours = p->engine->svc_prefixes;

	if (ours == NULL || !pfxset_has(ours, pfx))
		return 0;
	if (!withdraw && !from_us(p)) {
		if (p->rib_in == NULL) {
			p->rib_in = xcalloc(1, sizeof(*p->rib_in));
			pfxset_init(p->rib_in);
		}
		return pfxset_add(p->rib_in, pfx);
	}
	return p->rib_in != NULL && pfxset_del(p->rib_in, pfx);
}

void
bgp_rib_in_clear(struct bgp_peer *p)
{
	if (p->rib_in)
		pfxset_free(p->rib_in);
	free(p->rib_in);
	p->rib_in = NULL;
}

/*
 * Tell each service whether it is the last site: some session is up,
 * and no peer announces any of its prefixes.  Without a session we do
 * not know, and never protect.
 */
void
bgp_protect_update(struct bgp_engine *e)
{
	struct hc_service	*svc;
	const struct bgp_peer	*p;
	size_t			 i;
	int			 up, alt, last;

	for (svc = e->hc->services; svc; svc = svc->next) {
		up = alt = 0;
		for (p = e->peers; p; p = p->next) {
			if (p->state != BGP_ST_ESTABLISHED)
				continue;
			up = 1;
			for (i = 0; i < svc->conf->nprefixes && !alt; i++)
				alt = held(p, &svc->conf->prefixes[i]);
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
