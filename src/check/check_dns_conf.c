/* SPDX-License-Identifier: ISC */
/*
 * The dns check's config: its keywords (anycastd.conf(5), "dns checks"),
 * defaults, what a block implies and needs, its canonical print, and its
 * descriptor (check_desc.h).  The probe is check_dns.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_dns.h"
#include "conf/conf_int.h"
#include "dns/dns_wire.h"
#include "check/hc.h"

/*
 * The query name in wire form, built once: every answer's question is
 * compared with it (dns_wire.c).  Left NULL when the reader cannot
 * write it; the judge then builds it per answer.
 */
static void
qname_wire(struct dns_check_conf *d)
{
	uint8_t	 w[DNS_NAME_MAX];
	int	 n;

	free(d->qname_wire);
	d->qname_wire = NULL;
	d->qname_wlen = 0;
	if ((n = dns_msg_name(d->qname, w)) == -1)
		return;
	d->qname_wire = xmalloc((size_t)n);
	memcpy(d->qname_wire, w, (size_t)n);
	d->qname_wlen = (size_t)n;
}

/* ---- keywords ---- */

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

/* ---- DNS-aware expectations (anycastd.conf(5), "dns checks") ---- */

#define CONF_ZONES_MAX	100000

/* Sub-keywords that may be given once per check. */
#define SEEN_SERIAL_FROM	0x01
#define SEEN_SERIAL_AGE		0x02
#define SEEN_RRSIG		0x04
#define SEEN_DNSKEY		0x08
#define SEEN_VALIDATED		0x10
#define SEEN_SERVFAIL		0x20
#define SEEN_ID_SERVER		0x40
#define SEEN_LATENCY		0x80
#define SEEN_P95		0x100
#define SEEN_NSID		0x200

static int
once(struct parser *p, struct check_ctx *cc, unsigned bit,
    const struct tok *kw, const char *what)
{
	if (cc->seen & bit)
		return conf_error(p, &kw->pos, "'%s' given twice", what);
	cc->seen |= bit;
	return 0;
}

/* S as a domain name in lower case and absolute, or NULL. */
static char *
norm_name(const char *s)
{
	size_t	 i, n = strlen(s);
	char	*out;

	if (!qname_ok(s))
		return NULL;
	out = xmalloc(n + 2);
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	if (s[n - 1] != '.')
		out[n++] = '.';
	out[n] = '\0';
	return out;
}

static char *
name_arg(struct parser *p, const char *what)
{
	struct tok	 t;
	char		*name;

	if (conf_arg(p, &t, what, 0) == -1)
		return NULL;
	if ((name = norm_name(t.text)) == NULL)
		conf_error(p, &t.pos, "'%s' is not a valid domain name", t.text);
	lex_tok_free(&t);
	return name;
}

/* zone Z, shared by the serial and dnskey expectations: one per check. */
static int
zone_opt(struct parser *p, struct dns_check_conf *d)
{
	struct conf_pos	 pos = conf_peek(p)->pos;
	char		*z;

	if ((z = name_arg(p, "a zone name")) == NULL)
		return -1;
	if (d->zone != NULL && strcmp(d->zone, z) != 0) {
		conf_error(p, &pos, "zone %s, but another expect of this check "
		    "names zone %s", z, d->zone);
		free(z);
		return -1;
	}
	free(d->zone);
	d->zone = z;
	return 0;
}

/*
 * Options after an expectation, in any order, each once: OPTS[i] is
 * handled by case i of the caller's switch, through *WHICH.
 */
static int
option(struct parser *p, const char *const *opts, const char *what,
    unsigned *seen, int *which)
{
	struct conf_pos pos = conf_peek(p)->pos;

	if ((*which = conf_choice(p, opts, what)) == -1)
		return -1;
	if (*seen & (1u << *which))
		return conf_error(p, &pos, "'%s' given twice", opts[*which]);
	*seen |= 1u << *which;
	return 0;
}

/* expect serial from ADDR [port N] [lag N] [zone Z] [down]; */
static int
expect_serial_from(struct parser *p, struct dns_check_conf *d)
{
	static const char *const opts[] = { "port", "lag", "zone", "down",
	    NULL };
	unsigned	 v, seen = 0;
	int		 i, rv = 0;

	if (conf_addr_arg(p, &d->serial_primary) == -1)
		return -1;
	d->serial_port = 53;
	while (rv == 0 && conf_peek(p)->type == TOK_WORD) {
		if (option(p, opts, "port, lag, zone, down or ';'", &seen,
		    &i) == -1)
			return -1;
		switch (i) {
		case 0:
			if ((rv = conf_uint_arg(p, &v, 1, 65535)) == 0)
				d->serial_port = (uint16_t)v;
			break;
		case 1:
			/* RFC 1982 3.2: serials 2^31 apart do not compare. */
			if ((rv = conf_uint_arg(p, &v, 0, 0x7fffffff)) == 0)
				d->serial_lag = v;
			break;
		case 2:
			rv = zone_opt(p, d);
			break;
		default:
			d->serial_down = 1;
		}
	}
	return rv == 0 ? conf_semi(p) : -1;
}

/* expect serial age DURATION [zone Z] [down]; */
static int
expect_serial_age(struct parser *p, struct dns_check_conf *d)
{
	static const char *const opts[] = { "zone", "down", NULL };
	unsigned	 seen = 0;
	int		 i;

	if (conf_duration_arg(p, &d->serial_age, 1000) == -1)
		return -1;
	while (conf_peek(p)->type == TOK_WORD) {
		if (option(p, opts, "zone, down or ';'", &seen, &i) == -1)
			return -1;
		if (i == 0 && zone_opt(p, d) == -1)
			return -1;
		if (i == 1)
			d->serial_age_down = 1;
	}
	return conf_semi(p);
}

static int
expect_serial(struct parser *p, struct check_ctx *cc, const struct tok *kw)
{
	static const char *const what[] = { "from", "age", NULL };

	switch (conf_choice(p, what, "from or age")) {
	case 0:
		if (once(p, cc, SEEN_SERIAL_FROM, kw, "expect serial from") ==
		    -1)
			return -1;
		return expect_serial_from(p, &cc->check->u.dns);
	case 1:
		if (once(p, cc, SEEN_SERIAL_AGE, kw, "expect serial age") == -1)
			return -1;
		return expect_serial_age(p, &cc->check->u.dns);
	default:
		return -1;
	}
}

/* expect rrsig valid DURATION [down]; */
static int
expect_rrsig(struct parser *p, struct check_ctx *cc, const struct tok *kw)
{
	static const char *const valid[] = { "valid", NULL };
	struct dns_check_conf *d = &cc->check->u.dns;

	if (once(p, cc, SEEN_RRSIG, kw, "expect rrsig") == -1 ||
	    conf_choice(p, valid, "valid") == -1 ||
	    conf_duration_arg(p, &d->rrsig_valid, 0) == -1)
		return -1;
	d->expect_rrsig = 1;
	if (conf_word_is(p, "down")) {
		struct tok t;

		conf_next(p, &t);
		lex_tok_free(&t);
		d->rrsig_down = 1;
	}
	return conf_semi(p);
}

/* expect dnskey [zone Z]; */
static int
expect_dnskey(struct parser *p, struct check_ctx *cc, const struct tok *kw)
{
	static const char *const opts[] = { "zone", NULL };
	struct dns_check_conf *d = &cc->check->u.dns;

	if (once(p, cc, SEEN_DNSKEY, kw, "expect dnskey") == -1)
		return -1;
	d->expect_dnskey = 1;
	if (conf_peek(p)->type == TOK_WORD && (conf_choice(p, opts,
	    "zone or ';'") == -1 || zone_opt(p, d) == -1))
		return -1;
	return conf_semi(p);
}

/* expect servfail NAME [TYPE]; */
static int
expect_servfail(struct parser *p, struct check_ctx *cc, const struct tok *kw)
{
	struct dns_check_conf	*d = &cc->check->u.dns;
	struct tok		 t;
	int			 v;

	if (once(p, cc, SEEN_SERVFAIL, kw, "expect servfail") == -1 ||
	    (d->servfail_name = name_arg(p, "a known-bogus domain name")) ==
	    NULL)
		return -1;
	d->servfail_type = 1;	/* A */
	if (conf_peek(p)->type != TOK_WORD)
		return conf_semi(p);
	if (conf_arg(p, &t, "a query type", 0) == -1)
		return -1;
	if ((v = dns_wire_type(t.text)) <= 0 || v == 41 || v == 251 ||
	    v == 252) {
		conf_unexpected(p, &t, "a query type (A, AAAA, TXT, ...)");
		lex_tok_free(&t);
		return -1;
	}
	d->servfail_type = (uint16_t)v;
	lex_tok_free(&t);
	return conf_semi(p);
}

/* expect id.server "STRING"; RFC 4892. */
static int
expect_id_server(struct parser *p, struct check_ctx *cc, const struct tok *kw)
{
	struct dns_check_conf *d = &cc->check->u.dns;

	if (once(p, cc, SEEN_ID_SERVER, kw, "expect id.server") == -1 ||
	    conf_string_arg(p, &d->expect_id_server, "the id.server "
	    "identity in quotes") == -1)
		return -1;
	if (d->expect_id_server[0] == '\0')
		return conf_error(p, &kw->pos, "expect id.server needs the "
		    "identity, not an empty string");
	if (strlen(d->expect_id_server) > 255)
		return conf_error(p, &kw->pos, "expect id.server: a TXT "
		    "string has at most 255 bytes");
	return conf_semi(p);
}

/* The DNS-aware words after `expect`; 1 when WORD is not one of them. */
static int
expect_aware(struct parser *p, struct check_ctx *cc, const struct tok *kw,
    int word)
{
	switch (word) {
	case 4:
		return expect_serial(p, cc, kw);
	case 5:
		return expect_rrsig(p, cc, kw);
	case 6:
		return expect_dnskey(p, cc, kw);
	case 7:
		if (once(p, cc, SEEN_VALIDATED, kw, "expect validated") == -1)
			return -1;
		cc->check->u.dns.expect_validated = 1;
		return conf_semi(p);
	case 8:
		return expect_servfail(p, cc, kw);
	case 9:
		return expect_id_server(p, cc, kw);
	default:
		return -1;
	}
}

static void
zones_add(struct dns_check_conf *d, char *name)
{
	d->zones = xreallocarray(d->zones, d->nzones + 1, sizeof(*d->zones));
	d->zones[d->nzones++] = name;
}

/* zones { NAME; ... } */
static int
zones_block(struct parser *p, struct dns_check_conf *d)
{
	struct tok	 t;
	char		*name;

	if (conf_expect(p, TOK_LBRACE, "'{' or from") == -1)
		return -1;
	while (conf_peek(p)->type != TOK_RBRACE) {
		if (d->nzones == CONF_ZONES_MAX)
			return conf_error(p, &conf_peek(p)->pos, "more than "
			    "%d zones", CONF_ZONES_MAX);
		if ((name = name_arg(p, "a zone name or '}'")) == NULL)
			return -1;
		zones_add(d, name);
		if (conf_semi(p) == -1)
			return -1;
	}
	conf_next(p, &t);
	lex_tok_free(&t);
	return 0;
}

/* The zones of BUF, one or more names a line, '#' to the end of a line. */
static int
zones_parse(struct parser *p, const struct conf_pos *pos, const char *path,
    char *buf, struct dns_check_conf *d)
{
	char	*line, *next, *word, *save, *name;
	int	 n = 0;

	for (line = buf; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n++;
		line[strcspn(line, "#")] = '\0';
		for (word = strtok_r(line, " \t\r;", &save); word != NULL;
		    word = strtok_r(NULL, " \t\r;", &save)) {
			if ((name = norm_name(word)) == NULL)
				return conf_error(p, pos, "zones from \"%s\": "
				    "line %d: '%.80s' is not a valid domain "
				    "name", path, n, word);
			if (d->nzones == CONF_ZONES_MAX) {
				free(name);
				return conf_error(p, pos, "zones from \"%s\": "
				    "more than %d zones", path,
				    CONF_ZONES_MAX);
			}
			zones_add(d, name);
		}
	}
	return 0;
}

/*
 * zones from "FILE"; read now, when the config is loaded or reloaded,
 * relative to the file that names it, as include is.
 */
static int
zones_file(struct parser *p, const struct tok *kw, struct dns_check_conf *d)
{
	char		*file, *path, *buf, *slash, err[256];
	size_t		 len;
	int		 rv;

	if (conf_string_arg(p, &file, "a file name in quotes") == -1)
		return -1;
	slash = strrchr(kw->pos.file, '/');
	if (file[0] != '/' && slash != NULL) {
		if (asprintf(&path, "%.*s/%s", (int)(slash - kw->pos.file),
		    kw->pos.file, file) == -1)
			fatalx_oom();
		free(file);
	} else
		path = file;
	if (conf_read_file(path, &buf, &len, err, sizeof(err)) == -1) {
		conf_error(p, &kw->pos, "zones from: %s", err);
		free(path);
		return -1;
	}
	rv = zones_parse(p, &kw->pos, path, buf, d);
	free(buf);
	free(path);
	return rv == 0 ? conf_semi(p) : -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* zones { ... } | zones from "FILE"; at least one zone, each once. */
static int
kw_zones(struct parser *p, void *ctx, const struct tok *kw)
{
	struct dns_check_conf	*d = &((struct check_ctx *)ctx)->check->u.dns;
	char			**sorted;
	size_t			  i;
	int			  rv;

	if (conf_word_is(p, "from")) {
		struct tok t;

		conf_next(p, &t);
		lex_tok_free(&t);
		rv = zones_file(p, kw, d);
	} else
		rv = zones_block(p, d);
	if (rv == -1)
		return -1;
	if (d->nzones == 0)
		return conf_error(p, &kw->pos, "zones: no zone listed");
	sorted = xreallocarray(NULL, d->nzones, sizeof(*sorted));
	memcpy(sorted, d->zones, d->nzones * sizeof(*sorted));
	qsort(sorted, d->nzones, sizeof(*sorted), cmp_str);
	for (i = 1; i < d->nzones && strcmp(sorted[i - 1], sorted[i]); i++)
		;
	if (i < d->nzones)
		rv = conf_error(p, &kw->pos, "zones: %s listed twice",
		    sorted[i]);
	free(sorted);
	return rv;
}

/* degraded latency DURATION; | degraded latency p95 DURATION window N; */
static int
kw_degraded(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "latency", NULL };
	static const char *const window[] = { "window", NULL };
	struct check_ctx	*cc = ctx;
	struct dns_check_conf	*d = &cc->check->u.dns;
	struct tok		 t;

	if (conf_choice(p, what, "latency") == -1)
		return -1;
	if (!conf_word_is(p, "p95")) {
		if (once(p, cc, SEEN_LATENCY, kw, "degraded latency") == -1 ||
		    conf_duration_arg(p, &d->degraded_latency, 1) == -1)
			return -1;
		return conf_semi(p);
	}
	conf_next(p, &t);
	lex_tok_free(&t);
	if (once(p, cc, SEEN_P95, kw, "degraded latency p95") == -1 ||
	    conf_duration_arg(p, &d->p95_latency, 1) == -1 ||
	    conf_choice(p, window, "window") == -1 ||
	    conf_uint_arg(p, &d->p95_window, 2, 1000) == -1)
		return -1;
	return conf_semi(p);
}

/* expect rcode ...; | authoritative; | answer [contains X]; | nsid "X"; */
static int
kw_expect(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "rcode", "authoritative",
	    "answer", "nsid", "serial", "rrsig", "dnskey", "validated",
	    "servfail", "id.server", NULL };
	struct check_ctx	*cc = ctx;
	struct dns_check_conf	*d = &cc->check->u.dns;
	int			 word;

	switch ((word = conf_choice(p, what, "rcode, authoritative, answer, "
	    "nsid, serial, rrsig, dnskey, validated, servfail or id.server"))) {
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
		if (cc->seen & SEEN_NSID)
			return conf_error(p, &kw->pos, "expect nsid given "
			    "twice");
		cc->seen |= SEEN_NSID;
		if (conf_string_arg(p, &d->expect_nsid, "the NSID in quotes") == -1)
			return -1;
		if (d->expect_nsid[0] == '\0')
			return conf_error(p, &kw->pos, "expect nsid needs the "
			    "identity, not an empty string");
		d->nsid = 1;
		return conf_semi(p);
	default:
		return word == -1 ? -1 : expect_aware(p, cc, kw, word);
	}
}

const struct keyword check_dns_keywords[] = {
	{ "query", kw_query, 0, 0 },
	{ "tcp", KW_ROW(.kind = KW_FLAG, .field = KW_CHECK(u.dns.tcp)) },
	{ "edns", KW_ROW(.kind = KW_ONOFF, .field = KW_CHECK(u.dns.edns)) },
	{ "dnssec", KW_ROW(.kind = KW_FLAG,
	    .field = KW_CHECK(u.dns.dnssec_ok)) },
	{ "nsid", KW_ROW(.kind = KW_FLAG, .field = KW_CHECK(u.dns.nsid)) },
	{ "expect", kw_expect, 1, 0 },
	{ "degraded", kw_degraded, 1, 0 },
	{ "recursion", KW_ROW(.kind = KW_FLAG,
	    .field = KW_CHECK(u.dns.recursion)) },
	{ "zones", kw_zones, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

/* ---- defaults and what a block needs ---- */

void
check_dns_init(struct check_conf *ck)
{
	ck->u.dns.port = 53;
	ck->u.dns.qtype = 6;	/* SOA */
	ck->u.dns.qclass = 1;	/* IN */
	ck->u.dns.edns = 1;
}

/* What the DNS-aware expectations of a dns check imply and need. */
static int
dns_aware_finish(struct parser *p, struct check_conf *ck)
{
	struct dns_check_conf	*d = &ck->u.dns;
	char			 a[64], b[64];

	if (d->expect_rrsig) {
		if (!d->edns)
			return conf_error(p, &ck->pos, "check %s: expect rrsig "
			    "needs 'edns on' (RRSIGs come with the DO bit)",
			    ck->name);
		d->dnssec_ok = 1;	/* RFC 3225 3: no RRSIGs without DO */
	}
	if ((d->expect_validated || d->servfail_name) && !d->recursion)
		return conf_error(p, &ck->pos, "check %s: expect %s needs "
		    "'recursion;': only a validating resolver answers it",
		    ck->name, d->expect_validated ? "validated" : "servfail");
	if (d->serial_primary.family && d->source.family &&
	    d->source.family != d->serial_primary.family)
		return conf_error(p, &ck->pos, "check %s: source %s and serial "
		    "primary %s are not of the same address family", ck->name,
		    util_fmt_addr(&d->source, a, sizeof(a)),
		    util_fmt_addr(&d->serial_primary, b, sizeof(b)));
	if (d->p95_latency && d->p95_latency >= ck->timeout) {
		util_fmt_duration(d->p95_latency, a, sizeof(a));
		util_fmt_duration(ck->timeout, b, sizeof(b));
		return conf_error(p, &ck->pos, "check %s: degraded latency p95 "
		    "%s must be below timeout %s", ck->name, a, b);
	}
	return 0;
}


int
check_dns_finish(struct parser *p, struct check_conf *ck)
{
	struct dns_check_conf	*d = &ck->u.dns;
	char			 a[32], b[32];

	/* A zone list alone asks its first zone's SOA as the query. */
	if (d->qname == NULL && d->nzones > 0)
		d->qname = xstrdup(d->zones[0]);
	if (d->qname == NULL)
		return conf_error(p, &ck->pos, "check %s: 'query "
		    "NAME [TYPE [CLASS]];' is required", ck->name);
	qname_wire(d);
	if (d->rcodes == 0)
		d->rcodes = 1;	/* NOERROR */
	if (dns_aware_finish(p, ck) == -1)
		return -1;
	if ((d->nsid || d->dnssec_ok) && !d->edns)
		return conf_error(p, &ck->pos, "check %s: nsid and "
		    "dnssec need 'edns on'", ck->name);
	if (d->degraded_latency >= ck->timeout) {
		util_fmt_duration(d->degraded_latency, a, sizeof(a));
		util_fmt_duration(ck->timeout, b, sizeof(b));
		return conf_error(p, &ck->pos, "check %s: degraded "
		    "latency %s must be below timeout %s", ck->name, a, b);
	}
	return 0;
}

/* ---- print and free ---- */

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

/* After server, port and source, which conf_print.c prints. */
void
check_dns_print(FILE *f, const char *ind, const struct check_conf *ck)
{
	const struct dns_check_conf	*d = &ck->u.dns;
	char				 t[16], c[16], r[16];
	size_t				 i;
	unsigned			 rc;

	fprintf(f, "%squery %s %s %s;\n", ind, d->qname,
	    dns_wire_type_name(d->qtype, t, sizeof(t)),
	    dns_wire_class_name(d->qclass, c, sizeof(c)));
	conf_print_rows(f, ind, check_dns_keywords, ck);	/* tcp ... recursion */
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
		conf_print_duration(f, ind, "degraded latency", d->degraded_latency);
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
check_dns_free(struct check_conf *ck)
{
	struct dns_check_conf	*d = &ck->u.dns;
	size_t			 i;

	free(d->qname);
	free(d->qname_wire);
	for (i = 0; i < d->ncontains; i++)
		free(d->contains[i]);
	free(d->contains);
	free(d->expect_nsid);
	free(d->zone);
	free(d->servfail_name);
	free(d->expect_id_server);
	for (i = 0; i < d->nzones; i++)
		free(d->zones[i]);
	free(d->zones);
}

/* ---- the descriptor ---- */

void
check_dns_net(struct check_conf *ck, struct check_net *n)
{
	n->server = &ck->u.dns.server;
	n->port = &ck->u.dns.port;
	n->source = &ck->u.dns.source;
}

const struct check_desc check_desc_dns = {
	.name = "dns",
	.flags = CT_BLOCK | CT_TCP_SESSION,
	.interval = CONF_DEFAULT_INTERVAL,
	.timeout = CONF_DEFAULT_TIMEOUT,
	.rise = CONF_DEFAULT_RISE,
	.fall = CONF_DEFAULT_FALL,
	.keywords = { check_dns_keywords },
	.init = check_dns_init,
	.finish = check_dns_finish,
	.print = check_dns_print,
	.free = check_dns_free,
	.net = check_dns_net,
	.ops = &check_dns_ops,
};
