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

/* A service prefix, equal to PFX, that we announce: or NULL. */
static int
is_service_prefix(const struct conf *c, const struct prefix *pfx)
{
	const struct service_conf	*s;
	size_t				 i;

	for (s = c->services; s; s = s->next)
		for (i = 0; i < s->nprefixes; i++)
			if (s->prefixes[i].len == pfx->len &&
			    util_addr_eq(&s->prefixes[i].addr, &pfx->addr))
				return 1;
	return 0;
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

static ssize_t
find(const struct bgp_peer *p, const struct prefix *pfx)
{
	size_t i;

	for (i = 0; i < p->nrib_in; i++)
		if (p->rib_in[i].len == pfx->len &&
		    util_addr_eq(&p->rib_in[i].addr, &pfx->addr))
			return (ssize_t)i;
	return -1;
}

/* One prefix of a received UPDATE; returns 1 when what we hold changed. */
int
bgp_rib_in_update(struct bgp_peer *p, int withdraw, const struct prefix *pfx)
{
	ssize_t i;

	if (!is_service_prefix(p->engine->conf, pfx))
		return 0;
	i = find(p, pfx);
	if (!withdraw && !from_us(p)) {
		if (i >= 0)
			return 0;
		p->rib_in = xreallocarray(p->rib_in, p->nrib_in + 1,
		    sizeof(*p->rib_in));
		p->rib_in[p->nrib_in++] = *pfx;
		return 1;
	}
	if (i < 0)
		return 0;
	p->rib_in[i] = p->rib_in[--p->nrib_in];
	return 1;
}

void
bgp_rib_in_clear(struct bgp_peer *p)
{
	free(p->rib_in);
	p->rib_in = NULL;
	p->nrib_in = 0;
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
				alt = find(p, &svc->conf->prefixes[i]) >= 0;
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
