/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `check TYPE [NAME] { ... }` blocks: the keywords every
 * check shares, and the block driver.  A type's own keywords are in its
 * descriptor (check_desc.h); a block accepts those of its type and the
 * shared ones, so that `query` in a tcp check is refused by name.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

/* ---- the keywords every check shares ---- */

static struct check_net
net_of(void *ctx)
{
	struct check_net n;

	conf_check_net(((struct check_ctx *)ctx)->check, &n);
	return n;
}

static int
kw_server(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_addr_arg(p, net_of(ctx).server) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_source(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_addr_arg(p, net_of(ctx).source) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_port(struct parser *p, void *ctx, const struct tok *kw)
{
	unsigned port;

	(void)kw;
	if (conf_uint_arg(p, &port, 1, 65535) == -1)
		return -1;
	*net_of(ctx).port = (uint16_t)port;
	return conf_semi(p);
}

static int
kw_watch(struct parser *p, void *ctx, const struct tok *kw)
{
	return conf_watch_parse(p, ((struct check_ctx *)ctx)->check, kw);
}

/* Of a network probe (a descriptor with net), before its own. */
const struct keyword conf_net_kw[] = {
	{ "server", kw_server, 0, 0 },
	{ "port", kw_port, 0, 0 },
	{ "source", kw_source, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

/* Of every check, after the type's own. */
const struct keyword conf_every_kw[] = {
	{ "interval", KW_ROW(.kind = KW_DURATION, .field = KW_CHECK(interval),
	    .min = 10) },
	{ NULL, NULL, 0, 0 }
};

/* Of every check but a maintenance flag (CT_MAINT). */
const struct keyword conf_probe_kw[] = {
	{ "fast-interval", KW_ROW(.kind = KW_DURATION,
	    .field = KW_CHECK(fast_interval), .min = 10) },
	{ "timeout", KW_ROW(.kind = KW_DURATION, .field = KW_CHECK(timeout),
	    .min = 1) },
	{ "rise", KW_ROW(.kind = KW_UINT, .field = KW_CHECK(rise), .min = 1,
	    .max = 100) },
	{ "fall", KW_ROW(.kind = KW_UINT, .field = KW_CHECK(fall), .min = 1,
	    .max = 100) },
	{ "watch", kw_watch, 1, 0 },
	/* Else -1 until the check is finished (conf_finish.c). */
	{ "immediate", KW_ROW(.kind = KW_ONOFF,
	    .field = KW_CHECK(immediate)) },
	{ NULL, NULL, 0, 0 }
};

/* At most 64: the block driver keeps "given once" in 64 bits. */
#define CHECK_KW_MAX	64

static size_t
kw_append(struct keyword *out, size_t n, const struct keyword *kws)
{
	for (; kws && kws->name; kws++) {
		if (n == CHECK_KW_MAX - 1)
			fatal("a check type has more than %d keywords",
			    CHECK_KW_MAX - 1);
		out[n++] = *kws;
	}
	return n;
}

/* The keywords of a block of type CT, in the order errors list them. */
static void
check_keywords(const struct check_desc *ct, struct keyword *out)
{
	size_t n = 0;

	if (ct->net)
		n = kw_append(out, n, conf_net_kw);
	n = kw_append(out, n, ct->keywords[0]);
	n = kw_append(out, n, ct->keywords[1]);
	n = kw_append(out, n, conf_every_kw);
	if (!(ct->flags & CT_MAINT))
		n = kw_append(out, n, conf_probe_kw);
	memset(&out[n], 0, sizeof(out[n]));
}

/* The type after `check`: one written as a block. */
static int
check_type_arg(struct parser *p)
{
	struct tok	t;
	char		what[160];
	int		type;

	snprintf(what, sizeof(what), "a check type (%s)",
	    check_desc_block_names());
	if (conf_arg(p, &t, what, 0) == -1)
		return -1;
	type = check_desc_find(t.text);
	if (type == -1 || !(check_desc_of(type)->flags & CT_BLOCK)) {
		conf_unexpected(p, &t, what);
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	return type;
}

/* A check of SVC; BACKEND is the index of its via, or -1. */
int
conf_parse_check(struct parser *p, struct service_conf *svc,
    const struct tok *kw, int backend)
{
	const struct check_desc	*ct;
	struct keyword		 kws[CHECK_KW_MAX];
	struct check_conf	*ck, **tail;
	struct check_ctx	 cc;
	struct tok		 t;
	int			 type;

	if ((type = check_type_arg(p)) == -1)
		return -1;
	ct = check_desc_of(type);
	ck = conf_check_new((enum check_type)type, &kw->pos);
	ck->backend = backend;
	if (backend >= 0)
		snprintf(ck->name, sizeof(ck->name), "via%d-%s", backend + 1,
		    ct->name);
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
	check_keywords(ct, kws);
	if (conf_block(p, kws, &cc, ct->name, 1) == -1)
		return -1;
	return conf_check_finish(p, ck);
}

int
conf_kw_check(struct parser *p, void *ctx, const struct tok *kw)
{
	return conf_parse_check(p, ctx, kw, -1);
}
