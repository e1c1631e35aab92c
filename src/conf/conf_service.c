/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `service NAME { ... }` blocks and their damping block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "conf/conf_int.h"

/* ---- damping ---- */

#define DAMPING(m)	KW_FIELD(struct damping_conf, m)

const struct keyword conf_damping_kw[] = {
	{ "penalty", KW_ROW(.kind = KW_UINT, .field = DAMPING(penalty),
	    .min = 1, .max = 100000) },
	{ "half-life", KW_ROW(.kind = KW_DURATION,
	    .field = DAMPING(half_life), .min = 1000) },
	{ "suppress", KW_ROW(.kind = KW_UINT, .field = DAMPING(suppress),
	    .min = 1, .max = 1000000) },
	{ "reuse", KW_ROW(.kind = KW_UINT, .field = DAMPING(reuse),
	    .min = 1, .max = 1000000) },
	{ "max-suppress", KW_ROW(.kind = KW_DURATION,
	    .field = DAMPING(max_suppress), .min = 1000) },
	{ NULL, NULL, 0, 0 }
};

/* ---- service blocks ---- */

/* The length of a contiguous IPv4 netmask, or -1. */
static int
mask_len(const char *s)
{
	struct addr	 m;
	uint32_t	 v;
	int		 len = 0;

	if (util_parse_addr(s, &m) == -1 || m.family != AF_INET)
		return -1;
	v = ntohl(m.u.v4.s_addr);
	while (len < 32 && (v & (0x80000000u >> len)))
		len++;
	return len < 32 && (v << len) != 0 ? -1 : len;
}

/*
 * "prefix 192.0.2.53 255.255.255.255;" as IOS writes it: taken as /32,
 * with a warning that says how to write it here.
 */
static int
cisco_mask(struct parser *p, const struct tok *pt, struct prefix *pfx)
{
	struct tok	 m;
	int		 len;
	char		 a[64];

	if (conf_peek(p)->type != TOK_WORD || pfx->addr.family != AF_INET ||
	    strchr(pt->text, '/') != NULL ||
	    (len = mask_len(conf_peek(p)->text)) == -1)
		return 0;
	conf_next(p, &m);
	snprintf(a, sizeof(a), "%s/%d", pt->text, len);
	if (len == 0 || util_parse_prefix(a, pfx) == -1) {
		conf_error(p, &m.pos, "%s %s is not a service prefix: write "
		    "ADDRESS/LENGTH", pt->text, m.text);
		lex_tok_free(&m);
		return -1;
	}
	conf_warn(p, &m.pos, "use %s/%d instead of %s %s",
	    util_fmt_addr(&pfx->addr, a, sizeof(a)), len, pt->text, m.text);
	lex_tok_free(&m);
	return 0;
}

/*
 * Room for one more prefix.  The arrays double whenever the count reaches
 * a power of two, so a service of 100,000 prefixes is 17 copies, not
 * 100,000 (the count is the only size kept: no capacity field).
 */
static void
grow_prefixes(struct service_conf *svc)
{
	size_t n = svc->nprefixes, cap;

	if (n != 0 && (n & (n - 1)) != 0)
		return;
	cap = n ? n * 2 : 1;
	svc->prefixes = xreallocarray(svc->prefixes, cap,
	    sizeof(*svc->prefixes));
	svc->prefix_pos = xreallocarray(svc->prefix_pos, cap,
	    sizeof(*svc->prefix_pos));
}

static int
kw_prefix(struct parser *p, void *ctx, const struct tok *kw)
{
	struct service_conf	*svc = ctx;
	struct tok		 t;
	struct prefix		 pfx;

	(void)kw;
	if (conf_arg(p, &t, "a prefix (192.0.2.53/32, 2001:db8::53/128)", 0) == -1)
		return -1;
	if (util_parse_prefix(t.text, &pfx) == -1) {
		conf_unexpected(p, &t, "a prefix without host bits "
		    "(192.0.2.53/32, 2001:db8::53/128)");
		lex_tok_free(&t);
		return -1;
	}
	if (pfx.len == 0) {
		conf_error(p, &t.pos, "%s is a default route, not a service "
		    "prefix", t.text);
		lex_tok_free(&t);
		return -1;
	}
	if (cisco_mask(p, &t, &pfx) == -1) {
		lex_tok_free(&t);
		return -1;
	}
	/* Overlaps are found once the file is read (conf_validate): here
	 * they would cost a comparison with every earlier prefix. */
	grow_prefixes(svc);
	svc->prefix_pos[svc->nprefixes] = t.pos;
	svc->prefixes[svc->nprefixes++] = pfx;
	lex_tok_free(&t);
	return conf_semi(p);
}

static int
kw_combine(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const modes[] = { "all", "any", "threshold", NULL };
	struct service_conf	*svc = ctx;
	int			 m;

	(void)kw;
	if ((m = conf_choice(p, modes, "all, any or threshold N")) == -1)
		return -1;
	svc->combine = (enum combine_mode)m;
	if (m == COMBINE_THRESHOLD &&
	    conf_uint_arg(p, &svc->threshold, 1, 10000) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_delay(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const dirs[] = { "up", "down", NULL };
	struct service_conf	*svc = ctx;
	int			 d;

	(void)kw;
	if ((d = conf_choice(p, dirs, "up or down")) == -1)
		return -1;
	if (conf_duration_arg(p, d == 0 ? &svc->delay_up : &svc->delay_down,
	    0) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_damping(struct parser *p, void *ctx, const struct tok *kw)
{
	struct damping_conf *d = &((struct service_conf *)ctx)->damping;

	d->enabled = 1;
	if (conf_block(p, conf_damping_kw, d, "damping", 0) == -1)
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
	return conf_argv_arg(p, &((struct service_conf *)ctx)->hook,
	    "a program and its arguments, each in quotes");
}

const struct keyword conf_service_kw[] = {
	{ "prefix", kw_prefix, 1, 0 },
	{ "combine", kw_combine, 0, 0 },
	{ "delay", kw_delay, 1, 0 },
	{ "drain", KW_ROW(.kind = KW_DURATION, .pre = "time",
	    .field = KW_FIELD(struct service_conf, drain_time)) },
	{ "damping", kw_damping, 0, 0 },
	{ "hook", kw_hook, 0, 0 },
	{ "protect", KW_ROW(.kind = KW_FLAG, .pre = "last",
	    .field = KW_FIELD(struct service_conf, protect_last)) },
	{ "check", conf_kw_check, 1, 0 },
	{ "announce", conf_kw_announce, 1, 0 },
	{ "address", conf_kw_address, 0, 0 },
	{ "route", conf_kw_route, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

int
conf_kw_service(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf		*c = ctx;
	struct service_conf	*svc, **tail;
	struct tok		 t;

	if (conf_arg(p, &t, "a service name", 0) == -1)
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
	if (conf_block(p, conf_service_kw, svc, "service", 0) == -1)
		return -1;
	return conf_service_finish(p, svc);
}
