/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `check TYPE [NAME] { ... }` blocks: one keyword table
 * for every check type, each keyword marked with the types it applies to,
 * so that `query` in a tcp check is refused by name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "dns_wire.h"

/* ---- check blocks ---- */

struct check_ctx {
	struct check_conf	*check;
	int			 seen_expect_nsid;
};

static int
kw_interval(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_duration_arg(p, &((struct check_ctx *)ctx)->check->interval,
	    10) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_fast_interval(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_duration_arg(p, &((struct check_ctx *)ctx)->check->fast_interval,
	    10) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_timeout(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_duration_arg(p, &((struct check_ctx *)ctx)->check->timeout,
	    1) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_rise(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_uint_arg(p, &((struct check_ctx *)ctx)->check->rise, 1, 100) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_fall(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_uint_arg(p, &((struct check_ctx *)ctx)->check->fall, 1, 100) == -1)
		return -1;
	return conf_semi(p);
}

static struct addr *
check_server(struct check_conf *ck)
{
	return ck->type == CHECK_DNS ? &ck->u.dns.server : &ck->u.tcp.server;
}

static int
kw_server(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_addr_arg(p, check_server(((struct check_ctx *)ctx)->check)) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_source(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf *ck = ((struct check_ctx *)ctx)->check;

	(void)kw;
	if (conf_addr_arg(p, ck->type == CHECK_DNS ? &ck->u.dns.source :
	    &ck->u.tcp.source) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_port(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf	*ck = ((struct check_ctx *)ctx)->check;
	unsigned		 port;

	(void)kw;
	if (conf_uint_arg(p, &port, 1, 65535) == -1)
		return -1;
	if (ck->type == CHECK_DNS)
		ck->u.dns.port = (uint16_t)port;
	else
		ck->u.tcp.port = (uint16_t)port;
	return conf_semi(p);
}

static int
qname_ok(const char *name)
{
	size_t		 total = strlen(name), label = 0;
	const char	*s;

	if (strcmp(name, ".") == 0)
		return 1;
	if (total == 0 || total > 254 || name[0] == '.')
		return 0;
	for (s = name; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (++label > 63)
			return 0;
	}
	return 1;
}

/* query NAME [TYPE [CLASS]]; the name is kept lower case and absolute. */
static int
kw_query(struct parser *p, void *ctx, const struct tok *kw)
{
	struct dns_check_conf	*d = &((struct check_ctx *)ctx)->check->u.dns;
	struct tok		 t;
	size_t			 i, n;
	int			 v;

	(void)kw;
	if (conf_arg(p, &t, "a domain name", 0) == -1)
		return -1;
	if (!qname_ok(t.text)) {
		conf_error(p, &t.pos, "'%s' is not a valid domain name",
		    t.text);
		lex_tok_free(&t);
		return -1;
	}
	n = strlen(t.text);
	free(d->qname);
	d->qname = xmalloc(n + 2);
	for (i = 0; i < n; i++)
		d->qname[i] = (char)tolower((unsigned char)t.text[i]);
	if (t.text[n - 1] != '.')
		d->qname[n++] = '.';
	d->qname[n] = '\0';
	lex_tok_free(&t);
	if (conf_peek(p)->type != TOK_WORD)
		return conf_semi(p);
	if (conf_arg(p, &t, "a query type", 0) == -1)
		return -1;
	/* RFC 6895 3.1: meta-types and zone transfers are not questions a
	 * health probe can ask over one datagram. */
	if ((v = dns_wire_type(t.text)) == -1 || v == 0 || v == 41 ||
	    v == 251 || v == 252) {
		conf_unexpected(p, &t, "a query type (A, AAAA, SOA, TXT, ...)");
		lex_tok_free(&t);
		return -1;
	}
	d->qtype = (uint16_t)v;
	lex_tok_free(&t);
	if (conf_peek(p)->type != TOK_WORD)
		return conf_semi(p);
	if (conf_arg(p, &t, "a query class", 0) == -1)
		return -1;
	if ((v = dns_wire_class(t.text)) == -1) {
		conf_unexpected(p, &t, "a query class (IN, CH)");
		lex_tok_free(&t);
		return -1;
	}
	d->qclass = (uint16_t)v;
	lex_tok_free(&t);
	return conf_semi(p);
}

static int
kw_tcp(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.tcp = 1;
	return conf_semi(p);
}

static int
kw_edns(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const onoff[] = { "off", "on", NULL };
	int v;

	(void)kw;
	if ((v = conf_choice(p, onoff, "on or off")) == -1)
		return -1;
	((struct check_ctx *)ctx)->check->u.dns.edns = v;
	return conf_semi(p);
}

static int
kw_dnssec(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.dnssec_ok = 1;
	return conf_semi(p);
}

static int
kw_nsid(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.nsid = 1;
	return conf_semi(p);
}

static int
expect_rcodes(struct parser *p, struct dns_check_conf *d)
{
	struct tok	t;
	int		rc;

	if (conf_peek(p)->type != TOK_WORD)
		return conf_unexpected(p, conf_peek(p), "an rcode (noerror, nxdomain, ...)");
	while (conf_peek(p)->type == TOK_WORD) {
		if (conf_arg(p, &t, "an rcode", 0) == -1)
			return -1;
		rc = dns_wire_rcode(t.text);
		if (rc < 0 || rc > 15) {
			conf_unexpected(p, &t, "an rcode (noerror, nxdomain, "
			    "servfail, refused, ...)");
			lex_tok_free(&t);
			return -1;
		}
		d->rcodes |= 1u << rc;
		lex_tok_free(&t);
	}
	return conf_semi(p);
}

static int
expect_contains(struct parser *p, struct dns_check_conf *d)
{
	struct tok t;

	if (conf_arg(p, &t, "the RDATA the answer must contain", 1) == -1)
		return -1;
	if (t.text[0] == '\0') {
		conf_error(p, &t.pos, "expect answer contains needs RDATA, "
		    "not an empty string");
		lex_tok_free(&t);
		return -1;
	}
	d->contains = xreallocarray(d->contains, d->ncontains + 1,
	    sizeof(*d->contains));
	d->contains[d->ncontains++] = t.text;
	d->expect_answer = 1;
	return conf_semi(p);
}

/* expect rcode ...; | authoritative; | answer [contains X]; | nsid "X"; */
static int
kw_expect(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "rcode", "authoritative",
	    "answer", "nsid", NULL };
	struct check_ctx	*cc = ctx;
	struct dns_check_conf	*d = &cc->check->u.dns;

	switch (conf_choice(p, what, "rcode, authoritative, answer or nsid")) {
	case 0:
		return expect_rcodes(p, d);
	case 1:
		d->expect_aa = 1;
		return conf_semi(p);
	case 2:
		if (conf_word_is(p, "contains")) {
			struct tok t;

			conf_next(p, &t);
			lex_tok_free(&t);
			return expect_contains(p, d);
		}
		d->expect_answer = 1;
		return conf_semi(p);
	case 3:
		if (cc->seen_expect_nsid++)
			return conf_error(p, &kw->pos, "expect nsid given "
			    "twice");
		if (conf_string_arg(p, &d->expect_nsid, "the NSID in quotes") == -1)
			return -1;
		if (d->expect_nsid[0] == '\0')
			return conf_error(p, &kw->pos, "expect nsid needs the "
			    "identity, not an empty string");
		d->nsid = 1;
		return conf_semi(p);
	default:
		return -1;
	}
}

static int
kw_degraded(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "latency", NULL };

	(void)kw;
	if (conf_choice(p, what, "latency") == -1)
		return -1;
	if (conf_duration_arg(p,
	    &((struct check_ctx *)ctx)->check->u.dns.degraded_latency, 1) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_command(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return conf_argv_arg(p, &((struct check_ctx *)ctx)->check->u.exec.argv,
	    "a command and its arguments, each in quotes");
}

static int
kw_path(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf *ck = ((struct check_ctx *)ctx)->check;

	if (conf_string_arg(p, &ck->u.file.path, "a file path in quotes") == -1)
		return -1;
	if (ck->u.file.path[0] != '/')
		return conf_error(p, &kw->pos, "path must be absolute");
	return conf_semi(p);
}

static const struct keyword check_kw[] = {
	{ "server", kw_server, 0, T_NET },
	{ "port", kw_port, 0, T_NET },
	{ "source", kw_source, 0, T_NET },
	{ "query", kw_query, 0, T_DNS },
	{ "tcp", kw_tcp, 0, T_DNS },
	{ "edns", kw_edns, 0, T_DNS },
	{ "dnssec", kw_dnssec, 0, T_DNS },
	{ "nsid", kw_nsid, 0, T_DNS },
	{ "expect", kw_expect, 1, T_DNS },
	{ "degraded", kw_degraded, 0, T_DNS },
	{ "command", kw_command, 0, T_EXEC },
	{ "path", kw_path, 0, T_FILE },
	{ "interval", kw_interval, 0, T_ALL },
	{ "fast-interval", kw_fast_interval, 0, T_PROBE },
	{ "timeout", kw_timeout, 0, T_PROBE },
	{ "rise", kw_rise, 0, T_PROBE },
	{ "fall", kw_fall, 0, T_PROBE },
	{ NULL, NULL, 0, 0 }
};

/* A check of SVC; BACKEND is the index of its via, or -1. */
int
conf_parse_check(struct parser *p, struct service_conf *svc,
    const struct tok *kw, int backend)
{
	static const char *const types[] = { "dns", "tcp", "exec", "file",
	    NULL };
	struct check_conf	*ck, **tail;
	struct check_ctx	 cc;
	struct tok		 t;
	int			 type;

	if ((type = conf_choice(p, types, "a check type (dns, tcp, exec, file)"))
	    == -1)
		return -1;
	ck = conf_check_new((enum check_type)type, &kw->pos);
	ck->backend = backend;
	if (backend >= 0)
		snprintf(ck->name, sizeof(ck->name), "via%d-%s", backend + 1,
		    types[type]);
	for (tail = &svc->checks; *tail; tail = &(*tail)->next)
		;
	*tail = ck;
	svc->nchecks++;
	if (conf_peek(p)->type == TOK_WORD) {
		if (conf_arg(p, &t, "a check name", 0) == -1)
			return -1;
		if (conf_name_ok(t.text) == -1) {
			conf_error(p, &t.pos, "check name '%s': use letters, "
			    "digits, '-' and '_' (at most %d)", t.text,
			    CONF_NAME_MAX - 1);
			lex_tok_free(&t);
			return -1;
		}
		strcpy(ck->name, t.text);
		ck->named = 1;
		lex_tok_free(&t);
	}
	memset(&cc, 0, sizeof(cc));
	cc.check = ck;
	if (conf_block(p, check_kw, &cc, types[type], 1u << type) == -1)
		return -1;
	return conf_check_finish(p, ck);
}

int
conf_kw_check(struct parser *p, void *ctx, const struct tok *kw)
{
	return conf_parse_check(p, ctx, kw, -1);
}
