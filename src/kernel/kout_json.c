/* SPDX-License-Identifier: ISC */
/*
 * The "kernel" list of `anycastctl show routes` (docs/control.md): per
 * address and route, what the kernel holds as last read (installed, its
 * next hops, another program's route on the prefix) beside what the
 * service wants.
 */
#include <net/if.h>
#include <stdio.h>

#include <linux/rtnetlink.h>

#include "kernel/kout.h"

static json_object *
hops_json(const struct nl_route *r)
{
	json_object	*hops = json_object_new_array(), *h, *flags;
	char		 a[64], dev[IF_NAMESIZE];
	size_t		 i;

	for (i = 0; r && i < r->nnh; i++) {
		h = json_object_new_object();
		json_object_object_add(h, "via", r->nh[i].gw.family ?
		    json_object_new_string(util_fmt_addr(&r->nh[i].gw, a,
		    sizeof(a))) : NULL);
		json_object_object_add(h, "dev", r->nh[i].ifindex &&
		    if_indextoname(r->nh[i].ifindex, dev) ?
		    json_object_new_string(dev) : NULL);
		json_object_object_add(h, "weight",
		    json_object_new_int((int)r->nh[i].weight));
		flags = json_object_new_array();
		if (r->nh[i].flags & RTNH_F_DEAD)
			json_object_array_add(flags,
			    json_object_new_string("dead"));
		if (r->nh[i].flags & RTNH_F_LINKDOWN)
			json_object_array_add(flags,
			    json_object_new_string("linkdown"));
		json_object_object_add(h, "flags", flags);
		json_object_array_add(hops, h);
	}
	return hops;
}

static json_object *
foreign_json(const struct kout_entry *e)
{
	json_object	*list = json_object_new_array(), *o;
	size_t		 i;

	for (i = 0; i < e->nforeign; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "protocol",
		    json_object_new_int(e->foreign_r[i].proto));
		json_object_object_add(o, "metric", json_object_new_int64(
		    e->foreign_r[i].metric));
		json_object_object_add(o, "type",
		    json_object_new_int(e->foreign_r[i].type));
		json_object_object_add(o, "nexthops",
		    hops_json(&e->foreign_r[i]));
		json_object_array_add(list, o);
	}
	return list;
}

static json_object *
entry_json(const struct kout_entry *e)
{
	json_object	*o = json_object_new_object();
	char		 p[80], dev[IF_NAMESIZE];

	json_object_object_add(o, "service",
	    json_object_new_string(e->service));
	json_object_object_add(o, "kind",
	    json_object_new_string(e->is_route ? "route" : "address"));
	kout_fmt_prefix(e->is_route ? &e->route.dst : &e->addr.pfx, p,
	    sizeof(p));
	json_object_object_add(o, "prefix", json_object_new_string(p));
	json_object_object_add(o, "wanted", json_object_new_boolean(e->wanted));
	json_object_object_add(o, "installed",
	    json_object_new_boolean(e->installed));
	json_object_object_add(o, "foreign",
	    json_object_new_boolean(e->foreign));
	json_object_object_add(o, "error", e->error[0] ?
	    json_object_new_string(e->error) : NULL);
	if (!e->is_route) {
		json_object_object_add(o, "dev", json_object_new_string(
		    if_indextoname(e->addr.ifindex, dev) ? dev : "?"));
		return o;
	}
	json_object_object_add(o, "table",
	    json_object_new_int64(e->route.table));
	json_object_object_add(o, "metric",
	    json_object_new_int64(e->route.metric));
	/* The kernel's, not ours: empty while it holds no route of ours. */
	json_object_object_add(o, "nexthops",
	    hops_json(e->installed ? &e->have : NULL));
	json_object_object_add(o, "wanted_nexthops",
	    hops_json(e->wanted ? &e->route : NULL));
	json_object_object_add(o, "foreign_routes", foreign_json(e));
	return o;
}

json_object *
kout_json(const struct kout *k)
{
	const struct kout_entry	*e;
	json_object		*list = json_object_new_array();

	for (e = k->entries; e; e = e->next)
		json_object_array_add(list, entry_json(e));
	return list;
}

json_object *
kout_status_json(const struct kout *k)
{
	json_object	*o = json_object_new_object();
	uint64_t	 now = util_now_ms();

	json_object_object_add(o, "scan_time_ms",
	    json_object_new_int64((int64_t)k->scan_ms));
	json_object_object_add(o, "scans",
	    json_object_new_int64((int64_t)k->scans));
	json_object_object_add(o, "last_scan_ms_ago", k->last_scan ?
	    json_object_new_int64((int64_t)(now - k->last_scan)) : NULL);
	json_object_object_add(o, "repairs",
	    json_object_new_int64((int64_t)k->repairs));
	json_object_object_add(o, "foreign",
	    json_object_new_int64((int64_t)kout_foreign_count(k)));
	return o;
}
