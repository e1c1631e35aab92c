/* SPDX-License-Identifier: ISC */
/*
 * The canonical form of a config, as `anycastd -t -v` prints it: every
 * setting spelled out, defaults included, in a fixed order.  It parses
 * back to the same config (the golden tests check that), and reloads
 * compare checks by it.
 */
#include <stdio.h>

#include "conf_int.h"
#include "dns_wire.h"

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

static void
print_argv(FILE *f, char *const *argv)
{
	for (; *argv; argv++) {
		fputc(' ', f);
		conf_print_string(f, *argv);
	}
}

static void
print_duration(FILE *f, const char *ind, const char *kw, uint64_t ms)
{
	char buf[32];

	util_fmt_duration(ms, buf, sizeof(buf));
	fprintf(f, "%s%s %s;\n", ind, kw, buf);
}

static void
print_addr(FILE *f, const char *ind, const char *kw, const struct addr *a)
{
	char buf[64];

	if (a->family)
		fprintf(f, "%s%s %s;\n", ind, kw,
		    util_fmt_addr(a, buf, sizeof(buf)));
}

/* The DNS-aware expectations of print_dns(), in their fixed order. */
static void
print_dns_aware(FILE *f, const char *ind, const struct dns_check_conf *d)
{
	char	 buf[64], t[16];

	if (d->expect_id_server) {
		fprintf(f, "%sexpect id.server ", ind);
		conf_print_string(f, d->expect_id_server);
		fprintf(f, ";\n");
	}
	if (d->expect_validated)
		fprintf(f, "%sexpect validated;\n", ind);
	if (d->servfail_name)
		fprintf(f, "%sexpect servfail %s %s;\n", ind, d->servfail_name,
		    dns_wire_type_name(d->servfail_type, t, sizeof(t)));
	if (d->expect_dnskey)
		fprintf(f, "%sexpect dnskey%s%s;\n", ind, d->zone ? " zone " :
		    "", d->zone ? d->zone : "");
	if (d->serial_primary.family)
		fprintf(f, "%sexpect serial from %s port %u lag %u%s%s%s;\n",
		    ind, util_fmt_addr(&d->serial_primary, buf, sizeof(buf)),
		    d->serial_port, d->serial_lag, d->zone ? " zone " : "",
		    d->zone ? d->zone : "", d->serial_down ? " down" : "");
	if (d->serial_age) {
		util_fmt_duration(d->serial_age, buf, sizeof(buf));
		fprintf(f, "%sexpect serial age %s%s%s%s;\n", ind, buf,
		    d->zone ? " zone " : "", d->zone ? d->zone : "",
		    d->serial_age_down ? " down" : "");
	}
	if (d->expect_rrsig) {
		util_fmt_duration(d->rrsig_valid, buf, sizeof(buf));
		fprintf(f, "%sexpect rrsig valid %s%s;\n", ind, buf,
		    d->rrsig_down ? " down" : "");
	}
}

static void
print_dns(FILE *f, const char *ind, const struct dns_check_conf *d)
{
	char	 t[16], c[16], r[16];
	size_t	 i;
	unsigned rc;

	print_addr(f, ind, "server", &d->server);
	fprintf(f, "%sport %u;\n", ind, d->port);
	print_addr(f, ind, "source", &d->source);
	fprintf(f, "%squery %s %s %s;\n", ind, d->qname,
	    dns_wire_type_name(d->qtype, t, sizeof(t)),
	    dns_wire_class_name(d->qclass, c, sizeof(c)));
	if (d->tcp)
		fprintf(f, "%stcp;\n", ind);
	fprintf(f, "%sedns %s;\n", ind, d->edns ? "on" : "off");
	if (d->dnssec_ok)
		fprintf(f, "%sdnssec;\n", ind);
	if (d->nsid)
		fprintf(f, "%snsid;\n", ind);
	if (d->recursion)
		fprintf(f, "%srecursion;\n", ind);
	fprintf(f, "%sexpect rcode", ind);
	for (rc = 0; rc < 16; rc++)
		if (d->rcodes & (1u << rc))
			fprintf(f, " %s", dns_wire_rcode_name(rc, r, sizeof(r)));
	fprintf(f, ";\n");
	if (d->expect_aa)
		fprintf(f, "%sexpect authoritative;\n", ind);
	if (d->expect_answer && d->ncontains == 0)
		fprintf(f, "%sexpect answer;\n", ind);
	for (i = 0; i < d->ncontains; i++) {
		fprintf(f, "%sexpect answer contains ", ind);
		conf_print_string(f, d->contains[i]);
		fprintf(f, ";\n");
	}
	if (d->expect_nsid) {
		fprintf(f, "%sexpect nsid ", ind);
		conf_print_string(f, d->expect_nsid);
		fprintf(f, ";\n");
	}
	print_dns_aware(f, ind, d);
	if (d->degraded_latency)
		print_duration(f, ind, "degraded latency", d->degraded_latency);
	if (d->p95_latency) {
		util_fmt_duration(d->p95_latency, t, sizeof(t));
		fprintf(f, "%sdegraded latency p95 %s window %u;\n", ind, t,
		    d->p95_window);
	}
	if (d->nzones) {
		fprintf(f, "%szones {\n", ind);
		for (i = 0; i < d->nzones; i++)
			fprintf(f, "%s\t%s;\n", ind, d->zones[i]);
		fprintf(f, "%s}\n", ind);
	}
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
	char ind[32];

	snprintf(ind, sizeof(ind), "%s\t", ind0);
	fprintf(f, "check %s %s {\n", conf_check_type_name(ck->type),
	    ck->name);
	switch (ck->type) {
	case CHECK_DNS:
		print_dns(f, ind, &ck->u.dns);
		break;
	case CHECK_TCP:
		print_addr(f, ind, "server", &ck->u.tcp.server);
		fprintf(f, "%sport %u;\n", ind, ck->u.tcp.port);
		print_addr(f, ind, "source", &ck->u.tcp.source);
		break;
	case CHECK_EXEC:
		fprintf(f, "%scommand", ind);
		print_argv(f, ck->u.exec.argv);
		fprintf(f, ";\n");
		if (ck->u.exec.exit_codes == EXIT_CODES_ZERO_OK)
			fprintf(f, "%s# exit 0: up; any other: down\n"
			    "%sexit-codes zero-ok;\n", ind, ind);
		else
			fprintf(f, "%s# exit 0: up; 1: degraded (still "
			    "announced); any other: down\n"
			    "%sexit-codes nagios;\n", ind, ind);
		break;
	case CHECK_FILE:
		fprintf(f, "%spath ", ind);
		conf_print_string(f, ck->u.file.path);
		fprintf(f, ";\n");
		break;
	case CHECK_BFD:		/* printed as its via's `bfd`; this for reloads */
		fputs(ind, f);
		conf_print_bfd(f, ind, &ck->u.bfd);
		fputc('\n', f);
		break;
	}
	conf_print_watches(f, ck, ind);
	print_duration(f, ind, "interval", ck->interval);
	if (ck->type != CHECK_FILE) {
		print_duration(f, ind, "fast-interval", ck->fast_interval);
		print_duration(f, ind, "timeout", ck->timeout);
		fprintf(f, "%srise %u;\n%sfall %u;\n", ind, ck->rise, ind,
		    ck->fall);
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
	print_duration(f, "\t", "delay up", s->delay_up);
	print_duration(f, "\t", "delay down", s->delay_down);
	print_duration(f, "\t", "drain time", s->drain_time);
	if (d->enabled) {
		fprintf(f, "\tdamping {\n\t\tpenalty %u;\n", d->penalty);
		print_duration(f, "\t\t", "half-life", d->half_life);
		fprintf(f, "\t\tsuppress %u;\n\t\treuse %u;\n", d->suppress,
		    d->reuse);
		print_duration(f, "\t\t", "max-suppress", d->max_suppress);
		fprintf(f, "\t}\n");
	}
	if (s->protect_last)
		fprintf(f, "\tprotect last;\n");
	if (s->hook) {
		fprintf(f, "\thook");
		print_argv(f, s->hook);
		fprintf(f, ";\n");
	}
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
		conf_print_kout(f, s);
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
	if (a->prepend)
		fprintf(f, "%sprepend %u;\n", ind, a->prepend);
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

	fprintf(f, "\nbgp %s {\n\tlocal as %u;\n", b->name, b->local_as);
	fprintf(f, "\tneighbor %s as %u;\n", util_fmt_addr(&b->neighbor, buf,
	    sizeof(buf)), b->remote_as);
	fprintf(f, "\tport %u;\n", b->port);
	print_addr(f, "\t", "source", &b->source);
	print_addr(f, "\t", "router-id", &b->router_id);
	print_duration(f, "\t", "hold time", b->hold_time);
	print_duration(f, "\t", "connect retry", b->connect_retry);
	if (b->passive)
		fprintf(f, "\tpassive;\n");
	if (b->multihop)
		fprintf(f, "\tmultihop %u;\n", b->multihop);
	if (b->ttl_security)
		fprintf(f, "\tttl-security;\n");
	if (b->password) {
		fprintf(f, "\tpassword ");
		conf_print_string(f, b->password);
		fprintf(f, ";\n");
	}
	print_addr(f, "\t", "next-hop", &b->nexthop4);
	print_addr(f, "\t", "next-hop", &b->nexthop6);
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
