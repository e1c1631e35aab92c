/* SPDX-License-Identifier: ISC */
/*
 * The canonical form of a config, as `anycastd -t -v` prints it: every
 * setting spelled out, defaults included, in a fixed order.  It parses
 * back to the same config (the golden tests check that), and reloads
 * compare checks by it.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf_int.h"

/* A config string, quoted, with its '"' and '\\' escaped. */
void
conf_print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void
conf_print_argv(FILE *f, char *const *argv)
{
	for (; *argv; argv++) {
		fputc(' ', f);
		conf_print_string(f, *argv);
	}
}

void
conf_print_duration(FILE *f, const char *ind, const char *kw, uint64_t ms)
{
	char buf[32];

	util_fmt_duration(ms, buf, sizeof(buf));
	fprintf(f, "%s%s %s;\n", ind, kw, buf);
}

void
conf_print_addr(FILE *f, const char *ind, const char *kw, const struct addr *a)
{
	char buf[64];

	if (a->family)
		fprintf(f, "%s%s %s;\n", ind, kw,
		    util_fmt_addr(a, buf, sizeof(buf)));
}

static void
print_row(FILE *f, const char *ind, const struct keyword *k, const void *base)
{
	const struct kw_scalar	*r = k->scalar;
	uint64_t		 v = conf_row_get(r, base);
	char			 buf[32];

	if ((r->kind == KW_FLAG || r->if_set) && v == 0)
		return;
	fprintf(f, "%s%s%s%s", ind, k->name, r->pre ? " " : "",
	    r->pre ? r->pre : "");
	switch (r->kind) {
	case KW_UINT:
		fprintf(f, " %llu", (unsigned long long)v);
		break;
	case KW_DURATION:
		util_fmt_duration(v, buf, sizeof(buf));
		fprintf(f, " %s", buf);
		break;
	case KW_ONOFF:
		fprintf(f, " %s", v ? "on" : "off");
		break;
	case KW_FLAG:
		break;
	}
	fprintf(f, ";\n");
}

void
conf_print_row(FILE *f, const char *ind, const struct keyword *table,
    const char *name, const void *base)
{
	const struct keyword *k;

	for (k = table; k->name; k++)
		if (k->scalar && strcmp(k->name, name) == 0) {
			print_row(f, ind, k, base);
			return;
		}
	fatal("the printer asks for \"%s\", not a scalar row", name);
}

void
conf_print_rows(FILE *f, const char *ind, const struct keyword *table,
    const void *base)
{
	const struct keyword *k;

	for (k = table; k->name; k++)
		if (k->scalar)
			print_row(f, ind, k, base);
}

/* server, port and source of a network probe, before its own settings. */
static void
print_net(FILE *f, const char *ind, const struct check_conf *ck)
{
	struct check_net n;

	conf_check_net(ck, &n);
	conf_print_addr(f, ind, "server", n.server);
	fprintf(f, "%sport %u;\n", ind, *n.port);
	conf_print_addr(f, ind, "source", n.source);
}

/* The watches and `immediate`, printed only when a check has watches. */
static void
print_watches(FILE *f, const struct check_conf *ck, const char *ind)
{
	const struct watch_conf	*w;
	char			 buf[64];

	for (w = ck->watches; w; w = w->next) {
		switch (w->type) {
		case WATCH_PROCESS:
			fprintf(f, "%swatch process %s ", ind, w->unit ?
			    "unit" : "pidfile");
			conf_print_string(f, w->unit ? w->unit : w->pidfile);
			fprintf(f, ";\n");
			break;
		case WATCH_LISTENER:
			fprintf(f, "%swatch listener %s", ind,
			    w->proto == IPPROTO_TCP ? "tcp" : "udp");
			if (w->addr.family)
				fprintf(f, " %s", util_fmt_addr(&w->addr, buf,
				    sizeof(buf)));
			fprintf(f, " port %u;\n", w->port);
			break;
		case WATCH_TCP_SESSION:
			fprintf(f, "%swatch tcp-session;\n", ind);
			break;
		}
	}
	if (ck->watches)
		conf_print_row(f, ind, conf_probe_kw, "immediate", ck);
}

void
conf_print_check(FILE *f, const struct check_conf *ck, const char *ind0)
{
	fputs(ind0, f);
	conf_print_check_body(f, ck, ind0);
	fputc('\n', f);
}

/* "check TYPE NAME { ... }", the first line not indented, no newline. */
void
conf_print_check_body(FILE *f, const struct check_conf *ck, const char *ind0)
{
	const struct check_desc	*ct = check_desc_of(ck->type);
	char			 ind[32];

	snprintf(ind, sizeof(ind), "%s\t", ind0);
	fprintf(f, "check %s %s {\n", conf_check_type_name(ck->type),
	    ck->name);
	if (ct->net)
		print_net(f, ind, ck);
	if (ct->print)
		ct->print(f, ind, ck);
	print_watches(f, ck, ind);
	conf_print_rows(f, ind, conf_every_kw, ck);
	if (!(ct->flags & CT_MAINT)) {
		conf_print_row(f, ind, conf_probe_kw, "fast-interval", ck);
		conf_print_row(f, ind, conf_probe_kw, "timeout", ck);
		conf_print_row(f, ind, conf_probe_kw, "rise", ck);
		conf_print_row(f, ind, conf_probe_kw, "fall", ck);
	}
	fprintf(f, "%s}", ind0);
}

/* Everything of a service but its checks. */
void
conf_print_service_head(FILE *f, const struct service_conf *s)
{
	static const char *const modes[] = { "all", "any", "threshold" };
	const struct damping_conf *d = &s->damping;
	char	 buf[64];
	size_t	 i;

	for (i = 0; i < s->nprefixes; i++)
		fprintf(f, "\tprefix %s/%u;\n", util_fmt_addr(
		    &s->prefixes[i].addr, buf, sizeof(buf)),
		    s->prefixes[i].len);
	fprintf(f, "\tcombine %s", modes[s->combine]);
	if (s->combine == COMBINE_THRESHOLD)
		fprintf(f, " %u", s->threshold);
	fprintf(f, ";\n");
	conf_print_duration(f, "\t", "delay up", s->delay_up);
	conf_print_duration(f, "\t", "delay down", s->delay_down);
	conf_print_row(f, "\t", conf_service_kw, "drain", s);
	if (d->enabled) {
		fprintf(f, "\tdamping {\n");
		conf_print_rows(f, "\t\t", conf_damping_kw, d);
		fprintf(f, "\t}\n");
	}
	conf_print_row(f, "\t", conf_service_kw, "protect", s);
	if (s->hook) {
		fprintf(f, "\thook");
		conf_print_argv(f, s->hook);
		fprintf(f, ";\n");
	}
}

static void
print_via(FILE *f, const struct service_conf *svc, size_t i)
{
	const struct via_conf	*v = &svc->route.vias[i];
	const struct check_conf	*ck;
	char			 a[64];

	fprintf(f, "\t\tvia %s", util_fmt_addr(&v->gw, a, sizeof(a)));
	if (v->dev[0])
		fprintf(f, " dev %s", v->dev);
	fprintf(f, " weight %u", v->weight);
	if (v->degraded_weight)
		fprintf(f, " degraded-weight %u", v->degraded_weight);
	for (ck = svc->checks; ck; ck = ck->next)
		if (ck->backend == (int)i) {
			fprintf(f, "\n\t\t\t");
			if (ck->type == CHECK_BFD)
				conf_print_bfd(f, "\t\t\t", &ck->u.bfd);
			else
				conf_print_check_body(f, ck, "\t\t\t");
		}
	fprintf(f, ";\n");
}

static void
print_kout(FILE *f, const struct service_conf *svc)
{
	const struct address_conf	*a = &svc->address;
	const struct route_conf		*r = &svc->route;
	size_t				 i;

	if (a->present)
		fprintf(f, "\taddress %s%s%s;\n", a->ifname,
		    a->dynamic ? " dynamic" : "", a->create ? " create" : "");
	if (!r->present)
		return;
	fprintf(f, "\troute {\n");
	for (i = 0; i < r->nvias; i++)
		print_via(f, svc, i);
	if (r->nvias == 0)
		fprintf(f, "\t\tdev %s;\n", r->dev);
	fprintf(f, "\t\ttable %u;\n", r->table);
	conf_print_row(f, "\t\t", conf_route_kw, "metric", svc);
	fprintf(f, "\t}\n");
}

void
conf_print(FILE *f, const struct conf *c)
{
	static const char *const levels[] = { "error", "warn", "info",
	    "debug" };
	const struct service_conf	*s;
	const struct check_conf		*ck;
	const struct bgp_conf		*b;
	const struct announce_conf	*a;
	char				 buf[64];

	if (c->have_router_id)
		fprintf(f, "router-id %s;\n",
		    util_fmt_addr(&c->router_id, buf, sizeof(buf)));
	fprintf(f, "control ");
	conf_print_string(f, c->control);
	fprintf(f, ";\n");
	if (c->control_clients)
		fprintf(f, "control clients %u;\n", c->control_clients);
	fprintf(f, "log %s;\nlog level %s;\n",
	    c->log_target == LOG_TARGET_SYSLOG ? "syslog" : "stderr",
	    levels[c->log_level]);
	if (c->have_metrics)
		fprintf(f, c->metrics_addr.family == AF_INET6 ?
		    "metrics [%s]:%u;\n" : "metrics %s:%u;\n",
		    util_fmt_addr(&c->metrics_addr, buf, sizeof(buf)),
		    c->metrics_port);
	if (c->user)
		fprintf(f, "user %s;\n", c->user);
	if (c->exec_user)
		fprintf(f, "exec user %s;\n", c->exec_user);
	if (c->exec_limit)
		fprintf(f, "exec limit %u;\n", c->exec_limit);
	if (c->probe_limit)
		fprintf(f, "probe limit %u;\n", c->probe_limit);
	if (c->kernel_scan_ms) {
		util_fmt_duration(c->kernel_scan_ms, buf, sizeof(buf));
		fprintf(f, "kernel scan time %s;\n", buf);
	}
	for (b = c->peers; b; b = b->next)
		conf_print_bgp(f, b);
	for (s = c->services; s; s = s->next) {
		fprintf(f, "\nservice %s {\n", s->name);
		conf_print_service_head(f, s);
		for (ck = s->checks; ck; ck = ck->next)
			if (ck->backend < 0)
				conf_print_check(f, ck, "\t");
		print_kout(f, s);
		for (a = s->announces; a; a = a->next)
			conf_print_announce(f, a);
		fprintf(f, "}\n");
	}
}

/* In the largest unit that divides it exactly, as the parser reads it. */
static void
print_bandwidth(FILE *f, const char *ind, uint64_t bps)
{
	static const char units[] = "kMGT";
	int i = -1;

	while (i < 3 && bps % 1000 == 0) {
		bps /= 1000;
		i++;
	}
	fprintf(f, "%sbandwidth %llu%.*s;\n", ind, (unsigned long long)bps,
	    i >= 0, i >= 0 ? &units[i] : "");
}

static void
print_attrs(FILE *f, const char *ind, const struct announce_attrs *a)
{
	static const char *const origins[] = { "igp", "egp", "incomplete" };
	size_t i;

	if (a->origin >= 0)
		fprintf(f, "%sorigin %s;\n", ind, origins[a->origin]);
	conf_print_row(f, ind, conf_attr_kw, "prepend", a);
	if (a->has_med)
		fprintf(f, "%smed %u;\n", ind, a->med);
	if (a->has_local_pref)
		fprintf(f, "%slocal-pref %u;\n", ind, a->local_pref);
	if (a->ncommunities) {
		fprintf(f, "%scommunity", ind);
		for (i = 0; i < a->ncommunities; i++)
			fprintf(f, " %u:%u", a->communities[i] >> 16,
			    a->communities[i] & 0xffff);
		fprintf(f, ";\n");
	}
	if (a->bandwidth)
		print_bandwidth(f, ind, a->bandwidth);
	if (a->nlcommunities) {
		fprintf(f, "%slarge-community", ind);
		for (i = 0; i < a->nlcommunities; i++)
			fprintf(f, " %u:%u:%u", a->lcommunities[i].global,
			    a->lcommunities[i].local1,
			    a->lcommunities[i].local2);
		fprintf(f, ";\n");
	}
}

static int
attrs_empty(const struct announce_attrs *a)
{
	return a->origin < 0 && !a->prepend && !a->has_med &&
	    !a->has_local_pref && !a->ncommunities && !a->nlcommunities &&
	    !a->bandwidth;
}

void
conf_print_announce(FILE *f, const struct announce_conf *a)
{
	if (attrs_empty(&a->normal) && attrs_empty(&a->degraded) &&
	    attrs_empty(&a->draining)) {
		fprintf(f, "\tannounce %s;\n", a->peer);
		return;
	}
	fprintf(f, "\tannounce %s {\n", a->peer);
	print_attrs(f, "\t\t", &a->normal);
	if (!attrs_empty(&a->degraded)) {
		fprintf(f, "\t\tdegraded {\n");
		print_attrs(f, "\t\t\t", &a->degraded);
		fprintf(f, "\t\t}\n");
	}
	if (!attrs_empty(&a->draining)) {
		fprintf(f, "\t\tdraining {\n");
		print_attrs(f, "\t\t\t", &a->draining);
		fprintf(f, "\t\t}\n");
	}
	fprintf(f, "\t}\n");
}

void
conf_print_bgp(FILE *f, const struct bgp_conf *b)
{
	char buf[64];

	fprintf(f, "\nbgp %s {\n", b->name);
	conf_print_row(f, "\t", conf_bgp_kw, "local", b);
	fprintf(f, "\tneighbor %s as %u;\n", util_fmt_addr(&b->neighbor, buf,
	    sizeof(buf)), b->remote_as);
	conf_print_row(f, "\t", conf_bgp_kw, "port", b);
	conf_print_addr(f, "\t", "source", &b->source);
	conf_print_addr(f, "\t", "router-id", &b->router_id);
	conf_print_duration(f, "\t", "hold time", b->hold_time);
	conf_print_row(f, "\t", conf_bgp_kw, "connect", b);
	conf_print_row(f, "\t", conf_bgp_kw, "passive", b);
	conf_print_row(f, "\t", conf_bgp_kw, "multihop", b);
	conf_print_row(f, "\t", conf_bgp_kw, "ttl-security", b);
	if (b->password) {
		fprintf(f, "\tpassword ");
		conf_print_string(f, b->password);
		fprintf(f, ";\n");
	}
	conf_print_addr(f, "\t", "next-hop", &b->nexthop4);
	conf_print_addr(f, "\t", "next-hop", &b->nexthop6);
	fprintf(f, "\taddress-family%s%s;\n",
	    b->families & CONF_AF_IPV4 ? " ipv4" : "",
	    b->families & CONF_AF_IPV6 ? " ipv6" : "");
	if (b->bfd.enabled) {
		fputc('\t', f);
		conf_print_bfd(f, "\t", &b->bfd);
		fputc('\n', f);
	}
	fprintf(f, "}\n");
}

void
conf_print_bfd(FILE *f, const char *ind, const struct bfd_conf *b)
{
	char buf[32];

	if (!b->enabled)
		return;
	util_fmt_duration(b->interval, buf, sizeof(buf));
	fprintf(f, "bfd%s {\n%s\tinterval %s;\n", b->strict ? " strict" : "",
	    ind, buf);
	snprintf(buf, sizeof(buf), "%s\t", ind);
	conf_print_row(f, buf, conf_bfd_kw, "multiplier", b);
	if (b->auth)
		fprintf(f, "%s\tauthentication %s key-id %u password \"%s\";\n",
		    ind, b->auth == 4 ? "keyed-sha1" : "meticulous-keyed-sha1",
		    b->key_id, b->key);
	fputs(ind, f);
	fputc('}', f);
}
