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

static void
print_string(FILE *f, const char *s)
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
		print_string(f, *argv);
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
		print_string(f, d->contains[i]);
		fprintf(f, ";\n");
	}
	if (d->expect_nsid) {
		fprintf(f, "%sexpect nsid ", ind);
		print_string(f, d->expect_nsid);
		fprintf(f, ";\n");
	}
	if (d->degraded_latency)
		print_duration(f, ind, "degraded latency", d->degraded_latency);
}

void
conf_print_check(FILE *f, const struct check_conf *ck, const char *ind0)
{
	char ind[32];

	snprintf(ind, sizeof(ind), "%s\t", ind0);
	fprintf(f, "%scheck %s %s {\n", ind0, conf_check_type_name(ck->type),
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
		break;
	case CHECK_FILE:
		fprintf(f, "%spath ", ind);
		print_string(f, ck->u.file.path);
		fprintf(f, ";\n");
		break;
	}
	print_duration(f, ind, "interval", ck->interval);
	if (ck->type != CHECK_FILE) {
		print_duration(f, ind, "fast-interval", ck->fast_interval);
		print_duration(f, ind, "timeout", ck->timeout);
		fprintf(f, "%srise %u;\n%sfall %u;\n", ind, ck->rise, ind,
		    ck->fall);
	}
	fprintf(f, "%s}\n", ind0);
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
	char				 buf[64];

	if (c->have_router_id)
		fprintf(f, "router-id %s;\n",
		    util_fmt_addr(&c->router_id, buf, sizeof(buf)));
	fprintf(f, "control ");
	print_string(f, c->control);
	fprintf(f, ";\nlog %s;\nlog level %s;\n",
	    c->log_target == LOG_TARGET_SYSLOG ? "syslog" : "stderr",
	    levels[c->log_level]);
	for (s = c->services; s; s = s->next) {
		fprintf(f, "\nservice %s {\n", s->name);
		conf_print_service_head(f, s);
		for (ck = s->checks; ck; ck = ck->next)
			conf_print_check(f, ck, "\t");
		fprintf(f, "}\n");
	}
}
