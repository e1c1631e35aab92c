/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `bgp NAME { ... }` blocks (one BGP neighbour each) and
 * of `announce PEER|all { ... }` in a service (what is sent to it, and
 * how that changes when the service is degraded or draining).
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_host.h"
#include "conf/conf_int.h"

#define TCP_MD5_MAXKEY	80	/* TCP_MD5SIG_MAXKEYLEN of linux/tcp.h */

static int
asn_arg(struct parser *p, uint32_t *asn)
{
	unsigned v;

	if (conf_uint_arg(p, &v, 1, UINT32_MAX) == -1)
		return -1;
	*asn = v;
	return 0;
}

static int
kw_neighbor(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const as[] = { "as", NULL };
	struct bgp_conf *b = ctx;

	(void)kw;
	if (conf_addr_arg(p, &b->neighbor) == -1 ||
	    conf_choice(p, as, "as") == -1 || asn_arg(p, &b->remote_as) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_source(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	if (conf_addr_arg(p, &((struct bgp_conf *)ctx)->source) == -1)
		return -1;
	return conf_semi(p);
}

static int
kw_router_id(struct parser *p, void *ctx, const struct tok *kw)
{
	struct bgp_conf *b = ctx;

	if (conf_addr_arg(p, &b->router_id) == -1)
		return -1;
	if (b->router_id.family != AF_INET || b->router_id.u.v4.s_addr == 0)
		return conf_error(p, &kw->pos, "router-id must be a non-zero "
		    "IPv4 address");
	return conf_semi(p);
}

/* RFC 4271 4.2: a hold time is 0 (no keepalives) or at least 3 s. */
static int
kw_hold(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const time_[] = { "time", NULL };
	struct bgp_conf *b = ctx;

	if (conf_choice(p, time_, "time") == -1 ||
	    conf_duration_arg(p, &b->hold_time, 0) == -1)
		return -1;
	if ((b->hold_time != 0 && b->hold_time < 3000) ||
	    b->hold_time > 65535000 || b->hold_time % 1000)
		return conf_error(p, &kw->pos, "hold time must be 0 or whole "
		    "seconds from 3s to 65535s (RFC 4271 4.2)");
	return conf_semi(p);
}

static int
kw_password(struct parser *p, void *ctx, const struct tok *kw)
{
	struct bgp_conf *b = ctx;

	if (conf_string_arg(p, &b->password, "the password in quotes") == -1)
		return -1;
	if (b->password[0] == '\0' || strlen(b->password) > TCP_MD5_MAXKEY)
		return conf_error(p, &kw->pos, "a TCP MD5 password has 1 to %d "
		    "characters", TCP_MD5_MAXKEY);
	return conf_semi(p);
}

static int
kw_next_hop(struct parser *p, void *ctx, const struct tok *kw)
{
	struct bgp_conf	*b = ctx;
	struct addr	 a;
	struct addr	*slot;

	if (conf_addr_arg(p, &a) == -1)
		return -1;
	slot = a.family == AF_INET ? &b->nexthop4 : &b->nexthop6;
	if (slot->family)
		return conf_error(p, &kw->pos, "next-hop for %s given twice",
		    a.family == AF_INET ? "IPv4" : "IPv6");
	*slot = a;
	return conf_semi(p);
}

static int
kw_address_family(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const afs[] = { "ipv4", "ipv6", NULL };
	struct bgp_conf	*b = ctx;
	int		 af;

	(void)kw;
	b->families = 0;
	do {
		if ((af = conf_choice(p, afs, "ipv4 or ipv6")) == -1)
			return -1;
		b->families |= af == 0 ? CONF_AF_IPV4 : CONF_AF_IPV6;
	} while (conf_peek(p)->type == TOK_WORD);
	return conf_semi(p);
}

static int
kw_bfd(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return conf_bfd_arg(p, &((struct bgp_conf *)ctx)->bfd);
}

#define BGP(m)	KW_FIELD(struct bgp_conf, m)

const struct keyword conf_bgp_kw[] = {
	{ "local", KW_ROW(.kind = KW_UINT, .pre = "as",
	    .field = BGP(local_as), .min = 1, .max = UINT32_MAX) },
	{ "neighbor", kw_neighbor, 0, 0 },
	{ "port", KW_ROW(.kind = KW_UINT, .field = BGP(port), .min = 1,
	    .max = 65535) },
	{ "source", kw_source, 0, 0 },
	{ "router-id", kw_router_id, 0, 0 },
	{ "hold", kw_hold, 0, 0 },
	{ "connect", KW_ROW(.kind = KW_DURATION, .pre = "retry",
	    .field = BGP(connect_retry), .min = 100) },
	{ "passive", KW_ROW(.kind = KW_FLAG, .field = BGP(passive)) },
	{ "multihop", KW_ROW(.kind = KW_UINT, .field = BGP(multihop),
	    .min = 1, .max = 255, .if_set = 1) },
	{ "ttl-security", KW_ROW(.kind = KW_FLAG,
	    .field = BGP(ttl_security)) },
	{ "password", kw_password, 0, 0 },
	{ "next-hop", kw_next_hop, 1, 0 },
	{ "address-family", kw_address_family, 0, 0 },
	{ "bfd", kw_bfd, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static int
bgp_finish(struct parser *p, struct bgp_conf *b)
{
	if (b->local_as == 0)
		return conf_error(p, &b->pos, "bgp %s: 'local as N;' is "
		    "required", b->name);
	if (b->neighbor.family == 0)
		return conf_error(p, &b->pos, "bgp %s: 'neighbor ADDRESS as "
		    "N;' is required", b->name);
	if (b->source.family && b->source.family != b->neighbor.family)
		return conf_error(p, &b->pos, "bgp %s: source and neighbor "
		    "are not of the same address family", b->name);
	if (b->ttl_security && b->multihop > 1)
		return conf_error(p, &b->pos, "bgp %s: ttl-security is for "
		    "directly connected neighbors (RFC 5082), not multihop",
		    b->name);
	if (b->bfd.enabled && b->multihop > 1)
		return conf_error(p, &b->pos, "bgp %s: bfd is single-hop "
		    "(RFC 5881); multihop BFD is not supported", b->name);
	return 0;
}

int
conf_kw_bgp(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf	*c = ctx;
	struct bgp_conf	*b, **tail;
	struct tok	 t;

	if (conf_arg(p, &t, "a name for the bgp neighbor", 0) == -1)
		return -1;
	if (conf_name_ok(t.text) == -1 || strcmp(t.text, "all") == 0) {
		conf_error(p, &t.pos, "bgp name '%s': use letters, digits, "
		    "'-' and '_' (and not 'all')", t.text);
		lex_tok_free(&t);
		return -1;
	}
	for (b = c->peers; b; b = b->next)
		if (strcmp(b->name, t.text) == 0) {
			conf_error(p, &t.pos, "bgp %s already defined at "
			    "%s:%d:%d", t.text, b->pos.file, b->pos.line,
			    b->pos.col);
			lex_tok_free(&t);
			return -1;
		}
	b = xcalloc(1, sizeof(*b));
	strcpy(b->name, t.text);
	lex_tok_free(&t);
	b->pos = kw->pos;
	b->port = CONF_DEFAULT_BGP_PORT;
	b->hold_time = CONF_DEFAULT_HOLD;
	b->connect_retry = CONF_DEFAULT_RETRY;
	b->families = CONF_AF_IPV4 | CONF_AF_IPV6;
	for (tail = &c->peers; *tail; tail = &(*tail)->next)
		;
	*tail = b;
	c->npeers++;
	if (conf_block(p, conf_bgp_kw, b, "bgp", 0) == -1)
		return -1;
	return bgp_finish(p, b);
}

/* ---- announce ---- */

static int
u16_pair(const char *s, uint32_t *a, uint32_t *b)
{
	char		*end;
	unsigned long	 x, y;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (end == s || *end != ':' || errno || x > 65535)
		return -1;
	s = end + 1;
	y = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || errno || y > 65535)
		return -1;
	*a = (uint32_t)x;
	*b = (uint32_t)y;
	return 0;
}

/* RFC 1997 well-known names, and AS:VALUE. */
static int
parse_community(const char *s, uint32_t *out)
{
	static const struct { const char *name; uint32_t v; } named[] = {
		{ "graceful-shutdown", 0xffff0000 },
		{ "no-export", 0xffffff01 },
		{ "no-advertise", 0xffffff02 },
		{ "no-export-subconfed", 0xffffff03 },
	};
	uint32_t	 a, b;
	size_t		 i;

	for (i = 0; i < nitems(named); i++)
		if (strcmp(s, named[i].name) == 0) {
			*out = named[i].v;
			return 0;
		}
	if (u16_pair(s, &a, &b) == -1)
		return -1;
	*out = a << 16 | b;
	return 0;
}

/* RFC 8092: GLOBAL:LOCAL1:LOCAL2, each 32 bits. */
static int
parse_lcomm(const char *s, struct conf_lcomm *out)
{
	unsigned long long	 v[3];
	char			*end;
	int			 i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoull(s, &end, 10);
		if (end == s || errno || v[i] > UINT32_MAX ||
		    *end != (i < 2 ? ':' : '\0') || *s == '-')
			return -1;
		s = end + 1;
	}
	out->global = (uint32_t)v[0];
	out->local1 = (uint32_t)v[1];
	out->local2 = (uint32_t)v[2];
	return 0;
}

static int
kw_community(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_attrs	*a = ctx;
	struct tok		 t;
	uint32_t		 v;

	(void)kw;
	do {
		if (conf_arg(p, &t, "a community (AS:VALUE)", 0) == -1)
			return -1;
		if (parse_community(t.text, &v) == -1) {
			conf_unexpected(p, &t, "a community: AS:VALUE (each "
			    "0..65535), no-export, no-advertise, "
			    "no-export-subconfed or graceful-shutdown");
			lex_tok_free(&t);
			return -1;
		}
		lex_tok_free(&t);
		a->communities = xreallocarray(a->communities,
		    a->ncommunities + 1, sizeof(*a->communities));
		a->communities[a->ncommunities++] = v;
	} while (conf_peek(p)->type == TOK_WORD);
	return conf_semi(p);
}

static int
kw_large_community(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_attrs	*a = ctx;
	struct conf_lcomm	 v;
	struct tok		 t;

	(void)kw;
	do {
		if (conf_arg(p, &t, "a large community (G:L1:L2)", 0) == -1)
			return -1;
		if (parse_lcomm(t.text, &v) == -1) {
			conf_unexpected(p, &t, "a large community GLOBAL:LOCAL1:"
			    "LOCAL2, each 0..4294967295");
			lex_tok_free(&t);
			return -1;
		}
		lex_tok_free(&t);
		a->lcommunities = xreallocarray(a->lcommunities,
		    a->nlcommunities + 1, sizeof(*a->lcommunities));
		a->lcommunities[a->nlcommunities++] = v;
	} while (conf_peek(p)->type == TOK_WORD);
	return conf_semi(p);
}

static int
kw_med(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_attrs	*a = ctx;
	unsigned		 v;

	(void)kw;
	if (conf_uint_arg(p, &v, 0, UINT32_MAX) == -1)
		return -1;
	a->has_med = 1;
	a->med = v;
	return conf_semi(p);
}

static int
kw_local_pref(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_attrs	*a = ctx;
	unsigned		 v;

	(void)kw;
	if (conf_uint_arg(p, &v, 0, UINT32_MAX) == -1)
		return -1;
	a->has_local_pref = 1;
	a->local_pref = v;
	return conf_semi(p);
}

static int
kw_origin(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const origins[] = { "igp", "egp", "incomplete",
	    NULL };
	int o;

	(void)kw;
	if ((o = conf_choice(p, origins, "igp, egp or incomplete")) == -1)
		return -1;
	((struct announce_attrs *)ctx)->origin = o;
	return conf_semi(p);
}

/*
 * bandwidth RATE: bits per second, with k, M, G or T (powers of 1000),
 * carried as the link bandwidth extended community.
 */
static int
kw_bandwidth(struct parser *p, void *ctx, const struct tok *kw)
{
	static const struct { char unit; uint64_t mult; } units[] = {
		{ 'k', 1000ULL }, { 'M', 1000000ULL }, { 'G', 1000000000ULL },
		{ 'T', 1000000000000ULL },
	};
	struct announce_attrs	*a = ctx;
	struct tok		 t;
	char			*end;
	unsigned long long	 v;
	uint64_t		 mult = 1;
	size_t			 i;

	(void)kw;
	if (conf_arg(p, &t, "a bandwidth such as 10M (bits per second)",
	    0) == -1)
		return -1;
	errno = 0;
	end = t.text;
	v = isdigit((unsigned char)t.text[0]) ? strtoull(t.text, &end, 10) :
	    0;
	for (i = 0; v && i < nitems(units); i++)
		if (end[0] == units[i].unit && end[1] == '\0')
			mult = units[i].mult, end++;
	if (v == 0 || errno || *end != '\0' || v > 100000000000000ULL / mult) {
		conf_unexpected(p, &t, "a bandwidth: a whole number of bits "
		    "per second from 1 to 100T, with k, M, G or T");
		lex_tok_free(&t);
		return -1;
	}
	lex_tok_free(&t);
	a->bandwidth = v * mult;
	return conf_semi(p);
}

#define ATTR_KEYWORDS \
	{ "community", kw_community, 1, 0 }, \
	{ "large-community", kw_large_community, 1, 0 }, \
	{ "med", kw_med, 0, 0 }, \
	{ "local-pref", kw_local_pref, 0, 0 }, \
	{ "prepend", KW_ROW(.kind = KW_UINT, \
	    .field = KW_FIELD(struct announce_attrs, prepend), .min = 1, \
	    .max = 16, .if_set = 1) }, \
	{ "origin", kw_origin, 0, 0 }, \
	{ "bandwidth", kw_bandwidth, 0, 0 }

const struct keyword conf_attr_kw[] = {
	ATTR_KEYWORDS,
	{ NULL, NULL, 0, 0 }
};

/* In an announce block CTX is &announce->normal; these need announce. */
#define ANNOUNCE_OF(ctx) ((struct announce_conf *)((char *)(ctx) - \
	offsetof(struct announce_conf, normal)))

static int
kw_degraded(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_conf *a = ANNOUNCE_OF(ctx);

	(void)kw;
	return conf_block(p, conf_attr_kw, &a->degraded, "degraded", 0);
}

static int
kw_draining(struct parser *p, void *ctx, const struct tok *kw)
{
	struct announce_conf *a = ANNOUNCE_OF(ctx);

	(void)kw;
	return conf_block(p, conf_attr_kw, &a->draining, "draining", 0);
}

const struct keyword conf_announce_kw[] = {
	ATTR_KEYWORDS,
	{ "degraded", kw_degraded, 0, 0 },
	{ "draining", kw_draining, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

int
conf_kw_announce(struct parser *p, void *ctx, const struct tok *kw)
{
	struct service_conf	*svc = ctx;
	struct announce_conf	*a, **tail;
	struct tok		 t;

	(void)kw;
	if (conf_arg(p, &t, "a bgp name or 'all'", 0) == -1)
		return -1;
	for (a = svc->announces; a; a = a->next)
		if (strcmp(a->peer, t.text) == 0 ||
		    strcmp(a->peer, "all") == 0 || strcmp(t.text, "all") == 0) {
			conf_error(p, &t.pos, "service %s: announce %s overlaps "
			    "announce %s at line %d", svc->name, t.text,
			    a->peer, a->pos.line);
			lex_tok_free(&t);
			return -1;
		}
	a = xcalloc(1, sizeof(*a));
	a->pos = t.pos;
	snprintf(a->peer, sizeof(a->peer), "%s", t.text);
	lex_tok_free(&t);
	a->normal.origin = a->degraded.origin = a->draining.origin = -1;
	for (tail = &svc->announces; *tail; tail = &(*tail)->next)
		;
	*tail = a;
	if (conf_peek(p)->type == TOK_SEMI)
		return conf_semi(p);
	return conf_block(p, conf_announce_kw, &a->normal, "announce", 0);
}

/* ---- whole-file rules, equality, freeing ---- */

