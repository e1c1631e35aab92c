/* SPDX-License-Identifier: ISC */
/*
 * `anycastctl show peers` and `show routes` as JSON (docs/control.md).
 */
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"

/* ["ipv4", "ipv6"]: a list is an array, not words in a string. */
static json_object *
families(unsigned f)
{
	json_object *a = json_object_new_array();

	if (f & CONF_AF_IPV4)
		json_object_array_add(a, json_object_new_string("ipv4"));
	if (f & CONF_AF_IPV6)
		json_object_array_add(a, json_object_new_string("ipv6"));
	return a;
}

static void
add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static json_object *
peer_json(const struct bgp_peer *p, uint64_t now)
{
	const struct bgp_conf	*c = p->conf;
	json_object		*o = json_object_new_object();
	int			 up = p->state == BGP_ST_ESTABLISHED;
	char			 a[64];

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "neighbor", json_object_new_string(
	    util_fmt_addr(&c->neighbor, a, sizeof(a))));
	add_u64(o, "remote_as", c->remote_as);
	add_u64(o, "local_as", c->local_as);
	json_object_object_add(o, "state",
	    json_object_new_string(bgp_state_name(p->state)));
	add_u64(o, "state_ms", now - p->state_at);
	json_object_object_add(o, "uptime_ms", up ?
	    json_object_new_int64((int64_t)(now - p->established_at)) : NULL);
	json_object_object_add(o, "last_error", p->last_error[0] ?
	    json_object_new_string(p->last_error) : NULL);
	json_object_object_add(o, "hold_time_s", p->state >= BGP_ST_OPENCONFIRM ?
	    json_object_new_int(p->hold) : NULL);
	json_object_object_add(o, "families",
	    families(up ? p->families : c->families));
	add_u64(o, "msgs_in", p->stats.msgs_in);
	add_u64(o, "msgs_out", p->stats.msgs_out);
	add_u64(o, "updates_in", p->stats.updates_in);
	add_u64(o, "updates_out", p->stats.updates_out);
	add_u64(o, "prefixes_in", p->stats.prefixes_in);
	add_u64(o, "withdrawn_in", p->stats.withdrawn_in);
	add_u64(o, "treat_as_withdraw_in", p->stats.taw_in);
	add_u64(o, "notifications_in", p->stats.notifications_in);
	add_u64(o, "notifications_out", p->stats.notifications_out);
	add_u64(o, "flaps", p->stats.flaps);
	add_u64(o, "prefixes_sent", bgp_out_count(p));
	json_object_object_add(o, "bfd", p->bfd ? bfd_watch_json(p->bfd) :
	    NULL);
	return o;
}

json_object *
bgp_peers_json(const struct bgp_engine *e)
{
	const struct bgp_peer	*p;
	json_object		*o = json_object_new_object();
	json_object		*list = json_object_new_array();
	uint64_t		 now = util_now_ms();

	for (p = e->peers; p; p = p->next)
		json_object_array_add(list, peer_json(p, now));
	json_object_object_add(o, "peers", list);
	return o;
}

/*
 * The values after LABEL in an attribute key ("..., community 65100:53
 * 65535:0, ..."), as a JSON array: lists are arrays for a script.
 */
static json_object *
key_list(const char *key, const char *label)
{
	json_object	*a = json_object_new_array();
	const char	*s, *end;
	size_t		 n;
	char		 word[64];

	if (key == NULL || (s = strstr(key, label)) == NULL)
		return a;
	s += strlen(label);
	if ((end = strstr(s, ", ")) == NULL)
		end = s + strlen(s);
	while (s < end) {
		n = strcspn(s, " ,");
		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		if (n > 0 && n < sizeof(word)) {
			memcpy(word, s, n);
			word[n] = '\0';
			json_object_array_add(a, json_object_new_string(word));
		}
		s += n + 1;
	}
	return a;
}

static void
add_route(json_object *list, const struct bgp_peer *p, const char *service,
    const struct prefix *pfx)
{
	json_object	*o = json_object_new_object();
	const char	*attrs = NULL;
	char		 a[64], buf[80];
	int		 on = bgp_out_announced(p, service, pfx, &attrs);

	snprintf(buf, sizeof(buf), "%s/%u", util_fmt_addr(&pfx->addr, a,
	    sizeof(a)), pfx->len);
	json_object_object_add(o, "peer", json_object_new_string(p->conf->name));
	json_object_object_add(o, "service", json_object_new_string(service));
	json_object_object_add(o, "prefix", json_object_new_string(buf));
	json_object_object_add(o, "announced", json_object_new_boolean(on));
	json_object_object_add(o, "attributes", on ?
	    json_object_new_string(attrs) : NULL);
	json_object_object_add(o, "communities",
	    key_list(on ? attrs : NULL, ", community "));
	json_object_object_add(o, "large_communities",
	    key_list(on ? attrs : NULL, ", large-community "));
	json_object_array_add(list, o);
}

/*
 * Every prefix of every service to every peer its announce blocks name:
 * announced or not right now, as the Adj-RIB-Out holds what was sent
 * (a session that is not Established holds nothing).
 */
json_object *
bgp_routes_json(const struct bgp_engine *e)
{
	const struct bgp_peer		*p;
	const struct hc_service		*svc;
	json_object			*o = json_object_new_object();
	json_object			*list = json_object_new_array();
	size_t				 i;

	for (p = e->peers; p; p = p->next)
		for (svc = e->hc->services; svc; svc = svc->next) {
			if (conf_announce_for(svc->conf, p->conf->name) == NULL)
				continue;
			for (i = 0; i < svc->conf->nprefixes; i++)
				add_route(list, p, svc->conf->name,
				    &svc->conf->prefixes[i]);
		}
	json_object_object_add(o, "routes", list);
	return o;
}

json_object *
bgp_service_json(const struct bgp_engine *e, const struct service_conf *sc)
{
	const struct bgp_peer	*p;
	json_object		*list = json_object_new_array(), *o, *pfx;
	char			 a[64], buf[80];
	size_t			 i;

	for (p = e->peers; p; p = p->next) {
		if (conf_announce_for(sc, p->conf->name) == NULL)
			continue;
		o = json_object_new_object();
		pfx = json_object_new_object();
		json_object_object_add(o, "peer",
		    json_object_new_string(p->conf->name));
		json_object_object_add(o, "established",
		    json_object_new_boolean(p->state == BGP_ST_ESTABLISHED));
		for (i = 0; i < sc->nprefixes; i++) {
			snprintf(buf, sizeof(buf), "%s/%u", util_fmt_addr(
			    &sc->prefixes[i].addr, a, sizeof(a)),
			    sc->prefixes[i].len);
			json_object_object_add(pfx, buf, json_object_new_boolean(
			    bgp_out_announced(p, sc->name, &sc->prefixes[i],
			    NULL)));
		}
		json_object_object_add(o, "announced", pfx);
		json_object_array_add(list, o);
	}
	return list;
}
