/* SPDX-License-Identifier: ISC */
/*
 * anycastd import ios: the seed's Cisco design (ip sla, track, a tracked
 * static route redistributed into a routing protocol) into router mode.
 *
 * The input may be a whole running-config, or lines pasted among prose:
 * only ip sla, ip sla schedule, track, ip route/ipv6 route with track and
 * router blocks are read, and what else is there is listed as not
 * imported.  What is missing from a line that matters (a dns operation
 * without its name or server, a tracked route without its next hop) is an
 * error naming the line, and then nothing is printed.
 *
 * The translation keeps IOS's behaviour where anycastd has it, and says
 * where it differs: IOS acts on each probe (rise 1, fall 1), asks with the
 * RD bit, and counts a name that resolved; a track's delay is the
 * service's delay; a track on "state" fails a reply slower than the
 * operation's threshold, which is anycastd's timeout.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "sys/util.h"

#define MAXN	128	/* of each kind; a router has a few */

enum op { OP_NONE, OP_DNS, OP_TCP, OP_OTHER };

struct sla {
	unsigned	 id, line, op_line;
	enum op		 op;
	char		 opname[32];
	char		 qname[256];
	char		 server[INET6_ADDRSTRLEN];
	char		 source[INET6_ADDRSTRLEN];
	uint64_t	 port;
	uint64_t	 freq_ms, timeout_ms, threshold_ms;
	int		 has_timeout, has_threshold, scheduled;
	int		 checked;
};

struct track {
	unsigned	 id, line, sla;
	int		 is_sla, state;	/* state (default) or reachability */
	uint64_t	 up_ms, down_ms;
	int		 has_delay;
};

struct route {
	unsigned	 line, track;
	struct prefix	 prefix;
	char		 prefix_s[80];
	char		 via[INET6_ADDRSTRLEN];
	char		 ifname[32];
	char		 text[200];	/* the line, for a comment */
};

struct redist {
	unsigned	 line;
	char		 proto[16], asn[16], routemap[64];
};

enum ctx { CTX_NONE, CTX_SLA, CTX_TRACK, CTX_ROUTER };

struct ios {
	struct imp_diag	*d;
	struct sla	 sla[MAXN];
	struct track	 track[MAXN];
	struct route	 route[MAXN];
	struct redist	 redist[MAXN];
	int		 nsla, ntrack, nroute, nredist;
	enum ctx	 ctx;
	int		 cur;		/* index in the context's array */
	char		 router_proto[16], router_asn[16];
	unsigned	 prev;		/* the last line that was not blank */
	/* Lines read but not imported, as ranges, for one comment. */
	unsigned	 skip[MAXN][2];
	int		 nskip, skip_more;
	char		 notes[MAXN][160];
	int		 nnotes;
};

/* The words of a line joined by single spaces, for comments. */
static void
join_words(const struct imp_line *l, char *buf, size_t len)
{
	size_t	o = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < l->nwords && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
		    l->w[i]);
}

static void
note(struct ios *s, const struct imp_line *l, const char *where)
{
	char text[100];

	join_words(l, text, sizeof(text));
	if (s->nnotes < MAXN)
		snprintf(s->notes[s->nnotes++], sizeof(s->notes[0]),
		    "line %u: '%s' (%s) has no equivalent", l->no, text,
		    where);
}

static void
skipped(struct ios *s, unsigned line)
{
	/* Ranges join across blank lines. */
	if (s->nskip > 0 && s->skip[s->nskip - 1][1] == s->prev) {
		s->skip[s->nskip - 1][1] = line;
		return;
	}
	if (s->nskip == MAXN) {
		s->skip_more = 1;
		return;
	}
	s->skip[s->nskip][0] = s->skip[s->nskip][1] = line;
	s->nskip++;
}

static int
is(const struct imp_line *l, int i, const char *word)
{
	return i < l->nwords && strcmp(l->w[i], word) == 0;
}

static struct sla *
find_sla(struct ios *s, unsigned id)
{
	int i;

	for (i = 0; i < s->nsla; i++)
		if (s->sla[i].id == id)
			return &s->sla[i];
	return NULL;
}

static struct track *
find_track(struct ios *s, unsigned id)
{
	int i;

	for (i = 0; i < s->ntrack; i++)
		if (s->track[i].id == id)
			return &s->track[i];
	return NULL;
}

static int
id_arg(struct ios *s, const struct imp_line *l, int i, const char *what,
    unsigned *id)
{
	uint64_t v;

	if (i >= l->nwords || imp_uint(l->w[i], 1, 2147483647, &v) != 0) {
		imp_error(s->d, l->no, "%s needs a number from 1 to "
		    "2147483647", what);
		return -1;
	}
	*id = (unsigned)v;
	return 0;
}

static int
addr_arg(const struct imp_line *l, int i, char *dst, size_t len)
{
	struct addr a;

	if (i >= l->nwords || util_parse_addr(l->w[i], &a) != 0)
		return -1;
	util_fmt_addr(&a, dst, len);
	return 0;
}

/* --- ip sla N ----------------------------------------------------------- */

static void
sla_begin(struct ios *s, const struct imp_line *l, int idx)
{
	struct sla	*a;
	unsigned	 id;

	if (id_arg(s, l, idx, "ip sla", &id) != 0)
		return;
	if (find_sla(s, id) != NULL) {
		imp_error(s->d, l->no, "ip sla %u is configured twice", id);
		return;
	}
	if (s->nsla == MAXN) {
		imp_error(s->d, l->no, "more than %d ip sla operations", MAXN);
		return;
	}
	a = &s->sla[s->nsla];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->line = l->no;
	a->freq_ms = 60000;		/* the IOS defaults */
	a->timeout_ms = 5000;
	a->threshold_ms = 5000;
	s->ctx = CTX_SLA;
	s->cur = s->nsla++;
}

static int
sla_op(struct ios *s, struct sla *a, const struct imp_line *l, enum op op)
{
	if (a->op != OP_NONE) {
		imp_error(s->d, l->no, "ip sla %u has a second operation "
		    "(the first is on line %u)", a->id, a->op_line);
		return -1;
	}
	a->op = op;
	a->op_line = l->no;
	return 0;
}

/* dns NAME name-server ADDR [source-ipaddr ADDR] [source-port N] */
static void
sla_dns(struct ios *s, struct sla *a, const struct imp_line *l, int i)
{
	if (sla_op(s, a, l, OP_DNS) != 0)
		return;
	if (i + 2 >= l->nwords || strcmp(l->w[i], "name-server") == 0 ||
	    strcmp(l->w[i + 1], "name-server") != 0 ||
	    addr_arg(l, i + 2, a->server, sizeof(a->server)) != 0) {
		imp_error(s->d, l->no, "dns needs a query name and a "
		    "name-server address");
		return;
	}
	if (strlen(l->w[i]) >= sizeof(a->qname)) {
		imp_error(s->d, l->no, "dns: the query name is too long");
		return;
	}
	strcpy(a->qname, l->w[i]);
	for (i += 3; i + 1 < l->nwords; i += 2)
		if (strcmp(l->w[i], "source-ipaddr") == 0 &&
		    addr_arg(l, i + 1, a->source, sizeof(a->source)) != 0)
			imp_error(s->d, l->no, "dns: source-ipaddr needs an "
			    "address");
}

/* tcp-connect ADDR PORT [source-ip ADDR] */
static void
sla_tcp(struct ios *s, struct sla *a, const struct imp_line *l, int i,
    int port_at)
{
	if (sla_op(s, a, l, OP_TCP) != 0)
		return;
	if (addr_arg(l, i, a->server, sizeof(a->server)) != 0 ||
	    port_at >= l->nwords ||
	    imp_uint(l->w[port_at], 1, 65535, &a->port) != 0)
		imp_error(s->d, l->no, "tcp-connect needs an address and a "
		    "port");
}

static void
sla_other(struct ios *s, struct sla *a, const struct imp_line *l)
{
	if (sla_op(s, a, l, OP_OTHER) == 0)
		snprintf(a->opname, sizeof(a->opname), "%s", l->w[0]);
}

static int
sla_number(struct ios *s, const struct imp_line *l, uint64_t scale,
    uint64_t max, uint64_t *v)
{
	uint64_t n;

	if (l->nwords != 2 || imp_uint(l->w[1], 0, max, &n) != 0) {
		imp_error(s->d, l->no, "%s needs a number from 0 to %llu",
		    l->w[0], (unsigned long long)max);
		return -1;
	}
	*v = n * scale;
	return 0;
}

static const char *const sla_ops_other[] = {
	"icmp-echo", "udp-echo", "udp-jitter", "http", "path-echo",
	"path-jitter", "icmp-jitter", "dhcp", "ftp", "ethernet",
};

/* A command of the ip sla block; 0 if it is not one. */
static int
sla_command(struct ios *s, const struct imp_line *l)
{
	struct sla	*a = &s->sla[s->cur];
	size_t		 i;

	if (is(l, 0, "dns"))
		sla_dns(s, a, l, 1);
	else if (is(l, 0, "type") && is(l, 1, "dns") && is(l, 2, "target-addr"))
		sla_dns(s, a, l, 3);		/* ip sla monitor's form */
	else if (is(l, 0, "tcp-connect"))
		sla_tcp(s, a, l, 1, 2);
	else if (is(l, 0, "type") && is(l, 1, "tcpConnect") &&
	    is(l, 2, "dest-ipaddr") && is(l, 4, "dest-port"))
		sla_tcp(s, a, l, 3, 5);
	else if (is(l, 0, "frequency")) {
		if (sla_number(s, l, 1000, 604800, &a->freq_ms) == 0 &&
		    a->freq_ms == 0)
			imp_error(s->d, l->no, "frequency must be at least 1");
	} else if (is(l, 0, "timeout"))
		a->has_timeout = sla_number(s, l, 1, 604800000,
		    &a->timeout_ms) == 0;
	else if (is(l, 0, "threshold"))
		a->has_threshold = sla_number(s, l, 1, 2147483647,
		    &a->threshold_ms) == 0;
	else if (is(l, 0, "type") && l->nwords > 1)
		sla_other(s, a, l);	/* ip sla monitor's other types */
	else {
		for (i = 0; i < nitems(sla_ops_other); i++)
			if (is(l, 0, sla_ops_other[i]))
				break;
		if (i < nitems(sla_ops_other))
			sla_other(s, a, l);
		else if (l->indented)
			note(s, l, "ip sla");
		else
			return 0;
	}
	return 1;
}

/* ip sla schedule N [life forever|N] [start-time now|pending|...] */
static void
sla_schedule(struct ios *s, const struct imp_line *l, int idx)
{
	struct sla	*a;
	unsigned	 id;
	int		 i;

	if (id_arg(s, l, idx, "ip sla schedule", &id) != 0)
		return;
	if ((a = find_sla(s, id)) == NULL) {
		imp_error(s->d, l->no, "ip sla schedule %u: ip sla %u is not "
		    "configured before it", id, id);
		return;
	}
	for (i = idx + 1; i + 1 < l->nwords; i++) {
		if (strcmp(l->w[i], "start-time") == 0)
			a->scheduled = strcmp(l->w[i + 1], "pending") != 0;
		if (strcmp(l->w[i], "life") == 0 &&
		    strcmp(l->w[i + 1], "forever") != 0)
			imp_warn(s->d, l->no, "ip sla %u runs for %s seconds "
			    "on IOS; anycastd probes for as long as it runs",
			    id, l->w[i + 1]);
	}
}

/* --- track N ip sla M [state|reachability] ------------------------------ */

static void
track_begin(struct ios *s, const struct imp_line *l)
{
	struct track	*t;
	unsigned	 id;
	int		 i = 2;

	if (id_arg(s, l, 1, "track", &id) != 0)
		return;
	if (find_track(s, id) != NULL || s->ntrack == MAXN) {
		imp_error(s->d, l->no, "track %u is configured twice", id);
		return;
	}
	t = &s->track[s->ntrack];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->line = l->no;
	t->state = 1;
	if (is(l, 2, "ip") && is(l, 3, "sla"))
		i = 4;
	else if (is(l, 2, "rtr"))
		i = 3;
	if (i > 2) {
		if (id_arg(s, l, i, "track ... ip sla", &t->sla) != 0)
			return;
		t->is_sla = 1;
		t->state = !is(l, i + 1, "reachability");
	}
	s->ctx = CTX_TRACK;
	s->cur = s->ntrack++;
}

/* delay up N [down N] | delay down N [up N], in seconds */
static int
track_command(struct ios *s, const struct imp_line *l)
{
	struct track	*t = &s->track[s->cur];
	uint64_t	 v;
	int		 i;

	if (!is(l, 0, "delay")) {
		if (!l->indented)
			return 0;
		note(s, l, "track");
		return 1;
	}
	for (i = 1; i + 1 < l->nwords; i += 2) {
		if (imp_uint(l->w[i + 1], 0, 180, &v) != 0 ||
		    (!is(l, i, "up") && !is(l, i, "down")))
			break;
		*(is(l, i, "up") ? &t->up_ms : &t->down_ms) = v * 1000;
	}
	if (i != l->nwords || l->nwords < 3)
		imp_error(s->d, l->no, "delay needs 'up N' and/or 'down N', "
		    "N seconds from 0 to 180");
	t->has_delay = 1;
	return 1;
}

/* --- ip route / ipv6 route ... track N ---------------------------------- */

static int
mask_len(const char *mask, unsigned *len)
{
	struct in_addr	m;
	uint32_t	h;

	if (inet_pton(AF_INET, mask, &m) != 1)
		return -1;
	h = ntohl(m.s_addr);
	for (*len = 0; h & 0x80000000u; h <<= 1)
		(*len)++;
	return h == 0 ? 0 : -1;
}

/* The words before "track": prefix (and mask), [interface], next hop. */
static int
route_dest(struct ios *s, struct route *r, const struct imp_line *l,
    int v6, int end)
{
	char	buf[80], a[INET6_ADDRSTRLEN];
	int	i;

	if (v6) {
		if (end < 3 || util_parse_prefix(l->w[2], &r->prefix) != 0 ||
		    r->prefix.addr.family != AF_INET6)
			return -1;
		i = 3;
	} else {
		unsigned len;

		if (end < 4 || util_parse_addr(l->w[2], &r->prefix.addr) != 0)
			return -1;
		if (mask_len(l->w[3], &len) != 0) {
			imp_error(s->d, l->no, "ip route: %s is not a network "
			    "mask", l->w[3]);
			return -2;
		}
		snprintf(buf, sizeof(buf), "%.48s/%u", l->w[2], len);
		if (util_parse_prefix(buf, &r->prefix) != 0 ||
		    r->prefix.addr.family != AF_INET) {
			imp_error(s->d, l->no, "ip route: %s has bits set "
			    "beyond mask %s", l->w[2], l->w[3]);
			return -2;
		}
		i = 4;
	}
	if (i < end && addr_arg(l, i, r->via, sizeof(r->via)) != 0) {
		snprintf(r->ifname, sizeof(r->ifname), "%s", l->w[i]);
		i++;
	}
	if (i >= end || addr_arg(l, i, r->via, sizeof(r->via)) != 0) {
		if (r->ifname[0] != '\0')
			imp_error(s->d, l->no, "%s route: a route out of %s "
			    "alone cannot be imported: anycastd probes each "
			    "backend at its next-hop address", v6 ? "ipv6" :
			    "ip", r->ifname);
		return r->ifname[0] ? -2 : -1;
	}
	util_fmt_addr(&r->prefix.addr, a, sizeof(a));
	snprintf(r->prefix_s, sizeof(r->prefix_s), "%s/%u", a,
	    r->prefix.len);
	return 0;
}

static void
route_line(struct ios *s, const struct imp_line *l, int v6)
{
	struct route	*r;
	int		 t, rc;

	for (t = 2; t < l->nwords; t++)
		if (strcmp(l->w[t], "track") == 0)
			break;
	if (t == l->nwords) {
		skipped(s, l->no);	/* an untracked static route */
		return;
	}
	if (s->nroute == MAXN) {
		imp_error(s->d, l->no, "more than %d tracked routes", MAXN);
		return;
	}
	r = &s->route[s->nroute];
	memset(r, 0, sizeof(*r));
	r->line = l->no;
	join_words(l, r->text, sizeof(r->text));
	if (is(l, 2, "vrf")) {
		imp_error(s->d, l->no, "%s route vrf: VRFs are not imported",
		    v6 ? "ipv6" : "ip");
		return;
	}
	if ((rc = route_dest(s, r, l, v6, t)) != 0) {
		if (rc == -1)
			imp_error(s->d, l->no, v6 ? "ipv6 route needs a "
			    "prefix/length and a next hop before track" :
			    "ip route needs a prefix, a mask and a next hop "
			    "before track");
		return;
	}
	if (id_arg(s, l, t + 1, "track", &r->track) != 0)
		return;
	s->nroute++;
}

/* --- router bgp|eigrp|ospf N: what is redistributed --------------------- */

static void
router_begin(struct ios *s, const struct imp_line *l)
{
	s->ctx = CTX_ROUTER;
	snprintf(s->router_proto, sizeof(s->router_proto), "%s", l->w[1]);
	snprintf(s->router_asn, sizeof(s->router_asn), "%s",
	    l->nwords > 2 ? l->w[2] : "");
}

/* Every indented line belongs to the block; only one matters. */
static int
router_command(struct ios *s, const struct imp_line *l)
{
	struct redist	*r;
	int		 i;

	if (!is(l, 0, "redistribute"))
		return l->indented;
	if (is(l, 1, "static") && s->nredist < MAXN) {
		r = &s->redist[s->nredist++];
		memset(r, 0, sizeof(*r));
		r->line = l->no;
		memcpy(r->proto, s->router_proto, sizeof(r->proto));
		memcpy(r->asn, s->router_asn, sizeof(r->asn));
		for (i = 2; i + 1 < l->nwords; i++)
			if (strcmp(l->w[i], "route-map") == 0)
				snprintf(r->routemap, sizeof(r->routemap),
				    "%s", l->w[i + 1]);
	}
	return 1;
}

/* --- reading ------------------------------------------------------------ */

static void ios_command(struct ios *, const struct imp_line *);

static void
ios_line(struct ios *s, const struct imp_line *l)
{
	if (l->nwords == 0)
		return;
	ios_command(s, l);
	s->prev = l->no;
}

static void
ios_command(struct ios *s, const struct imp_line *l)
{
	int done = 0;

	if (s->ctx == CTX_SLA)
		done = sla_command(s, l);
	else if (s->ctx == CTX_TRACK)
		done = track_command(s, l);
	else if (s->ctx == CTX_ROUTER)
		done = router_command(s, l);
	if (done)
		return;
	s->ctx = CTX_NONE;
	if (is(l, 0, "ip") && is(l, 1, "sla") && is(l, 2, "schedule"))
		sla_schedule(s, l, 3);
	else if (is(l, 0, "ip") && is(l, 1, "sla") && is(l, 2, "monitor") &&
	    is(l, 3, "schedule"))
		sla_schedule(s, l, 4);
	else if (is(l, 0, "ip") && is(l, 1, "sla") && is(l, 2, "monitor"))
		sla_begin(s, l, 3);
	else if (is(l, 0, "ip") && is(l, 1, "sla") && l->nwords == 3)
		sla_begin(s, l, 2);
	else if (is(l, 0, "track") && l->nwords >= 2)
		track_begin(s, l);
	else if (is(l, 0, "ip") && is(l, 1, "route"))
		route_line(s, l, 0);
	else if (is(l, 0, "ipv6") && is(l, 1, "route"))
		route_line(s, l, 1);
	else if (is(l, 0, "router") && l->nwords >= 2 &&
	    (is(l, 1, "bgp") || is(l, 1, "eigrp") || is(l, 1, "ospf")))
		router_begin(s, l);
	else if (!is(l, 0, "!"))
		skipped(s, l->no);
}

/* --- checking what was read ---------------------------------------------- */

static struct sla *
route_sla(struct ios *s, const struct route *r)
{
	const struct track	*t;
	struct sla		*a;

	if ((t = find_track(s, r->track)) == NULL) {
		imp_error(s->d, r->line, "track %u is not configured",
		    r->track);
		return NULL;
	}
	if (!t->is_sla) {
		imp_error(s->d, t->line, "track %u: only 'track N ip sla M' "
		    "can be imported", t->id);
		return NULL;
	}
	if ((a = find_sla(s, t->sla)) == NULL) {
		imp_error(s->d, t->line, "track %u follows ip sla %u, which "
		    "is not configured", t->id, t->sla);
		return NULL;
	}
	return a;
}

static void
check_sla(struct ios *s, struct sla *a)
{
	char f[32], t[32];

	if (a->checked++)
		return;
	if (a->op == OP_NONE)
		imp_error(s->d, a->line, "ip sla %u has no operation: dns "
		    "NAME name-server ADDRESS or tcp-connect ADDRESS PORT",
		    a->id);
	else if (a->op == OP_OTHER)
		imp_error(s->d, a->op_line, "ip sla %u: %s has no equivalent; "
		    "anycastd probes with dns or tcp-connect", a->id,
		    a->opname);
	if (a->timeout_ms > a->freq_ms || a->timeout_ms == 0) {
		util_fmt_duration(a->timeout_ms, t, sizeof(t));
		util_fmt_duration(a->freq_ms, f, sizeof(f));
		imp_error(s->d, a->line, "ip sla %u: timeout %s must be "
		    "between 1ms and its frequency (%s)", a->id, t, f);
	}
	if (!a->scheduled)
		imp_warn(s->d, a->line, "ip sla %u has no 'ip sla schedule %u "
		    "life forever start-time now': IOS never runs it, "
		    "anycastd will", a->id, a->id);
}

static void
check_routes(struct ios *s)
{
	int i, j;

	if (s->nroute == 0 && s->d->errors == 0)
		imp_error(s->d, 0, "no tracked static route ('ip route PREFIX "
		    "MASK NEXT-HOP track N'): nothing to import");
	for (i = 0; i < s->nroute; i++) {
		struct sla *a = route_sla(s, &s->route[i]);

		for (j = 0; j < i; j++)
			if (util_addr_eq(&s->route[j].prefix.addr,
			    &s->route[i].prefix.addr) &&
			    s->route[j].prefix.len == s->route[i].prefix.len &&
			    strcmp(s->route[j].via, s->route[i].via) == 0)
				imp_error(s->d, s->route[i].line, "the route "
				    "of line %u has the same prefix and next "
				    "hop", s->route[j].line);
		if (a != NULL)
			check_sla(s, a);
	}
}

/* --- writing ------------------------------------------------------------- */

/* An address as its reverse name: IOS resolves it with PTR. */
static int
reverse_name(const char *name, char *buf, size_t len)
{
	struct addr	a;
	const uint8_t	*b;
	size_t		o = 0;
	int		i;

	if (util_parse_addr(name, &a) != 0)
		return -1;
	if (a.family == AF_INET) {
		b = (const uint8_t *)&a.u.v4;
		snprintf(buf, len, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2],
		    b[1], b[0]);
		return 0;
	}
	b = a.u.v6.s6_addr;
	for (i = 15; i >= 0 && o + 4 < len; i--)
		o += (size_t)snprintf(buf + o, len - o, "%x.%x.", b[i] & 15,
		    b[i] >> 4);
	snprintf(buf + o, len - o, "ip6.arpa");
	return 0;
}

static void
put_dns(FILE *out, const struct sla *a)
{
	char rev[128];

	if (reverse_name(a->qname, rev, sizeof(rev)) == 0)
		fprintf(out, "\t\t\tquery %s PTR;\t# IOS asks for the name of "
		    "%s\n", rev, a->qname);
	else
		fprintf(out, "\t\t\tquery %s A;\n", a->qname);
	fprintf(out, "\t\t\trecursion;\t\t# IOS sets the RD bit\n"
	    "\t\t\texpect answer;\t\t# IOS counts a name that resolved\n");
}

static void
put_timing(FILE *out, const struct sla *a, const struct track *t)
{
	uint64_t timeout = a->timeout_ms;

	if (t->state && a->has_threshold && a->threshold_ms < timeout) {
		timeout = a->threshold_ms;
		fprintf(out, "\t\t\t# track %u follows the state: a reply "
		    "later than threshold %llums is down\n", t->id,
		    (unsigned long long)a->threshold_ms);
	}
	fprintf(out, "\t\t\tinterval ");
	imp_put_duration(out, a->freq_ms);
	fprintf(out, ";\t\t# frequency %llu\n\t\t\ttimeout ",
	    (unsigned long long)(a->freq_ms / 1000));
	imp_put_duration(out, timeout);
	fprintf(out, ";\n");
	if (!t->state && a->op == OP_DNS && a->has_threshold &&
	    a->threshold_ms < timeout) {
		fprintf(out, "\t\t\t# over threshold is still up for "
		    "reachability: anycastd calls it degraded\n"
		    "\t\t\tdegraded latency ");
		imp_put_duration(out, a->threshold_ms);
		fprintf(out, ";\n");
	}
	fprintf(out, "\t\t\t# IOS acts on every probe; anycastd's defaults "
	    "(rise 3, fall 2,\n\t\t\t# re-probing every 100ms while in "
	    "doubt) ride out a lost packet\n\t\t\trise 1;\n\t\t\tfall 1;\n");
}

/* A via's check is named after its ip sla, and its via if that repeats. */
static void
put_via(struct ios *s, FILE *out, const struct route *r, int n)
{
	const struct sla	*a = route_sla(s, r);
	const struct track	*t = find_track(s, r->track);
	char			 name[32];
	int			 i;

	snprintf(name, sizeof(name), "sla%u", a->id);
	for (i = 1; i < n; i++)
		if (find_track(s, r[i - n].track)->sla == a->id)
			snprintf(name, sizeof(name), "sla%u-via%d", a->id, n);

	fprintf(out, "\t\t# line %u: %s\n", r->line, r->text);
	if (r->ifname[0])
		fprintf(out, "\t\t# IOS interface %s: add 'dev IFNAME' if the "
		    "kernel cannot reach %s\n", r->ifname, r->via);
	fprintf(out, "\t\tvia %s check %s %s {\n", r->via,
	    a->op == OP_DNS ? "dns" : "tcp", name);
	fprintf(out, "\t\t\t# ip sla %u, line %u\n", a->id, a->line);
	if (a->op == OP_DNS)
		put_dns(out, a);
	else
		fprintf(out, "\t\t\tport %llu;\n", (unsigned long long)a->port);
	if (strcmp(a->server, r->via) != 0)
		fprintf(out, "\t\t\tserver %s;\n", a->server);
	if (a->source[0])
		fprintf(out, "\t\t\tsource %s;\n", a->source);
	put_timing(out, a, t);
	fprintf(out, "\t\t};\n");
}

static void
put_delay(struct ios *s, FILE *out, const struct route *first, int nroutes)
{
	const struct track	*t = find_track(s, first->track);
	int			 i;

	for (i = 0; i < nroutes; i++) {
		const struct track *o = find_track(s, first[i].track);

		if (o->up_ms != t->up_ms || o->down_ms != t->down_ms)
			imp_warn(s->d, o->line, "track %u's delay differs from "
			    "track %u's: anycastd has one delay per service, "
			    "track %u's is used", o->id, t->id, t->id);
	}
	if (!t->has_delay)
		return;
	fprintf(out, "\t# track %u's delay (line %u)\n\tdelay up ", t->id,
	    t->line);
	imp_put_duration(out, t->up_ms);
	fprintf(out, ";\n\tdelay down ");
	imp_put_duration(out, t->down_ms);
	fprintf(out, ";\n");
}

/* Routes are sorted by prefix, so a service is a run of equal prefixes. */
static int
route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	int c = strcmp(x->prefix_s, y->prefix_s);

	return c ? c : (int)x->line - (int)y->line;
}

static void
put_service(struct ios *s, FILE *out, struct route *r, int n, int many)
{
	char	name[64], a[INET6_ADDRSTRLEN];
	int	i;

	util_fmt_addr(&r->prefix.addr, a, sizeof(a));
	if (many)
		imp_make_name(name, sizeof(name), "dns-", a);
	else
		snprintf(name, sizeof(name), "dns");
	fprintf(out, "service %s {\n\tprefix %s;\n", name, r->prefix_s);
	put_delay(s, out, r, n);
	fprintf(out, "\troute {\n");
	for (i = 0; i < n; i++)
		put_via(s, out, &r[i], i + 1);
	fprintf(out, "\t}\n}\n");
}

static void
put_redistribution(struct ios *s, FILE *out)
{
	const struct redist *r = s->nredist ? &s->redist[0] : NULL;

	fprintf(out, "#\n");
	if (r)
		fprintf(out, "# Line %u redistributes the static route into "
		    "%s %s%s%s.\n", r->line, r->proto, r->asn,
		    r->routemap[0] ? " with route-map " : "", r->routemap);
	else
		fprintf(out, "# No 'redistribute static' was read.\n");
	fprintf(out, "# anycastd keeps its routes in the kernel, protocol 53 "
	    "(anycastd);\n# let the routing daemon redistribute them:\n"
	    "#   BIRD 2: protocol kernel { learn; ipv4 { import where "
	    "krt_source = 53; export none; }; }\n"
	    "#           then export them to the protocol that carries "
	    "them\n"
	    "#   FRR:    router %s %s\n"
	    "#            redistribute kernel%s%s\n",
	    r && strcmp(r->proto, "ospf") == 0 ? "ospf" :
	    r && strcmp(r->proto, "eigrp") == 0 ? "eigrp" : "bgp",
	    r && r->asn[0] ? r->asn : "ASN",
	    r && r->routemap[0] ? " route-map " : "",
	    r ? r->routemap : "");
}

static void
put_skipped(struct ios *s, FILE *out)
{
	int i;

	for (i = 0; i < s->nnotes; i++)
		fprintf(out, "# %s\n", s->notes[i]);
	if (s->nskip == 0)
		return;
	fprintf(out, "# Not imported (not ip sla, track, tracked routes or "
	    "redistribution): line%s", s->nskip > 1 || s->skip[0][0] !=
	    s->skip[0][1] ? "s" : "");
	for (i = 0; i < s->nskip; i++) {
		fprintf(out, "%s %u", i ? "," : "", s->skip[i][0]);
		if (s->skip[i][1] != s->skip[i][0])
			fprintf(out, "-%u", s->skip[i][1]);
	}
	fprintf(out, "%s.\n", s->skip_more ? ", ..." : "");
}

static void
put_config(struct ios *s, FILE *out)
{
	int i, j, nsvc = 0;

	qsort(s->route, (size_t)s->nroute, sizeof(s->route[0]), route_cmp);
	for (i = 0; i < s->nroute; i++)
		nsvc += i == 0 || strcmp(s->route[i].prefix_s,
		    s->route[i - 1].prefix_s) != 0;
	fprintf(out, "# anycastd.conf imported from %s by 'anycastd import "
	    "ios'.\n# Router mode, as on IOS: a kernel route to each tracked "
	    "prefix, over\n# the next hops whose probes pass.  Check it with "
	    "'anycastd -t -v -c FILE'.\n", s->d->file);
	put_redistribution(s, out);
	put_skipped(s, out);
	for (i = 0; i < s->nroute; i = j) {
		for (j = i + 1; j < s->nroute; j++)
			if (strcmp(s->route[j].prefix_s,
			    s->route[i].prefix_s) != 0)
				break;
		fprintf(out, "\n");
		put_service(s, out, &s->route[i], j - i, nsvc > 1);
	}
}

int
import_ios(FILE *in, FILE *out, struct imp_diag *d)
{
	struct ios	*s = xcalloc(1, sizeof(*s));
	struct imp_line	 l = { 0 };
	int		 rc;

	s->d = d;
	while ((rc = imp_read_line(in, &l, 0, d)) != 0)
		if (rc == 1)
			ios_line(s, &l);
	check_routes(s);
	if (d->errors == 0)
		put_config(s, out);
	free(s);
	return d->errors ? -1 : 0;
}
