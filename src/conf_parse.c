/* SPDX-License-Identifier: ISC */
/*
 * The config parser: a recursive descent over the lexer's tokens, one
 * keyword table per block.  It builds a complete struct conf or nothing:
 * the first error stops it with "file:line:col: what was expected", and
 * the daemon keeps what it had.  Checks that need the whole file (names,
 * overlaps, address families) run in conf_validate.c afterwards.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "dns_wire.h"

#define INCLUDE_DEPTH	8

struct parser {
	struct lexer	 lexers[INCLUDE_DEPTH];
	char		*bufs[INCLUDE_DEPTH];
	int		 depth;		/* lexers in use */
	struct conf	*conf;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/* A keyword of a block: its handler reads the arguments and the ';'. */
struct keyword {
	const char	*name;
	int		(*fn)(struct parser *, void *, const struct tok *);
	int		 repeatable;
	unsigned	 types;		/* check blocks: which check types */
};

#define T_DNS	(1u << CHECK_DNS)
#define T_TCP	(1u << CHECK_TCP)
#define T_EXEC	(1u << CHECK_EXEC)
#define T_FILE	(1u << CHECK_FILE)
#define T_NET	(T_DNS | T_TCP)
#define T_PROBE	(T_DNS | T_TCP | T_EXEC)
#define T_ALL	(T_DNS | T_TCP | T_EXEC | T_FILE)

int
conf_error(struct parser *p, const struct conf_pos *pos, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d:%d: %s", pos->file, pos->line,
	    pos->col, msg);
	p->failed = 1;
	return -1;
}

/* ---- tokens, across included files ---- */

static struct lexer *
cur(struct parser *p)
{
	return &p->lexers[p->depth - 1];
}

static struct tok *
peek(struct parser *p)
{
	struct tok *t = lex_peek(cur(p));

	/* The end of an included file continues the including one. */
	while (t->type == TOK_EOF && p->depth > 1) {
		p->depth--;
		t = lex_peek(cur(p));
	}
	return t;
}

static int
next(struct parser *p, struct tok *t)
{
	peek(p);
	lex_next(cur(p), t);
	if (t->type == TOK_ERROR) {
		conf_error(p, &t->pos, "%s", t->text);
		lex_tok_free(t);
		return -1;
	}
	return 0;
}

static int
unexpected(struct parser *p, const struct tok *t, const char *what)
{
	char buf[64];

	return conf_error(p, &t->pos, "expected %s, got %s", what,
	    lex_tok_describe(t, buf, sizeof(buf)));
}

static int
expect(struct parser *p, enum tok_type type, const char *what)
{
	struct tok t;

	if (next(p, &t) == -1)
		return -1;
	if (t.type != type) {
		unexpected(p, &t, what);
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return 0;
}

static int
semi(struct parser *p)
{
	return expect(p, TOK_SEMI, "';'");
}

/* A word or a string; the caller owns T.text on success. */
static int
arg(struct parser *p, struct tok *t, const char *what, int strings_ok)
{
	if (next(p, t) == -1)
		return -1;
	if (t->type == TOK_WORD || (strings_ok && t->type == TOK_STRING))
		return 0;
	unexpected(p, t, what);
	lex_tok_free(t);
	return -1;
}

static int
string_arg(struct parser *p, char **out, const char *what)
{
	struct tok t;

	if (next(p, &t) == -1)
		return -1;
	if (t.type != TOK_STRING) {
		unexpected(p, &t, what);
		lex_tok_free(&t);
		return -1;
	}
	*out = t.text;
	return 0;
}

static int
word_is(struct parser *p, const char *w)
{
	struct tok *t = peek(p);

	return t->type == TOK_WORD && strcmp(t->text, w) == 0;
}

/* One of WORDS (NULL-terminated); returns its index. */
static int
choice(struct parser *p, const char *const *words, const char *what)
{
	struct tok	 t;
	int		 i;

	if (arg(p, &t, what, 0) == -1)
		return -1;
	for (i = 0; words[i]; i++)
		if (strcmp(t.text, words[i]) == 0) {
			lex_tok_free(&t);
			return i;
		}
	unexpected(p, &t, what);
	lex_tok_free(&t);
	return -1;
}

static int
duration_arg(struct parser *p, uint64_t *ms, uint64_t min)
{
	struct tok	t;
	char		buf[32];

	if (arg(p, &t, "a duration (e.g. 500ms, 2s, 1m)", 0) == -1)
		return -1;
	if (util_parse_duration(t.text, ms) == -1) {
		unexpected(p, &t, "a duration with a unit (ms, s, m, h, d)");
		lex_tok_free(&t);
		return -1;
	}
	if (*ms < min) {
		util_fmt_duration(min, buf, sizeof(buf));
		conf_error(p, &t.pos, "duration %s is below the minimum %s",
		    t.text, buf);
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return 0;
}

static int
uint_arg(struct parser *p, unsigned *out, unsigned min, unsigned max)
{
	struct tok	 t;
	char		*end;
	unsigned long	 n;

	if (arg(p, &t, "a number", 0) == -1)
		return -1;
	errno = 0;
	n = strtoul(t.text, &end, 10);
	if (*end != '\0' || t.text[0] < '0' || t.text[0] > '9' || errno) {
		unexpected(p, &t, "a number");
		lex_tok_free(&t);
		return -1;
	}
	if (n < min || n > max) {
		conf_error(p, &t.pos, "%s is out of range %u..%u", t.text,
		    min, max);
		lex_tok_free(&t);
		return -1;
	}
	*out = (unsigned)n;
	lex_tok_free(&t);
	return 0;
}

static int
addr_arg(struct parser *p, struct addr *a)
{
	struct tok t;

	if (arg(p, &t, "an IPv4 or IPv6 address", 0) == -1)
		return -1;
	if (util_parse_addr(t.text, a) == -1) {
		unexpected(p, &t, "an IPv4 or IPv6 address");
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return 0;
}

/* One or more strings up to ';', as a NULL-terminated argv. */
static int
argv_arg(struct parser *p, char ***out, const char *what)
{
	char	**argv = NULL;
	size_t	  n = 0;
	struct tok t;

	while (peek(p)->type == TOK_STRING) {
		if (next(p, &t) == -1)
			break;
		argv = xreallocarray(argv, n + 2, sizeof(*argv));
		argv[n++] = t.text;
		argv[n] = NULL;
	}
	if (n == 0) {
		unexpected(p, peek(p), what);
		return -1;
	}
	*out = argv;
	if (argv[0][0] != '/')
		return conf_error(p, &peek(p)->pos, "%s: \"%s\" must be an "
		    "absolute path (no shell, no PATH search)", what, argv[0]);
	return semi(p);
}

/* ---- blocks ---- */

static int block(struct parser *, const struct keyword *, void *,
    const char *);

static int
kw_include(struct parser *p, const struct tok *kw)
{
	char	*file, *path, *buf, *slash, err[256];
	size_t	 len;

	if (string_arg(p, &file, "a file name in quotes") == -1)
		return -1;
	if (semi(p) == -1) {
		free(file);
		return -1;
	}
	if (p->depth == INCLUDE_DEPTH) {
		free(file);
		return conf_error(p, &kw->pos, "includes nested deeper than %d "
		    "(an include loop?)", INCLUDE_DEPTH);
	}
	/* A relative include is relative to the including file. */
	slash = strrchr(cur(p)->file, '/');
	if (file[0] != '/' && slash) {
		if (asprintf(&path, "%.*s/%s", (int)(slash - cur(p)->file),
		    cur(p)->file, file) == -1)
			fatalx_oom();
		free(file);
	} else
		path = file;
	if (conf_read_file(path, &buf, &len, err, sizeof(err)) == -1) {
		conf_error(p, &kw->pos, "include: %s", err);
		free(path);
		return -1;
	}
	conf_add_file(p->conf, path);
	free(path);
	free(p->bufs[p->depth]);	/* an earlier include, already read */
	p->bufs[p->depth] = buf;
	lex_init(&p->lexers[p->depth], conf_last_file(p->conf), buf, len);
	p->depth++;
	return 0;
}

/* ---- globals ---- */

static int
kw_router_id(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf *c = ctx;

	if (addr_arg(p, &c->router_id) == -1)
		return -1;
	if (c->router_id.family != AF_INET)
		return conf_error(p, &kw->pos, "router-id must be an IPv4 "
		    "address (a 32-bit BGP identifier)");
	c->have_router_id = 1;
	return semi(p);
}

static int
kw_control(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf *c = ctx;

	(void)kw;
	free(c->control);
	c->control = NULL;
	if (string_arg(p, &c->control, "a socket path in quotes") == -1)
		return -1;
	if (c->control[0] != '/')
		return conf_error(p, &kw->pos, "control socket path must be "
		    "absolute");
	if (strlen(c->control) >= 108)
		return conf_error(p, &kw->pos, "control socket path is longer "
		    "than a Unix socket allows (107)");
	return semi(p);
}

static int
kw_log(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const targets[] = { "stderr", "syslog", "level",
	    NULL };
	static const char *const levels[] = { "error", "warn", "info", "debug",
	    NULL };
	struct conf	*c = ctx;
	int		 i;

	(void)kw;
	if ((i = choice(p, targets, "stderr, syslog or level")) == -1)
		return -1;
	if (i == 2) {
		if ((i = choice(p, levels, "error, warn, info or debug")) == -1)
			return -1;
		c->log_level = (enum log_level)i;
	} else
		c->log_target = (enum log_target)i;
	return semi(p);
}

static int kw_service(struct parser *, void *, const struct tok *);

static const struct keyword global_kw[] = {
	{ "router-id", kw_router_id, 0, 0 },
	{ "control", kw_control, 0, 0 },
	{ "log", kw_log, 1, 0 },
	{ "service", kw_service, 1, 0 },
	{ NULL, NULL, 0, 0 }
};

/* ---- check blocks ---- */

struct check_ctx {
	struct check_conf	*check;
	int			 seen_expect_nsid;
};

static int
kw_interval(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (duration_arg(p, &((struct check_ctx *)ctx)->check->interval,
	    10) == -1)
		return -1;
	return semi(p);
}

static int
kw_fast_interval(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (duration_arg(p, &((struct check_ctx *)ctx)->check->fast_interval,
	    10) == -1)
		return -1;
	return semi(p);
}

static int
kw_timeout(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (duration_arg(p, &((struct check_ctx *)ctx)->check->timeout,
	    1) == -1)
		return -1;
	return semi(p);
}

static int
kw_rise(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (uint_arg(p, &((struct check_ctx *)ctx)->check->rise, 1, 100) == -1)
		return -1;
	return semi(p);
}

static int
kw_fall(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (uint_arg(p, &((struct check_ctx *)ctx)->check->fall, 1, 100) == -1)
		return -1;
	return semi(p);
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
	if (addr_arg(p, check_server(((struct check_ctx *)ctx)->check)) == -1)
		return -1;
	return semi(p);
}

static int
kw_source(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf *ck = ((struct check_ctx *)ctx)->check;

	(void)kw;
	if (addr_arg(p, ck->type == CHECK_DNS ? &ck->u.dns.source :
	    &ck->u.tcp.source) == -1)
		return -1;
	return semi(p);
}

static int
kw_port(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf	*ck = ((struct check_ctx *)ctx)->check;
	unsigned		 port;

	(void)kw;
	if (uint_arg(p, &port, 1, 65535) == -1)
		return -1;
	if (ck->type == CHECK_DNS)
		ck->u.dns.port = (uint16_t)port;
	else
		ck->u.tcp.port = (uint16_t)port;
	return semi(p);
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
	if (arg(p, &t, "a domain name", 0) == -1)
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
	if (peek(p)->type != TOK_WORD)
		return semi(p);
	if (arg(p, &t, "a query type", 0) == -1)
		return -1;
	if ((v = dns_wire_type(t.text)) == -1) {
		unexpected(p, &t, "a query type (A, AAAA, SOA, TXT, ...)");
		lex_tok_free(&t);
		return -1;
	}
	d->qtype = (uint16_t)v;
	lex_tok_free(&t);
	if (peek(p)->type != TOK_WORD)
		return semi(p);
	if (arg(p, &t, "a query class", 0) == -1)
		return -1;
	if ((v = dns_wire_class(t.text)) == -1) {
		unexpected(p, &t, "a query class (IN, CH)");
		lex_tok_free(&t);
		return -1;
	}
	d->qclass = (uint16_t)v;
	lex_tok_free(&t);
	return semi(p);
}

static int
kw_tcp(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.tcp = 1;
	return semi(p);
}

static int
kw_edns(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const onoff[] = { "off", "on", NULL };
	int v;

	(void)kw;
	if ((v = choice(p, onoff, "on or off")) == -1)
		return -1;
	((struct check_ctx *)ctx)->check->u.dns.edns = v;
	return semi(p);
}

static int
kw_dnssec(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.dnssec_ok = 1;
	return semi(p);
}

static int
kw_nsid(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	((struct check_ctx *)ctx)->check->u.dns.nsid = 1;
	return semi(p);
}

static int
expect_rcodes(struct parser *p, struct dns_check_conf *d)
{
	struct tok	t;
	int		rc;

	if (peek(p)->type != TOK_WORD)
		return unexpected(p, peek(p), "an rcode (noerror, nxdomain, ...)");
	while (peek(p)->type == TOK_WORD) {
		if (arg(p, &t, "an rcode", 0) == -1)
			return -1;
		rc = dns_wire_rcode(t.text);
		if (rc < 0 || rc > 15) {
			unexpected(p, &t, "an rcode (noerror, nxdomain, "
			    "servfail, refused, ...)");
			lex_tok_free(&t);
			return -1;
		}
		d->rcodes |= 1u << rc;
		lex_tok_free(&t);
	}
	return semi(p);
}

static int
expect_contains(struct parser *p, struct dns_check_conf *d)
{
	struct tok t;

	if (arg(p, &t, "the RDATA the answer must contain", 1) == -1)
		return -1;
	d->contains = xreallocarray(d->contains, d->ncontains + 1,
	    sizeof(*d->contains));
	d->contains[d->ncontains++] = t.text;
	d->expect_answer = 1;
	return semi(p);
}

/* expect rcode ...; | authoritative; | answer [contains X]; | nsid "X"; */
static int
kw_expect(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "rcode", "authoritative",
	    "answer", "nsid", NULL };
	struct check_ctx	*cc = ctx;
	struct dns_check_conf	*d = &cc->check->u.dns;

	switch (choice(p, what, "rcode, authoritative, answer or nsid")) {
	case 0:
		return expect_rcodes(p, d);
	case 1:
		d->expect_aa = 1;
		return semi(p);
	case 2:
		if (word_is(p, "contains")) {
			struct tok t;

			next(p, &t);
			lex_tok_free(&t);
			return expect_contains(p, d);
		}
		d->expect_answer = 1;
		return semi(p);
	case 3:
		if (cc->seen_expect_nsid++)
			return conf_error(p, &kw->pos, "expect nsid given "
			    "twice");
		if (string_arg(p, &d->expect_nsid, "the NSID in quotes") == -1)
			return -1;
		d->nsid = 1;
		return semi(p);
	default:
		return -1;
	}
}

static int
kw_degraded(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "latency", NULL };

	(void)kw;
	if (choice(p, what, "latency") == -1)
		return -1;
	if (duration_arg(p,
	    &((struct check_ctx *)ctx)->check->u.dns.degraded_latency, 1) == -1)
		return -1;
	return semi(p);
}

static int
kw_command(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return argv_arg(p, &((struct check_ctx *)ctx)->check->u.exec.argv,
	    "a command and its arguments, each in quotes");
}

static int
kw_path(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf *ck = ((struct check_ctx *)ctx)->check;

	if (string_arg(p, &ck->u.file.path, "a file path in quotes") == -1)
		return -1;
	if (ck->u.file.path[0] != '/')
		return conf_error(p, &kw->pos, "path must be absolute");
	return semi(p);
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

static int
kw_check(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const types[] = { "dns", "tcp", "exec", "file",
	    NULL };
	struct service_conf	*svc = ctx;
	struct check_conf	*ck, **tail;
	struct check_ctx	 cc;
	struct tok		 t;
	int			 type;

	if ((type = choice(p, types, "a check type (dns, tcp, exec, file)"))
	    == -1)
		return -1;
	ck = conf_check_new((enum check_type)type, &kw->pos);
	for (tail = &svc->checks; *tail; tail = &(*tail)->next)
		;
	*tail = ck;
	svc->nchecks++;
	if (peek(p)->type == TOK_WORD) {
		if (arg(p, &t, "a check name", 0) == -1)
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
	if (block(p, check_kw, &cc, types[type]) == -1)
		return -1;
	return conf_check_finish(p, ck);
}

/* ---- damping ---- */

static int
kw_penalty(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (uint_arg(p, &((struct damping_conf *)ctx)->penalty, 1,
	    100000) == -1)
		return -1;
	return semi(p);
}

static int
kw_half_life(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (duration_arg(p, &((struct damping_conf *)ctx)->half_life,
	    1000) == -1)
		return -1;
	return semi(p);
}

static int
kw_suppress(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (uint_arg(p, &((struct damping_conf *)ctx)->suppress, 1,
	    1000000) == -1)
		return -1;
	return semi(p);
}

static int
kw_reuse(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (uint_arg(p, &((struct damping_conf *)ctx)->reuse, 1,
	    1000000) == -1)
		return -1;
	return semi(p);
}

static int
kw_max_suppress(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (duration_arg(p, &((struct damping_conf *)ctx)->max_suppress,
	    1000) == -1)
		return -1;
	return semi(p);
}

static const struct keyword damping_kw[] = {
	{ "penalty", kw_penalty, 0, 0 },
	{ "half-life", kw_half_life, 0, 0 },
	{ "suppress", kw_suppress, 0, 0 },
	{ "reuse", kw_reuse, 0, 0 },
	{ "max-suppress", kw_max_suppress, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

/* ---- service blocks ---- */

static int
kw_prefix(struct parser *p, void *ctx, const struct tok *kw)
{
	struct service_conf	*svc = ctx;
	struct tok		 t;
	struct prefix		 pfx;
	size_t			 i;

	(void)kw;
	if (arg(p, &t, "a prefix (192.0.2.53/32, 2001:db8::53/128)", 0) == -1)
		return -1;
	if (util_parse_prefix(t.text, &pfx) == -1) {
		unexpected(p, &t, "a prefix without host bits "
		    "(192.0.2.53/32, 2001:db8::53/128)");
		lex_tok_free(&t);
		return -1;
	}
	for (i = 0; i < svc->nprefixes; i++)
		if (util_prefix_overlap(&svc->prefixes[i], &pfx)) {
			conf_error(p, &t.pos, "prefix %s overlaps another "
			    "prefix of service %s", t.text, svc->name);
			lex_tok_free(&t);
			return -1;
		}
	lex_tok_free(&t);
	svc->prefixes = xreallocarray(svc->prefixes, svc->nprefixes + 1,
	    sizeof(*svc->prefixes));
	svc->prefixes[svc->nprefixes++] = pfx;
	return semi(p);
}

static int
kw_combine(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const modes[] = { "all", "any", "threshold", NULL };
	struct service_conf	*svc = ctx;
	int			 m;

	(void)kw;
	if ((m = choice(p, modes, "all, any or threshold N")) == -1)
		return -1;
	svc->combine = (enum combine_mode)m;
	if (m == COMBINE_THRESHOLD &&
	    uint_arg(p, &svc->threshold, 1, 10000) == -1)
		return -1;
	return semi(p);
}

static int
kw_delay(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const dirs[] = { "up", "down", NULL };
	struct service_conf	*svc = ctx;
	int			 d;

	(void)kw;
	if ((d = choice(p, dirs, "up or down")) == -1)
		return -1;
	if (duration_arg(p, d == 0 ? &svc->delay_up : &svc->delay_down,
	    0) == -1)
		return -1;
	return semi(p);
}

static int
kw_drain(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const what[] = { "time", NULL };

	(void)kw;
	if (choice(p, what, "time") == -1)
		return -1;
	if (duration_arg(p, &((struct service_conf *)ctx)->drain_time, 0) == -1)
		return -1;
	return semi(p);
}

static int
kw_damping(struct parser *p, void *ctx, const struct tok *kw)
{
	struct damping_conf *d = &((struct service_conf *)ctx)->damping;

	d->enabled = 1;
	if (block(p, damping_kw, d, "damping") == -1)
		return -1;
	if (d->reuse >= d->suppress)
		return conf_error(p, &kw->pos, "damping: reuse (%u) must be "
		    "below suppress (%u)", d->reuse, d->suppress);
	return 0;
}

static int
kw_hook(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return argv_arg(p, &((struct service_conf *)ctx)->hook,
	    "a program and its arguments, each in quotes");
}

static const struct keyword service_kw[] = {
	{ "prefix", kw_prefix, 1, 0 },
	{ "combine", kw_combine, 0, 0 },
	{ "delay", kw_delay, 1, 0 },
	{ "drain", kw_drain, 0, 0 },
	{ "damping", kw_damping, 0, 0 },
	{ "hook", kw_hook, 0, 0 },
	{ "check", kw_check, 1, 0 },
	{ NULL, NULL, 0, 0 }
};

static int
kw_service(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf		*c = ctx;
	struct service_conf	*svc, **tail;
	struct tok		 t;

	if (arg(p, &t, "a service name", 0) == -1)
		return -1;
	if (conf_name_ok(t.text) == -1) {
		conf_error(p, &t.pos, "service name '%s': use letters, digits, "
		    "'-' and '_' (at most %d)", t.text, CONF_NAME_MAX - 1);
		lex_tok_free(&t);
		return -1;
	}
	for (svc = c->services; svc; svc = svc->next)
		if (strcmp(svc->name, t.text) == 0) {
			conf_error(p, &t.pos, "service %s already defined at "
			    "%s:%d:%d", t.text, svc->pos.file, svc->pos.line,
			    svc->pos.col);
			lex_tok_free(&t);
			return -1;
		}
	svc = conf_service_new(t.text, &kw->pos);
	lex_tok_free(&t);
	for (tail = &c->services; *tail; tail = &(*tail)->next)
		;
	*tail = svc;
	c->nservices++;
	if (block(p, service_kw, svc, "service") == -1)
		return -1;
	return conf_service_finish(p, svc);
}

/* ---- the block driver ---- */

static const struct keyword *
lookup(const struct keyword *kws, const char *name)
{
	for (; kws->name; kws++)
		if (strcmp(kws->name, name) == 0)
			return kws;
	return NULL;
}

static void
keyword_list(const struct keyword *kws, unsigned type_bit, char *buf,
    size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; kws->name && off < len; kws++) {
		if (type_bit && !(kws->types & type_bit))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", kws->name);
	}
}

/*
 * Statements up to the closing brace (or the end of the file at top
 * level, where NAME is NULL).  Each keyword may appear once unless the
 * table says it repeats.
 */
static int
statements(struct parser *p, const struct keyword *kws, void *ctx,
    const char *name, unsigned type_bit)
{
	const struct keyword	*k;
	struct tok		 t;
	uint64_t		 seen = 0;
	char			 list[512];

	for (;;) {
		if (next(p, &t) == -1)
			return -1;
		if (t.type == (name ? TOK_RBRACE : TOK_EOF))
			return 0;
		if (t.type != TOK_WORD) {
			unexpected(p, &t, name ? "a keyword or '}'" :
			    "a keyword");
			lex_tok_free(&t);
			return -1;
		}
		if (strcmp(t.text, "include") == 0) {
			lex_tok_free(&t);
			if (kw_include(p, &t) == -1)
				return -1;
			continue;
		}
		k = lookup(kws, t.text);
		if (k == NULL || (type_bit && !(k->types & type_bit))) {
			keyword_list(kws, type_bit, list, sizeof(list));
			conf_error(p, &t.pos, "unknown keyword '%s' in %s%s; "
			    "expected one of: %s", t.text,
			    name ? name : "the top level",
			    name && !type_bit ? " block" :
			    type_bit ? " check" : "", list);
			lex_tok_free(&t);
			return -1;
		}
		if (!k->repeatable && (seen & (1ull << (k - kws)))) {
			conf_error(p, &t.pos, "'%s' given twice", t.text);
			lex_tok_free(&t);
			return -1;
		}
		seen |= 1ull << (k - kws);
		if (k->fn(p, ctx, &t) == -1) {
			lex_tok_free(&t);
			return -1;
		}
		lex_tok_free(&t);
	}
}

static int
block(struct parser *p, const struct keyword *kws, void *ctx,
    const char *name)
{
	unsigned type_bit = 0;

	if (kws == check_kw)
		type_bit = 1u << ((struct check_ctx *)ctx)->check->type;
	if (expect(p, TOK_LBRACE, "'{'") == -1)
		return -1;
	return statements(p, kws, ctx, name, type_bit);
}

struct conf *
conf_load_buffer(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct parser	 p;
	int		 i, rv;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	p.conf = conf_new();
	conf_add_file(p.conf, name);
	lex_init(&p.lexers[0], conf_last_file(p.conf), buf, len);
	p.depth = 1;
	rv = statements(&p, global_kw, p.conf, NULL, 0);
	if (rv == 0)
		rv = conf_validate(&p, p.conf);
	for (i = 1; i < INCLUDE_DEPTH; i++)
		free(p.bufs[i]);
	if (rv == -1) {
		conf_free(p.conf);
		return NULL;
	}
	return p.conf;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*c;
	char		*buf;
	size_t		 len;

	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return NULL;
	c = conf_load_buffer(path, buf, len, err, errlen);
	free(buf);
	return c;
}
