/* SPDX-License-Identifier: ISC */
/*
 * `anycastctl show peers` and `show routes` as JSON (docs/control.md).
 */
#include "bgp.h"

static const char *
families(unsigned f)
{
	static const char *const names[] = { "", "ipv4", "ipv6", "ipv4 ipv6" };

	return names[f & 3];
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
	json_object_object_add(o, "families", json_object_new_string(
	    families(up ? p->families : c->families)));
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

json_object *
bgp_routes_json(const struct bgp_engine *e)
{
	const struct bgp_peer	*p;
	json_object		*o = json_object_new_object();
	json_object		*list = json_object_new_array(), *one;
	size_t			 i, n;

	for (p = e->peers; p; p = p->next) {
		one = bgp_out_json(p);
		n = json_object_array_length(one);
		for (i = 0; i < n; i++)
			json_object_array_add(list, json_object_get(
			    json_object_array_get_idx(one, i)));
		json_object_put(one);
	}
	json_object_object_add(o, "routes", list);
	return o;
}
