/* SPDX-License-Identifier: ISC */
/*
 * The grammar of a service's kernel outputs: `address IFACE [dynamic]
 * [create];` (host mode) and `route { via ADDR [dev IF] [weight N]
 * check ... ; table T; metric M; }` (router mode, the seed's tracked
 * static route, with ECMP over the healthy backends).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf_int.h"

static int
ifname_arg(struct parser *p, char *out)
{
	struct tok t;

	if (conf_arg(p, &t, "an interface name", 0) == -1)
		return -1;
	if (strlen(t.text) >= CONF_IFNAME_MAX || strchr(t.text, '/')) {
		conf_error(p, &t.pos, "'%s' is not an interface name (at most "
		    "%d characters)", t.text, CONF_IFNAME_MAX - 1);
		lex_tok_free(&t);
		return -1;
	}
	strcpy(out, t.text);
	lex_tok_free(&t);
	return 0;
}

int
conf_kw_address(struct parser *p, void *ctx, const struct tok *kw)
{
	struct address_conf	*a = &((struct service_conf *)ctx)->address;
	struct tok		 t;

	a->present = 1;
	a->pos = kw->pos;
	if (ifname_arg(p, a->ifname) == -1)
		return -1;
	while (conf_peek(p)->type == TOK_WORD) {
		if (conf_next(p, &t) == -1)
			return -1;
		if (strcmp(t.text, "dynamic") == 0)
			a->dynamic = 1;
		else if (strcmp(t.text, "create") == 0)
			a->create = 1;
		else {
			conf_unexpected(p, &t, "dynamic, create or ';'");
			lex_tok_free(&t);
			return -1;
		}
		lex_tok_free(&t);
	}
	return conf_semi(p);
}

static const struct check_conf *
last_check(const struct service_conf *svc)
{
	const struct check_conf *ck = svc->checks;

	while (ck->next)
		ck = ck->next;
	return ck;
}

/* via ... bfd [{ ... }]: BFD to the backend, as one more of its checks. */
static int
via_bfd(struct parser *p, struct service_conf *svc, const struct tok *kw,
    int idx)
{
	struct check_conf *ck, **tail;

	for (ck = svc->checks; ck; ck = ck->next)
		if (ck->backend == idx && ck->type == CHECK_BFD)
			return conf_error(p, &kw->pos, "'bfd' given twice");
	ck = conf_check_new(CHECK_BFD, &kw->pos);
	ck->backend = idx;
	snprintf(ck->name, sizeof(ck->name), "via%d-bfd", idx + 1);
	/* Pushed by BFD as it happens; the timer only refreshes the state. */
	ck->interval = ck->fast_interval = check_desc_bfd.interval;
	ck->rise = check_desc_bfd.rise;
	ck->fall = check_desc_bfd.fall;
	for (tail = &svc->checks; *tail; tail = &(*tail)->next)
		;
	*tail = ck;
	svc->nchecks++;
	return conf_bfd_opts(p, &ck->u.bfd, 0) == -1 ? -1 : 0;
}

/* After a check's block, a word that does not go on the via statement
 * begins the next statement: the ';' after '}' may be left out. */
static int
via_goes_on(struct parser *p, int after_block)
{
	const struct tok *t = conf_peek(p);

	if (t->type != TOK_WORD)
		return 0;
	return !after_block || strcmp(t->text, "dev") == 0 ||
	    strcmp(t->text, "weight") == 0 ||
	    strcmp(t->text, "degraded-weight") == 0 ||
	    strcmp(t->text, "check") == 0 || strcmp(t->text, "bfd") == 0;
}

/* via ADDR [dev IF] [weight N] [degraded-weight N] check ... [bfd [{...}]] [;] */
static int
kw_via(struct parser *p, void *ctx, const struct tok *kw)
{
	struct service_conf	*svc = ctx;
	struct route_conf	*r = &svc->route;
	struct via_conf		*v;
	struct tok		 t;
	int			 idx = (int)r->nvias, checks = 0, block = 0;

	r->vias = xreallocarray(r->vias, r->nvias + 1, sizeof(*r->vias));
	v = &r->vias[r->nvias++];
	memset(v, 0, sizeof(*v));
	v->pos = kw->pos;
	v->weight = 1;
	if (conf_addr_arg(p, &v->gw) == -1)
		return -1;
	while (via_goes_on(p, block)) {
		if (conf_next(p, &t) == -1)
			return -1;
		block = 0;
		if (strcmp(t.text, "dev") == 0) {
			if (ifname_arg(p, v->dev) == -1)
				goto fail;
		} else if (strcmp(t.text, "weight") == 0) {
			if (conf_uint_arg(p, &v->weight, 1, 256) == -1)
				goto fail;
		} else if (strcmp(t.text, "degraded-weight") == 0) {
			if (conf_uint_arg(p, &v->degraded_weight, 1, 256) == -1)
				goto fail;
		} else if (strcmp(t.text, "check") == 0) {
			if (conf_parse_check(p, svc, &t, idx) == -1)
				goto fail;
			checks += !check_is_maint(last_check(svc)->type);
			block = 1;
		} else if (strcmp(t.text, "bfd") == 0) {
			/* Only `bfd { ... }` ends in a block. */
			block = conf_peek(p)->type == TOK_LBRACE;
			if (via_bfd(p, svc, &t, idx) == -1)
				goto fail;
		} else {
			conf_unexpected(p, &t, "dev, weight, degraded-weight, "
			    "check, bfd or ';'");
			goto fail;
		}
		lex_tok_free(&t);
	}
	if (checks == 0) {
		char a[64];

		return conf_error(p, &kw->pos, "via %s has no dns, tcp or exec "
		    "check: each backend needs its own (via ADDR check dns "
		    "{ ... };)",
		    util_fmt_addr(&v->gw, a, sizeof(a)));
	}
	/* Like every other block, a check's needs no ';' after its '}'. */
	if (block && conf_peek(p)->type != TOK_SEMI)
		return 0;
	return conf_semi(p);
fail:
	lex_tok_free(&t);
	return -1;
}

static int
kw_table(struct parser *p, void *ctx, const struct tok *kw)
{
	struct route_conf	*r = &((struct service_conf *)ctx)->route;
	unsigned		 v;

	(void)kw;
	/* 0 is unspecified and 253..255 are the kernel's own. */
	if (conf_uint_arg(p, &v, 1, UINT32_MAX) == -1)
		return -1;
	if (v == 253 || v == 255)
		return conf_error(p, &kw->pos, "table %u is the kernel's "
		    "(default/local); use main (254) or your own", v);
	r->table = v;
	return conf_semi(p);
}

static int
kw_dev(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (ifname_arg(p, ((struct service_conf *)ctx)->route.dev) == -1)
		return -1;
	return conf_semi(p);
}

const struct keyword conf_route_kw[] = {
	{ "via", kw_via, 1, 0 },
	{ "dev", kw_dev, 0, 0 },
	{ "table", kw_table, 0, 0 },
	{ "metric", KW_ROW(.kind = KW_UINT,
	    .field = KW_FIELD(struct service_conf, route.metric), .min = 0,
	    .max = UINT32_MAX) },
	{ NULL, NULL, 0, 0 }
};

int
conf_kw_route(struct parser *p, void *ctx, const struct tok *kw)
{
	struct service_conf	*svc = ctx;
	struct route_conf	*r = &svc->route;
	size_t			 i, j;
	char			 a[64];

	r->present = 1;
	r->pos = kw->pos;
	r->table = 254;		/* main */
	if (conf_block(p, conf_route_kw, svc, "route", 0) == -1)
		return -1;
	if (r->nvias && r->dev[0])
		return conf_error(p, &kw->pos, "route: 'dev' alone is for a "
		    "route without via; put it on each via instead");
	if (r->nvias == 0 && r->dev[0] == '\0')
		strcpy(r->dev, "lo");
	for (i = 0; i < r->nvias; i++)
		for (j = 0; j < i; j++)
			if (util_addr_eq(&r->vias[i].gw, &r->vias[j].gw))
				return conf_error(p, &r->vias[i].pos, "via %s "
				    "given twice", util_fmt_addr(&r->vias[i].gw,
				    a, sizeof(a)));
	return 0;
}

