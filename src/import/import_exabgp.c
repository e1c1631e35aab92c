/* SPDX-License-Identifier: ISC */
/*
 * anycastd import exabgp-healthcheck: an exabgp.conf whose process runs
 * ExaBGP's healthcheck, into host mode.  The neighbor blocks become bgp
 * blocks; each healthcheck process becomes a service, its options read
 * from its run line (and from the file its --config names).
 *
 * Where the two differ, the output says so in a comment: a command's
 * non-zero exit is a failure for healthcheck, as with `exit-codes
 * zero-ok`, where 1 is "degraded" by default; healthcheck keeps
 * announcing a down service with its down metric unless
 * --withdraw-on-down, where anycastd withdraws it, as anycast needs.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "import/import.h"
#include "sys/util.h"

#define MAXTOK		4096
#define MAXNB		32
#define MAXPROC		32
#define MAXARGS		128
#define MAXIP		32

struct tok {
	char		*s;
	unsigned	 line;
};

struct neighbor {
	unsigned	 line;
	char		 addr[64], router_id[64], local_addr[64];
	char		 local_as[16], peer_as[16], hold[16], password[128];
	int		 v4, v6;
	char		 procs[256];	/* api processes, space separated */
	char		 name[64];
	char		 nh4[64], nh6[64];	/* from --next-hop */
};

struct hc {			/* one healthcheck's options */
	unsigned	 line;
	char		 proc[64];
	const char	*arg[MAXARGS];
	int		 narg;
};

struct exa {
	struct imp_diag	*d;
	struct tok	 t[MAXTOK];
	int		 nt, pos;
	struct neighbor	 nb[MAXNB];
	int		 nnb;
	struct hc	 hc[MAXPROC];
	int		 nhc;
	char		*text;		/* the input */
	char		*tok;		/* the tokens, each NUL-ended */
	char		*extra[MAXPROC];	/* --config files read */
	int		 nextra;
	const char	*dir;		/* of the input, for --config */
};

/* --- tokens: words, strings, { } ; [ ], # comments ---------------------- */

static void
add_tok(struct exa *x, char *s, unsigned line)
{
	if (x->nt == MAXTOK) {
		if (x->nt++ == MAXTOK)
			imp_error(x->d, line, "more than %d words", MAXTOK);
		return;
	}
	x->t[x->nt].s = s;
	x->t[x->nt++].line = line;
}

/*
 * Tokens are copied into x->tok, each ended by a NUL, so that a word
 * glued to its ';' still makes two tokens.  Quotes are removed; what they
 * hold stays one word.
 */
static void
tokenize(struct exa *x, const char *p)
{
	unsigned	 line = 1;
	char		*o = x->tok;

	while (*p) {
		if (*p == '\n')
			line++;
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#') {
			while (*p && *p != '\n')
				p++;
		} else if (strchr("{};[]", *p)) {
			add_tok(x, o, line);
			*o++ = *p++;
			*o++ = '\0';
		} else {
			add_tok(x, o, line);
			while (*p && !isspace((unsigned char)*p) &&
			    !strchr("{};[]#", *p)) {
				char q = *p;

				if (q != '"' && q != '\'') {
					*o++ = *p++;
					continue;
				}
				for (p++; *p && *p != q; p++) {
					line += *p == '\n';
					*o++ = *p;
				}
				if (*p == '\0') {
					imp_error(x->d, line, "unterminated "
					    "quote");
					break;
				}
				p++;
			}
			*o++ = '\0';
		}
	}
}

static const char *
peek(struct exa *x, int off)
{
	return x->pos + off < x->nt ? x->t[x->pos + off].s : NULL;
}

static unsigned
line_at(struct exa *x)
{
	return x->t[x->pos < x->nt ? x->pos : x->nt - 1].line;
}

/* Skip a statement or a block, whichever comes first. */
static void
skip_statement(struct exa *x)
{
	int depth = 0;

	for (; x->pos < x->nt; x->pos++) {
		const char *s = x->t[x->pos].s;

		if (strcmp(s, "{") == 0)
			depth++;
		else if (strcmp(s, "}") == 0 && --depth <= 0) {
			x->pos++;
			return;
		} else if (strcmp(s, ";") == 0 && depth == 0) {
			x->pos++;
			return;
		}
	}
}

/* The words of a statement up to ';', copied space-separated. */
static void
statement_value(struct exa *x, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (x->pos++; x->pos < x->nt && strcmp(x->t[x->pos].s, ";") != 0;
	    x->pos++) {
		const char *s = x->t[x->pos].s;

		if (strcmp(s, "[") == 0 || strcmp(s, "]") == 0)
			continue;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    o ? " " : "", s);
	}
	x->pos++;
}

/* --- process NAME { run ...; } ------------------------------------------ */

static int is_healthcheck(const char *);

static void
read_process(struct exa *x)
{
	struct hc	*h;
	const char	*name = peek(x, 1);
	int		 i;

	if (name == NULL || strcmp(peek(x, 2) ? peek(x, 2) : "", "{") != 0) {
		skip_statement(x);
		return;
	}
	x->pos += 3;
	while (x->pos < x->nt && strcmp(x->t[x->pos].s, "}") != 0) {
		if (strcmp(x->t[x->pos].s, "run") != 0) {
			skip_statement(x);
			continue;
		}
		if (x->nhc == MAXPROC) {
			imp_error(x->d, line_at(x), "more than %d processes",
			    MAXPROC);
			skip_statement(x);
			continue;
		}
		h = &x->hc[x->nhc];
		memset(h, 0, sizeof(*h));
		h->line = line_at(x);
		snprintf(h->proc, sizeof(h->proc), "%s", name);
		for (i = x->pos + 1; i < x->nt && strcmp(x->t[i].s, ";"); i++)
			if (is_healthcheck(x->t[i].s))
				break;
		if (i < x->nt && strcmp(x->t[i].s, ";") != 0) {
			for (i++; i < x->nt && strcmp(x->t[i].s, ";") &&
			    h->narg < MAXARGS; i++)
				h->arg[h->narg++] = x->t[i].s;
			x->nhc++;
		} else
			imp_warn(x->d, h->line, "process %s does not run "
			    "ExaBGP's healthcheck: not imported", name);
		skip_statement(x);
	}
	x->pos++;
}

static int
is_healthcheck(const char *s)
{
	return strstr(s, "healthcheck") != NULL;
}

/* --- neighbor ADDR { ... } ---------------------------------------------- */

static void
nb_statement(struct exa *x, struct neighbor *n)
{
	const char	*k = peek(x, 0);
	char		 v[256];

	if (strcmp(k, "family") == 0 || strcmp(k, "api") == 0 ||
	    strcmp(k, "capability") == 0) {
		int depth = 0;

		for (; x->pos < x->nt; x->pos++) {
			const char *s = x->t[x->pos].s;

			if (strcmp(s, "{") == 0)
				depth++;
			else if (strcmp(s, "}") == 0 && --depth == 0)
				break;
			else if (strcmp(s, "ipv4") == 0)
				n->v4 = 1;
			else if (strcmp(s, "ipv6") == 0)
				n->v6 = 1;
			else if (strcmp(k, "api") == 0 && depth > 0 &&
			    strcmp(s, "processes") && strcmp(s, "[") &&
			    strcmp(s, "]") && strcmp(s, ";") &&
			    strlen(n->procs) + strlen(s) + 2 <
			    sizeof(n->procs)) {
				strcat(n->procs, " ");
				strcat(n->procs, s);
			}
		}
		x->pos++;
		return;
	}
	if (strcmp(k, "process") == 0) {	/* ExaBGP 3: inside */
		read_process(x);
		if (x->nhc > 0 && strlen(n->procs) + 66 < sizeof(n->procs)) {
			strcat(n->procs, " ");
			strcat(n->procs, x->hc[x->nhc - 1].proc);
		}
		return;
	}
	statement_value(x, v, sizeof(v));
	if (strcmp(k, "router-id") == 0)
		snprintf(n->router_id, sizeof(n->router_id), "%s", v);
	else if (strcmp(k, "local-address") == 0)
		snprintf(n->local_addr, sizeof(n->local_addr), "%s", v);
	else if (strcmp(k, "local-as") == 0)
		snprintf(n->local_as, sizeof(n->local_as), "%s", v);
	else if (strcmp(k, "peer-as") == 0)
		snprintf(n->peer_as, sizeof(n->peer_as), "%s", v);
	else if (strcmp(k, "hold-time") == 0)
		snprintf(n->hold, sizeof(n->hold), "%s", v);
	else if (strcmp(k, "md5-password") == 0 || strcmp(k, "md5") == 0)
		snprintf(n->password, sizeof(n->password), "%s", v);
}

static void
read_neighbor(struct exa *x)
{
	struct neighbor	*n;
	const char	*addr = peek(x, 1);
	struct addr	 a;

	if (addr == NULL || peek(x, 2) == NULL || strcmp(peek(x, 2), "{")) {
		skip_statement(x);
		return;
	}
	if (x->nnb == MAXNB || util_parse_addr(addr, &a) != 0) {
		imp_error(x->d, line_at(x), x->nnb == MAXNB ? "more than %d "
		    "neighbors" : "neighbor needs an address", MAXNB);
		skip_statement(x);
		return;
	}
	n = &x->nb[x->nnb++];
	memset(n, 0, sizeof(*n));
	n->line = line_at(x);
	util_fmt_addr(&a, n->addr, sizeof(n->addr));
	x->pos += 3;
	while (x->pos < x->nt && strcmp(x->t[x->pos].s, "}") != 0)
		nb_statement(x, n);
	x->pos++;
}

static void
read_config(struct exa *x)
{
	while (x->pos < x->nt) {
		const char *k = x->t[x->pos].s;

		if (strcmp(k, "neighbor") == 0)
			read_neighbor(x);
		else if (strcmp(k, "process") == 0)
			read_process(x);
		else if (strcmp(k, "template") == 0 ||
		    strcmp(k, "group") == 0) {
			imp_warn(x->d, line_at(x), "%s blocks are not "
			    "imported: write their settings in the neighbor",
			    k);
			skip_statement(x);
		} else
			skip_statement(x);
	}
}

/* --- healthcheck options ------------------------------------------------- */

/* The value of option name (last one wins), or NULL; flags give "". */
static const char *
opt(const struct hc *h, const char *name)
{
	const char	*v = NULL;
	size_t		 n = strlen(name);
	int		 i;

	for (i = 0; i < h->narg; i++) {
		const char *a = h->arg[i];

		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
			continue;
		if (a[2 + n] == '=')
			v = a + 3 + n;
		else if (a[2 + n] == '\0')
			v = i + 1 < h->narg && strncmp(h->arg[i + 1], "--", 2) ?
			    h->arg[i + 1] : "";
	}
	return v;
}

static uint64_t
opt_ms(struct exa *x, const struct hc *h, const char *name, uint64_t def)
{
	const char	*v = opt(h, name);
	uint64_t	 ms;

	if (v == NULL)
		return def;
	if (imp_seconds(v, &ms) != 0) {
		imp_error(x->d, h->line, "--%s needs seconds, not '%s'", name,
		    v);
		return def;
	}
	return ms;
}

static uint64_t
opt_count(struct exa *x, const struct hc *h, const char *name, uint64_t def)
{
	const char	*v = opt(h, name);
	uint64_t	 n;

	if (v == NULL)
		return def;
	if (imp_uint(v, 1, 100, &n) != 0) {
		imp_error(x->d, h->line, "--%s needs a number from 1 to 100, "
		    "not '%s'", name, v);
		return def;
	}
	return n;
}

/*
 * A --config file: "name = value" or "name" lines, '#' comments; its
 * options come before those of the command line, which win.
 */
static void
read_hc_config(struct exa *x, struct hc *h, const char *path)
{
	char		 full[4096], why[128], *line, *save, *text;
	const char	*old[MAXARGS];
	int		 nold = h->narg, i;
	FILE		*f;
	size_t		 len = 0;

	snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : x->dir,
	    path[0] == '/' ? "" : "/", path);
	if ((f = imp_open_regular(full, why, sizeof(why))) == NULL) {
		imp_error(x->d, h->line, "--config %s: %s", full, why);
		return;
	}
	text = xmalloc(65536);
	len = fread(text, 1, 65535, f);
	text[len] = '\0';
	fclose(f);
	if (x->nextra == MAXPROC) {
		free(text);
		return;
	}
	x->extra[x->nextra++] = text;
	memcpy(old, h->arg, sizeof(old[0]) * (size_t)nold);
	h->narg = 0;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *k = line, *v, *e;

		if ((e = strchr(k, '#')) != NULL)
			*e = '\0';
		while (isspace((unsigned char)*k))
			k++;
		if (*k == '\0' || h->narg + 2 >= MAXARGS - nold)
			continue;
		v = k + strcspn(k, "= \t");
		if (*v != '\0') {
			*v++ = '\0';
			v += strspn(v, "= \t");
		}
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		/* "--" in front, in the storage the name already has. */
		if (k - 2 >= text && k[-1] != '\0') {
			k -= 2;
			k[0] = k[1] = '-';
		} else {
			char *copy = xmalloc(strlen(k) + 3);

			snprintf(copy, strlen(k) + 3, "--%s", k);
			if (x->nextra < MAXPROC)
				x->extra[x->nextra++] = copy;
			else
				free(copy);
			k = copy;
		}
		h->arg[h->narg++] = k;
		if (*v)
			h->arg[h->narg++] = v;
	}
	for (i = 0; i < nold; i++)
		h->arg[h->narg++] = old[i];
}

/* --- writing -------------------------------------------------------------- */

static void
put_neighbor(FILE *out, struct neighbor *n)
{
	imp_make_name(n->name, sizeof(n->name), "exabgp-", n->addr);
	fprintf(out, "\n# neighbor %s (line %u)\nbgp %s {\n\tlocal as %s;\n"
	    "\tneighbor %s as %s;\n", n->addr, n->line, n->name, n->local_as,
	    n->addr, n->peer_as);
	if (n->local_addr[0])
		fprintf(out, "\tsource %s;\n", n->local_addr);
	if (n->router_id[0])
		fprintf(out, "\trouter-id %s;\n", n->router_id);
	if (n->hold[0])
		fprintf(out, "\thold time %ss;\n", n->hold);
	if (n->password[0]) {
		fprintf(out, "\tpassword ");
		imp_put_string(out, n->password);
		fprintf(out, ";\n");
	}
	if (n->nh4[0])
		fprintf(out, "\tnext-hop %s;\n", n->nh4);
	if (n->nh6[0])
		fprintf(out, "\tnext-hop %s;\n", n->nh6);
	if (n->v4 != n->v6)
		fprintf(out, "\taddress-family %s;\n", n->v4 ? "ipv4" : "ipv6");
	fprintf(out, "}\n");
}

static int
check_neighbor(struct exa *x, const struct neighbor *n)
{
	uint64_t v;

	if (imp_uint(n->local_as, 1, 4294967295u, &v) != 0 ||
	    imp_uint(n->peer_as, 1, 4294967295u, &v) != 0) {
		imp_error(x->d, n->line, "neighbor %s needs local-as and "
		    "peer-as", n->addr);
		return -1;
	}
	if (n->hold[0] && (imp_uint(n->hold, 0, 65535, &v) != 0 ||
	    (v > 0 && v < 3))) {
		imp_error(x->d, n->line, "neighbor %s: hold-time %s is not 0 "
		    "or 3 to 65535", n->addr, n->hold);
		return -1;
	}
	return 0;
}

/* A dig or kdig query that a dns check asks the same way, or -1. */
struct digq {
	const char	*server, *name, *type;
	int		 tcp, norec, dnssec;
	uint64_t	 port;
};

/* A query name the config takes as a word: a DNS name's characters. */
static int
name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_*");

	return s[n] == '\0' && n > 0 && n < 254;
}

static int
parse_dig(const char *cmd, struct digq *q, char *buf, size_t len)
{
	char	*w[32], *base;
	int	 n, i;

	snprintf(buf, len, "%s", cmd);
	if (strpbrk(buf, "|&;<>$`()") != NULL ||
	    (n = imp_split_shell(buf, w, 32)) < 2)
		return -1;
	base = strrchr(w[0], '/') ? strrchr(w[0], '/') + 1 : w[0];
	if (strcmp(base, "dig") != 0 && strcmp(base, "kdig") != 0)
		return -1;
	memset(q, 0, sizeof(*q));
	q->port = 53;
	for (i = 1; i < n; i++) {
		struct addr a;

		if (w[i][0] == '@' && util_parse_addr(w[i] + 1, &a) == 0)
			q->server = w[i] + 1;
		else if (strcmp(w[i], "-p") == 0 && i + 1 < n) {
			if (imp_uint(w[++i], 1, 65535, &q->port) != 0)
				return -1;
		} else if (strcmp(w[i], "+tcp") == 0 ||
		    strcmp(w[i], "+vc") == 0)
			q->tcp = 1;
		else if (strncmp(w[i], "+norec", 6) == 0)
			q->norec = 1;
		else if (strcmp(w[i], "+dnssec") == 0)
			q->dnssec = 1;
		else if (w[i][0] == '+')
			continue;	/* output and retry options */
		else if (w[i][0] == '-')
			return -1;
		else if (q->name == NULL)
			q->name = w[i];
		else if (q->type == NULL)
			q->type = w[i];
		else
			return -1;
	}
	if (q->type && ldns_get_rr_type_by_name(q->type) == 0)
		return -1;
	return q->server && q->name && name_ok(q->name) ? 0 : -1;
}

static void
put_check(struct exa *x, FILE *out, const struct hc *h)
{
	const char	*cmd = opt(h, "cmd");
	struct digq	 q;
	char		 buf[1024];
	uint64_t	 interval = opt_ms(x, h, "interval", 5000);
	uint64_t	 fast = opt_ms(x, h, "fast-interval", 1000);
	uint64_t	 timeout = opt_ms(x, h, "timeout", 5000);

	if (cmd == NULL || *cmd == '\0') {
		fprintf(out, "\t# healthcheck without --cmd is always up; so "
		    "is this check\n\tcheck exec {\n\t\tcommand \"/bin/true\";"
		    "\n");
	} else if (parse_dig(cmd, &q, buf, sizeof(buf)) == 0) {
		fprintf(out, "\t# --cmd ");
		imp_put_string(out, cmd);
		fprintf(out, "\n\t# asked by anycastd itself; dig exits 0 "
		    "whatever the rcode, this check\n\t# wants NOERROR\n"
		    "\tcheck dns {\n\t\tquery %s %s;\n\t\tserver %s;\n",
		    q.name, q.type ? q.type : "A", q.server);
		if (q.port != 53)
			fprintf(out, "\t\tport %llu;\n",
			    (unsigned long long)q.port);
		if (!q.norec)
			fprintf(out, "\t\trecursion;\t# dig sets the RD bit\n");
		if (q.tcp)
			fprintf(out, "\t\ttcp;\n");
		if (q.dnssec)
			fprintf(out, "\t\tdnssec;\n");
	} else {
		fprintf(out, "\t# healthcheck runs the command with a shell and "
		    "fails on any\n\t# non-zero exit: exit-codes zero-ok\n"
		    "\tcheck exec {\n\t\tcommand \"/bin/sh\" \"-c\" ");
		imp_put_string(out, cmd);
		fprintf(out, ";\n\t\texit-codes zero-ok;\n");
	}
	if (timeout > interval)
		timeout = interval;
	if (fast > interval)
		fast = interval;
	imp_put_timers(out, interval, fast, timeout,
	    opt_count(x, h, "rise", 3), opt_count(x, h, "fall", 3));
	fprintf(out, "\t}\n");
}

static void
put_prefixes(struct exa *x, FILE *out, const struct hc *h)
{
	struct prefix	 p;
	char		 a[INET6_ADDRSTRLEN];
	int		 i, n = 0;

	for (i = 0; i < h->narg; i++) {
		const char *v = h->arg[i + 1];

		if (strcmp(h->arg[i], "--ip") != 0 || i + 1 == h->narg)
			continue;
		if (util_parse_prefix(v, &p) != 0) {
			imp_error(x->d, h->line, "--ip %s is not an address "
			    "or prefix", v);
			continue;
		}
		util_fmt_addr(&p.addr, a, sizeof(a));
		fprintf(out, "\tprefix %s/%u;\n", a, p.len);
		n++;
	}
	if (n == 0)
		imp_error(x->d, h->line, "process %s: healthcheck has no --ip: "
		    "nothing to announce", h->proc);
}

static void
put_address(FILE *out, const struct hc *h)
{
	const char *lo = opt(h, "loopback");

	if (lo == NULL || *lo == '\0')
		lo = "lo";
	if (opt(h, "no-ip-setup"))
		fprintf(out, "\t# --no-ip-setup: the addresses are set up "
		    "by someone else\n");
	else
		fprintf(out, "\taddress %s%s;\n", lo,
		    opt(h, "dynamic-ip-setup") ? " dynamic" : "");
}

static void
put_disable(FILE *out, const struct hc *h)
{
	const char *file = opt(h, "disable");

	if (file == NULL || *file != '/')
		return;
	fprintf(out, "\t# --disable: while the file exists, the service "
	    "drains (withdrawn\n\t# after drain time) instead of being "
	    "announced with the disabled metric\n"
	    "\tcheck file disabled {\n\t\tpath ");
	imp_put_string(out, file);
	fprintf(out, ";\n\t}\n");
}

/* The hook runs what --up-execute and the others named, by state. */
static void
put_hook(FILE *out, const struct hc *h)
{
	static const char *const names[] = {
		"up-execute", "down-execute", "disabled-execute", "execute" };
	const char	*cmd[4];
	size_t		 i, any = 0;

	for (i = 0; i < nitems(names); i++) {
		cmd[i] = opt(h, names[i]);
		any += cmd[i] != NULL && *cmd[i] != '\0';
	}
	if (!any)
		return;
	fprintf(out, "\t# --up-execute, --down-execute, --disabled-execute, "
	    "--execute\n\thook \"/bin/sh\" \"-c\" \"case $STATE in "
	    "up|degraded) eval \\\"$1\\\";; down) eval \\\"$2\\\";; "
	    "draining|disabled) eval \\\"$3\\\";; esac; eval \\\"$4\\\"\" "
	    "\"hook\"");
	for (i = 0; i < nitems(names); i++) {
		fputc(' ', out);
		imp_put_string(out, cmd[i] ? cmd[i] : "");
	}
	fprintf(out, ";\n");
}

/* "A:B ..." (parts 2) or "A:B:C ..." (parts 3), each part within max. */
static int
communities_ok(const char *list, int parts, uint64_t max)
{
	char	 buf[1024], *w, *save, *p, *colon;
	int	 i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, " \t[]", &save); w;
	    w = strtok_r(NULL, " \t[]", &save)) {
		uint64_t v;

		for (p = w, i = 0; i < parts; i++, p = colon + 1) {
			colon = strchr(p, ':');
			if ((colon == NULL) != (i == parts - 1))
				return 0;
			if (colon)
				*colon = '\0';
			if (imp_uint(p, 0, max, &v) != 0)
				return 0;
			if (colon == NULL)
				break;
		}
	}
	return 1;
}

static void
put_attributes(struct exa *x, FILE *out, const struct hc *h)
{
	const char	*v;
	uint64_t	 n;

	if ((v = opt(h, "community")) != NULL && *v) {
		if (!communities_ok(v, 2, 65535))
			imp_error(x->d, h->line, "--community %s: each "
			    "community is AS:VALUE, two numbers to 65535", v);
		fprintf(out, "\t\tcommunity %s;\n", v);
	}
	if ((v = opt(h, "large-community")) != NULL && *v) {
		if (!communities_ok(v, 3, 4294967295u))
			imp_error(x->d, h->line, "--large-community %s: each "
			    "is GLOBAL:LOCAL1:LOCAL2", v);
		fprintf(out, "\t\tlarge-community %s;\n", v);
	}
	if ((v = opt(h, "local-preference")) != NULL &&
	    imp_uint(v, 0, 4294967295u, &n) == 0)
		fprintf(out, "\t\tlocal-pref %llu;\n", (unsigned long long)n);
	if ((v = opt(h, "up-metric")) != NULL) {
		if (imp_uint(v, 0, 4294967295u, &n) != 0)
			imp_error(x->d, h->line, "--up-metric needs a number");
		else
			fprintf(out, "\t\tmed %llu;\n", (unsigned long long)n);
	}
	if ((v = opt(h, "disabled-metric")) != NULL &&
	    imp_uint(v, 0, 4294967295u, &n) == 0)
		fprintf(out, "\t\tdraining { med %llu; }\n",
		    (unsigned long long)n);
}

/*
 * Whether process h announces to neighbour n: those whose api names it,
 * or every neighbour when none names it.
 */
static int
announces_to(const struct exa *x, const struct hc *h, const struct neighbor *n)
{
	char	 want[80], have[300];
	int	 i, named = 0;

	snprintf(want, sizeof(want), " %s ", h->proc);
	for (i = 0; i < x->nnb; i++) {
		snprintf(have, sizeof(have), "%s ", x->nb[i].procs);
		named += strstr(have, want) != NULL;
	}
	snprintf(have, sizeof(have), "%s ", n->procs);
	return !named || strstr(have, want) != NULL;
}

/* --next-hop goes to the bgp blocks of the neighbours the process uses. */
static void
assign_next_hops(struct exa *x)
{
	struct addr	 a;
	char		 buf[INET6_ADDRSTRLEN];
	int		 i, j;

	for (i = 0; i < x->nhc; i++) {
		const char *v = opt(&x->hc[i], "next-hop");

		if (v == NULL || strcmp(v, "self") == 0)
			continue;
		if (util_parse_addr(v, &a) != 0) {
			imp_error(x->d, x->hc[i].line, "--next-hop %s is not "
			    "an address", v);
			continue;
		}
		util_fmt_addr(&a, buf, sizeof(buf));
		for (j = 0; j < x->nnb; j++)
			if (announces_to(x, &x->hc[i], &x->nb[j]))
				snprintf(a.family == AF_INET ? x->nb[j].nh4 :
				    x->nb[j].nh6, sizeof(x->nb[j].nh4), "%s",
				    buf);
	}
}

/* An IPv6 prefix over an IPv4 session needs an IPv6 next hop, and back. */
static void
check_families(struct exa *x, const struct hc *h, const struct neighbor *n)
{
	struct prefix	 p;
	int		 i, nb6 = strchr(n->addr, ':') != NULL;

	for (i = 0; i + 1 < h->narg; i++) {
		if (strcmp(h->arg[i], "--ip") != 0 ||
		    util_parse_prefix(h->arg[i + 1], &p) != 0)
			continue;
		if ((p.addr.family == AF_INET6) != nb6 &&
		    (nb6 ? n->nh4 : n->nh6)[0] == '\0')
			imp_error(x->d, h->line, "--ip %s over the IPv%d "
			    "session to %s needs an IPv%d --next-hop",
			    h->arg[i + 1], nb6 ? 6 : 4, n->addr, nb6 ? 4 : 6);
	}
}

static void
put_announce(struct exa *x, FILE *out, const struct hc *h)
{
	int i;

	if (opt(h, "as-path"))
		fprintf(out, "\t# --as-path %s: use prepend in the announce "
		    "block for the copies of the local AS\n",
		    opt(h, "as-path"));
	if (opt(h, "extended-community"))
		fprintf(out, "\t# --extended-community has no equivalent\n");
	for (i = 0; i < x->nnb; i++) {
		if (!announces_to(x, h, &x->nb[i]))
			continue;
		check_families(x, h, &x->nb[i]);
		fprintf(out, "\tannounce %s {\n", x->nb[i].name);
		put_attributes(x, out, h);
		fprintf(out, "\t}\n");
	}
}

static void
put_service(struct exa *x, FILE *out, const struct hc *h)
{
	char		 name[64];
	const char	*v = opt(h, "name");

	imp_make_name(name, sizeof(name), "", v && *v ? v : h->proc);
	fprintf(out, "\n# process %s (line %u): healthcheck", h->proc,
	    h->line);
	if (!opt(h, "withdraw-on-down"))
		fprintf(out, " without --withdraw-on-down keeps\n# a down "
		    "service announced with MED %s; anycastd withdraws it,\n"
		    "# which is what moves anycast traffic (a MED only ranks "
		    "routes\n# from one neighbouring AS)",
		    opt(h, "down-metric") ? opt(h, "down-metric") : "1000");
	fprintf(out, "\nservice %s {\n", name);
	put_prefixes(x, out, h);
	put_address(out, h);
	put_check(x, out, h);
	put_disable(out, h);
	put_hook(out, h);
	put_announce(x, out, h);
	fprintf(out, "}\n");
}

static void
put_config(struct exa *x, FILE *out)
{
	const char	*rid = NULL;
	int		 i;

	for (i = 0; i < x->nnb; i++)
		if (check_neighbor(x, &x->nb[i]) == 0 && rid == NULL &&
		    x->nb[i].router_id[0])
			rid = x->nb[i].router_id;
	if (rid == NULL)
		for (i = 0; i < x->nnb && rid == NULL; i++)
			if (strchr(x->nb[i].local_addr, '.'))
				rid = x->nb[i].local_addr;
	fprintf(out, "# anycastd.conf imported from %s by 'anycastd import "
	    "exabgp-healthcheck'.\n# Host mode: anycastd probes the service "
	    "and announces it over its own\n# BGP sessions, in place of "
	    "ExaBGP and its healthcheck.\n", x->d->file);
	if (rid)
		fprintf(out, "router-id %s;\n", rid);
	for (i = 0; i < x->nhc; i++) {
		const char *cfg = opt(&x->hc[i], "config");

		if (cfg && *cfg)
			read_hc_config(x, &x->hc[i], cfg);
	}
	assign_next_hops(x);
	for (i = 0; i < x->nnb; i++)
		put_neighbor(out, &x->nb[i]);
	for (i = 0; i < x->nhc; i++)
		put_service(x, out, &x->hc[i]);
}

int
import_exabgp(FILE *in, FILE *out, struct imp_diag *d)
{
	struct exa	*x = xcalloc(1, sizeof(*x));
	char		*dir, *path = xstrdup(d->file);
	size_t		 len = 0, cap = 65536;
	int		 i;

	x->d = d;
	x->text = xmalloc(cap);
	while (!feof(in) && !ferror(in)) {
		if (len + 1 >= cap)
			x->text = xreallocarray(x->text, cap *= 2, 1);
		len += fread(x->text + len, 1, cap - len - 1, in);
		if (len > 16 * 1024 * 1024) {
			imp_error(d, 0, "larger than 16 MB");
			break;
		}
	}
	x->text[len] = '\0';
	if (memchr(x->text, '\0', len) != NULL)
		imp_error(d, 0, "NUL byte in the file");
	dir = dirname(path);
	x->dir = dir;
	if (d->errors == 0) {
		x->tok = xmalloc(2 * len + 2);
		tokenize(x, x->text);
		read_config(x);
	}
	if (d->errors == 0 && x->nnb == 0)
		imp_error(d, 0, "no ExaBGP neighbor block: give the exabgp.conf "
		    "whose process runs the healthcheck, with the neighbor it "
		    "announces to");
	if (d->errors == 0 && x->nhc == 0)
		imp_error(d, 0, "no process runs ExaBGP's healthcheck "
		    "(process NAME { run ... healthcheck ...; })");
	if (d->errors == 0)
		put_config(x, out);
	for (i = 0; i < x->nextra; i++)
		free(x->extra[i]);
	free(x->text);
	free(x->tok);
	free(path);
	free(x);
	return d->errors ? -1 : 0;
}
