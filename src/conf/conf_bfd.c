/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `bfd` (RFC 5880 liveness detection), shared by a `bgp`
 * block and a router-mode `via`:
 *
 *	bfd;
 *	bfd strict;
 *	bfd [strict] { interval 100ms; multiplier 3; }
 *	bfd { authentication keyed-sha1 key-id 1 password "secret"; }
 *	via 203.0.113.2 check dns { ... } bfd { interval 100ms; };
 *
 * One interval serves as both our Desired Min TX and Required Min RX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

#define BFD_INTERVAL_MIN	10	/* ms: what the event loop keeps */
#define BFD_INTERVAL_MAX	60000

static int
kw_interval(struct parser *p, void *ctx, const struct tok *kw)
{
	struct bfd_conf *b = ctx;

	if (conf_duration_arg(p, &b->interval, BFD_INTERVAL_MIN) == -1)
		return -1;
	if (b->interval > BFD_INTERVAL_MAX)
		return conf_error(p, &kw->pos, "bfd interval must be from "
		    "10ms to 60s");
	return conf_semi(p);
}

/* RFC 5880 6.7.4: keyed-sha1 | meticulous-keyed-sha1 key-id N password S */
static int
kw_authentication(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const kinds[] = { "keyed-sha1",
	    "meticulous-keyed-sha1", NULL };
	static const char *const keyid[] = { "key-id", NULL };
	static const char *const password[] = { "password", NULL };
	struct bfd_conf	*b = ctx;
	char		*key = NULL;
	int		 t;

	if ((t = conf_choice(p, kinds, "keyed-sha1 or meticulous-keyed-sha1"))
	    == -1 || conf_choice(p, keyid, "key-id") == -1 ||
	    conf_uint_arg(p, &b->key_id, 0, 255) == -1 ||
	    conf_choice(p, password, "password") == -1 ||
	    conf_string_arg(p, &key, "the password in quotes") == -1)
		return -1;
	b->auth = t == 0 ? 4 : 5;
	if (key[0] == '\0' || strlen(key) >= sizeof(b->key) ||
	    strpbrk(key, "\"\\") != NULL) {
		free(key);
		return conf_error(p, &kw->pos, "a BFD password has 1 to %zu "
		    "characters, without '\"' or '\\'", sizeof(b->key) - 1);
	}
	strcpy(b->key, key);
	free(key);
	return conf_semi(p);
}

const struct keyword conf_bfd_kw[] = {
	{ "interval", kw_interval, 0, 0 },
	{ "multiplier", KW_ROW(.kind = KW_UINT,
	    .field = KW_FIELD(struct bfd_conf, multiplier), .min = 1,
	    .max = 255) },
	{ "authentication", kw_authentication, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

/* After `bfd`: [strict] [{ ... }]; 1 if there was a block. */
int
conf_bfd_opts(struct parser *p, struct bfd_conf *b, int strict_ok)
{
	b->enabled = 1;
	b->interval = CONF_DEFAULT_BFD_INTERVAL;
	b->multiplier = CONF_DEFAULT_BFD_MULT;
	if (strict_ok && conf_word_is(p, "strict")) {
		struct tok w;

		if (conf_next(p, &w) == -1)
			return -1;
		lex_tok_free(&w);
		b->strict = 1;
	}
	if (conf_peek(p)->type != TOK_LBRACE)
		return 0;
	return conf_block(p, conf_bfd_kw, b, "bfd", 0) == -1 ? -1 : 1;
}

/* In a bgp block: bfd [strict] { ... } or bfd [strict]; */
int
conf_bfd_arg(struct parser *p, struct bfd_conf *b)
{
	int rv = conf_bfd_opts(p, b, 1);

	if (rv != 0)
		return rv < 0 ? -1 : 0;
	if (conf_peek(p)->type != TOK_SEMI) {
		struct tok u;

		if (conf_next(p, &u) == -1)
			return -1;
		conf_unexpected(p, &u, b->strict ? "'{' or ';'" :
		    "'strict', '{' or ';'");
		lex_tok_free(&u);
		return -1;
	}
	return conf_semi(p);
}

