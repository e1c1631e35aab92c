/* SPDX-License-Identifier: ISC */
/*
 * The config parser's primitives: a recursive descent over the lexer's
 * tokens (across included files), the arguments keywords take, errors
 * as "file:line:col: what was expected", and the block driver that
 * reads a block's statements through its keyword table -- a handler, or
 * one value into a field for a scalar row (conf_int.h).  The grammar is
 * one file per block above it; the top level is conf_load.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf_int.h"

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

void
conf_warn(struct parser *p, const struct conf_pos *pos, const char *fmt, ...)
{
	struct conf	*c = p->conf;
	va_list		 ap;
	char		 msg[512], line[640];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d:%d: warning: %s", pos->file,
	    pos->line, pos->col, msg);
	c->warnings = xreallocarray(c->warnings, c->nwarnings + 1,
	    sizeof(*c->warnings));
	c->warnings[c->nwarnings++] = xstrdup(line);
}

/* ---- tokens, across included files ---- */

static struct lexer *
cur(struct parser *p)
{
	return &p->lexers[p->depth - 1];
}

struct tok *
conf_peek(struct parser *p)
{
	struct tok *t = lex_peek(cur(p));

	/* The end of an included file continues the including one. */
	while (t->type == TOK_EOF && p->depth > 1) {
		p->depth--;
		t = lex_peek(cur(p));
	}
	return t;
}

int
conf_next(struct parser *p, struct tok *t)
{
	conf_peek(p);
	lex_next(cur(p), t);
	if (t->type == TOK_ERROR) {
		conf_error(p, &t->pos, "%s", t->text);
		lex_tok_free(t);
		return -1;
	}
	return 0;
}

int
conf_unexpected(struct parser *p, const struct tok *t, const char *what)
{
	char buf[64];

	return conf_error(p, &t->pos, "expected %s, got %s", what,
	    lex_tok_describe(t, buf, sizeof(buf)));
}

int
conf_expect(struct parser *p, enum tok_type type, const char *what)
{
	struct tok t;

	if (conf_next(p, &t) == -1)
		return -1;
	if (t.type != type) {
		conf_unexpected(p, &t, what);
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return 0;
}

int
conf_semi(struct parser *p)
{
	return conf_expect(p, TOK_SEMI, "';'");
}

/* A word or a string; the caller owns T.text on success. */
int
conf_arg(struct parser *p, struct tok *t, const char *what, int strings_ok)
{
	if (conf_next(p, t) == -1)
		return -1;
	if (t->type == TOK_WORD || (strings_ok && t->type == TOK_STRING))
		return 0;
	conf_unexpected(p, t, what);
	lex_tok_free(t);
	return -1;
}

int
conf_string_arg(struct parser *p, char **out, const char *what)
{
	struct tok t;

	if (conf_next(p, &t) == -1)
		return -1;
	if (t.type != TOK_STRING) {
		conf_unexpected(p, &t, what);
		lex_tok_free(&t);
		return -1;
	}
	*out = t.text;
	return 0;
}

int
conf_word_is(struct parser *p, const char *w)
{
	struct tok *t = conf_peek(p);

	return t->type == TOK_WORD && strcmp(t->text, w) == 0;
}

/* One of WORDS (NULL-terminated); returns its index. */
int
conf_choice(struct parser *p, const char *const *words, const char *what)
{
	struct tok	 t;
	int		 i;

	if (conf_arg(p, &t, what, 0) == -1)
		return -1;
	for (i = 0; words[i]; i++)
		if (strcmp(t.text, words[i]) == 0) {
			lex_tok_free(&t);
			return i;
		}
	conf_unexpected(p, &t, what);
	lex_tok_free(&t);
	return -1;
}

int
conf_duration_arg(struct parser *p, uint64_t *ms, uint64_t min)
{
	struct tok	t;
	char		buf[32];

	if (conf_arg(p, &t, "a duration (e.g. 500ms, 2s, 1m)", 0) == -1)
		return -1;
	if (util_parse_duration(t.text, ms) == -1) {
		conf_unexpected(p, &t, "a duration with a unit (ms, s, m, h, d)");
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

int
conf_uint_arg(struct parser *p, unsigned *out, unsigned min, unsigned max)
{
	struct tok	 t;
	char		*end;
	unsigned long	 n;

	if (conf_arg(p, &t, "a number", 0) == -1)
		return -1;
	errno = 0;
	n = strtoul(t.text, &end, 10);
	if (*end != '\0' || t.text[0] < '0' || t.text[0] > '9' || errno) {
		conf_unexpected(p, &t, "a number");
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

int
conf_addr_arg(struct parser *p, struct addr *a)
{
	struct tok t;

	if (conf_arg(p, &t, "an IPv4 or IPv6 address", 0) == -1)
		return -1;
	if (util_parse_addr(t.text, a) == -1) {
		conf_unexpected(p, &t, "an IPv4 or IPv6 address");
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return 0;
}

/* One or more strings up to ';', as a NULL-terminated argv. */
int
conf_argv_arg(struct parser *p, char ***out, const char *what)
{
	char		**argv = NULL;
	size_t		  n = 0;
	struct tok	  t;
	struct conf_pos	  first = conf_peek(p)->pos;

	while (conf_peek(p)->type == TOK_STRING) {
		if (conf_next(p, &t) == -1)
			break;
		argv = xreallocarray(argv, n + 2, sizeof(*argv));
		argv[n++] = t.text;
		argv[n] = NULL;
	}
	if (n == 0) {
		conf_unexpected(p, conf_peek(p), what);
		return -1;
	}
	*out = argv;
	if (argv[0][0] != '/')
		return conf_error(p, &first, "\"%s\" must be an absolute path "
		    "(no shell, no PATH search)", argv[0]);
	return conf_semi(p);
}

/* ---- scalar rows ---- */

/* A row's one fixed word before its value, as in `drain time 5s`. */
static int
row_pre(struct parser *p, const struct kw_scalar *k)
{
	const char *const words[] = { k->pre, NULL };

	return k->pre ? conf_choice(p, words, k->pre) : 0;
}

/* A row without a handler (conf_int.h): its value into its field. */
static int
conf_scalar(struct parser *p, const struct kw_scalar *k, void *ctx)
{
	static const char *const onoff[] = { "off", "on", NULL };
	void		*base = k->field.in_check ?
			    (void *)((struct check_ctx *)ctx)->check : ctx;
	uint64_t	 ms;
	unsigned	 n;
	int		 i;

	if (row_pre(p, k) == -1)
		return -1;
	switch (k->kind) {
	case KW_UINT:
		if (conf_uint_arg(p, &n, (unsigned)k->min,
		    (unsigned)k->max) == -1)
			return -1;
		conf_row_set(k, base, n);
		break;
	case KW_DURATION:
		if (conf_duration_arg(p, &ms, k->min) == -1)
			return -1;
		conf_row_set(k, base, ms);
		break;
	case KW_FLAG:
		conf_row_set(k, base, 1);
		break;
	case KW_ONOFF:
		if ((i = conf_choice(p, onoff, "on or off")) == -1)
			return -1;
		conf_row_set(k, base, (uint64_t)i);
		break;
	default:
		fatal("a keyword row of kind %d", k->kind);
	}
	return conf_semi(p);
}

/* ---- blocks ---- */

static int
kw_include(struct parser *p, const struct tok *kw)
{
	char	*file, *path, *buf, *slash, err[256];
	size_t	 len;

	if (conf_string_arg(p, &file, "a file name in quotes") == -1)
		return -1;
	if (conf_semi(p) == -1) {
		free(file);
		return -1;
	}
	if (p->depth == INCLUDE_DEPTH) {
		free(file);
		return conf_error(p, &kw->pos, "includes nested deeper than %d "
		    "(an include loop?)", INCLUDE_DEPTH - 1);
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
keyword_list(const struct keyword *kws, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; kws->name && off < len; kws++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", kws->name);
}

/*
 * Statements up to the closing brace (or the end of the file at top
 * level, where NAME is NULL).  Each keyword may appear once unless the
 * table says it repeats.  IS_CHECK: a check's block, "in dns check".
 */
static int
statements(struct parser *p, const struct keyword *kws, void *ctx,
    const char *name, int is_check)
{
	const struct keyword	*k;
	struct tok		 t;
	uint64_t		 seen = 0;
	char			 list[512];

	for (;;) {
		if (conf_next(p, &t) == -1)
			return -1;
		if (t.type == (name ? TOK_RBRACE : TOK_EOF))
			return 0;
		if (t.type != TOK_WORD) {
			conf_unexpected(p, &t, name ? "a keyword or '}'" :
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
		if (k == NULL) {
			keyword_list(kws, list, sizeof(list));
			conf_error(p, &t.pos, "unknown keyword '%s' in %s%s; "
			    "expected one of: %s", t.text,
			    name ? name : "the top level",
			    is_check ? " check" : name ? " block" : "", list);
			lex_tok_free(&t);
			return -1;
		}
		if (!k->repeatable && (seen & (1ull << (k - kws)))) {
			conf_error(p, &t.pos, "'%s' given twice", t.text);
			lex_tok_free(&t);
			return -1;
		}
		seen |= 1ull << (k - kws);
		if ((k->fn ? k->fn(p, ctx, &t) :
		    conf_scalar(p, k->scalar, ctx)) == -1) {
			lex_tok_free(&t);
			return -1;
		}
		lex_tok_free(&t);
	}
}

/* The top level: statements up to the end of the file (conf_load.c). */
int
conf_statements(struct parser *p, const struct keyword *kws, void *ctx)
{
	return statements(p, kws, ctx, NULL, 0);
}

int
conf_block(struct parser *p, const struct keyword *kws, void *ctx,
    const char *name, int is_check)
{
	if (conf_expect(p, TOK_LBRACE, "'{'") == -1)
		return -1;
	return statements(p, kws, ctx, name, is_check);
}

