/* SPDX-License-Identifier: ISC */
/*
 * anycastd import anycast-healthchecker: its INI files (the daemon's and
 * the services', concatenated) into host mode.  Each service section
 * becomes a service with an exec check; the prefixes, which
 * anycast-healthchecker hands to BIRD through a prefix list, are announced
 * over anycastd's own BGP session instead.  That neighbour is not in these
 * files: the output has a bgp block to edit, and says so.
 *
 * The defaults are anycast-healthchecker's: interface lo, check_interval
 * 10, check_timeout 2, check_rise 2, check_fail 2, check_disabled true,
 * on_disabled withdraw, ip_check_disabled false; [daemon] ipv4 true,
 * ipv6 false.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "sys/log.h"
#include "sys/util.h"

#define MAXSEC	256
#define MAXKEY	32

struct kv {
	char		 key[64];
	char		 val[1024];
	unsigned	 line;
};

struct section {
	char		 name[128];
	unsigned	 line;
	struct kv	 kv[MAXKEY];
	int		 nkv;
};

struct ahc {
	struct imp_diag	*d;
	struct section	 sec[MAXSEC];	/* [0] is DEFAULT */
	int		 nsec;
	int		 v6_used;	/* IPv6 over the IPv4 session */
};

static struct section *
section(struct ahc *a, const char *name, unsigned line)
{
	struct section	*s;
	int		 i;

	for (i = 0; i < a->nsec; i++)
		if (strcmp(a->sec[i].name, name) == 0)
			return &a->sec[i];
	if (a->nsec == MAXSEC) {
		imp_error(a->d, line, "more than %d sections", MAXSEC);
		return NULL;
	}
	s = &a->sec[a->nsec++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = line;
	return s;
}

static void
set(struct ahc *a, struct section *s, const char *k, const char *v,
    unsigned line)
{
	int i;

	for (i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, k) == 0)
			break;
	if (i == MAXKEY) {
		imp_error(a->d, line, "more than %d keys in [%s]", MAXKEY,
		    s->name);
		return;
	}
	if (i == s->nkv)
		s->nkv++;
	snprintf(s->kv[i].key, sizeof(s->kv[i].key), "%s", k);
	snprintf(s->kv[i].val, sizeof(s->kv[i].val), "%s", v);
	s->kv[i].line = line;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); )
		*--e = '\0';
	return s;
}

static void
read_ini(struct ahc *a, FILE *in)
{
	struct imp_line	 l = { 0 };
	struct section	*cur = NULL;
	char		 raw[1024];
	int		 rc;

	section(a, "DEFAULT", 0);
	/* imp_read_line splits words; INI wants the raw line. */
	while (fgets(raw, sizeof(raw), in) != NULL) {
		char *p, *eq;

		l.no++;
		if (strchr(raw, '\n') == NULL && !feof(in)) {
			imp_error(a->d, l.no, "line longer than %zu bytes",
			    sizeof(raw) - 2);
			while ((rc = fgetc(in)) != EOF && rc != '\n')
				;
			continue;
		}
		p = trim(raw);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			char *e = strchr(p, ']');

			if (e == NULL || e[1] != '\0' || e == p + 1) {
				imp_error(a->d, l.no, "a section header is "
				    "[name]");
				continue;
			}
			*e = '\0';
			cur = section(a, trim(p + 1), l.no);
			continue;
		}
		eq = p + strcspn(p, "=:");
		if (*eq == '\0' || cur == NULL) {
			imp_error(a->d, l.no, cur ? "expected 'key = value'" :
			    "'key = value' before any [section]");
			continue;
		}
		*eq = '\0';
		set(a, cur, trim(p), trim(eq + 1), l.no);
	}
}

/* A key of a section, else of [DEFAULT], else def. */
static const struct kv *
get_kv(struct ahc *a, const struct section *s, const char *k)
{
	int i, j;

	for (j = 0; j < 2; j++) {
		const struct section *t = j ? &a->sec[0] : s;

		for (i = 0; i < t->nkv; i++)
			if (strcmp(t->kv[i].key, k) == 0)
				return &t->kv[i];
	}
	return NULL;
}

static const char *
get(struct ahc *a, const struct section *s, const char *k, const char *def)
{
	const struct kv *kv = get_kv(a, s, k);

	return kv ? kv->val : def;
}

static int
boolean(struct ahc *a, const struct section *s, const char *k, int def)
{
	const struct kv	*kv = get_kv(a, s, k);
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t		 i;

	if (kv == NULL)
		return def;
	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(kv->val, yes[i]) == 0)
			return 1;
		if (strcasecmp(kv->val, no[i]) == 0)
			return 0;
	}
	imp_error(a->d, kv->line, "%s needs true or false, not '%s'", k,
	    kv->val);
	return def;
}

static uint64_t
seconds(struct ahc *a, const struct section *s, const char *k, uint64_t def)
{
	const struct kv	*kv = get_kv(a, s, k);
	uint64_t	 ms;

	if (kv == NULL)
		return def * 1000;
	if (imp_seconds(kv->val, &ms) != 0) {
		imp_error(a->d, kv->line, "%s needs seconds, not '%s'", k,
		    kv->val);
		return def * 1000;
	}
	return ms;
}

static uint64_t
count(struct ahc *a, const struct section *s, const char *k, uint64_t def)
{
	const struct kv	*kv = get_kv(a, s, k);
	uint64_t	 n;

	if (kv == NULL)
		return def;
	if (imp_uint(kv->val, 1, 100, &n) != 0) {
		imp_error(a->d, kv->line, "%s needs a number from 1 to 100, "
		    "not '%s'", k, kv->val);
		return def;
	}
	return n;
}

/* The command, split as anycast-healthchecker does (shlex), unshelled. */
static void
put_command(struct ahc *a, FILE *out, const struct section *s)
{
	const struct kv	*kv = get_kv(a, s, "check_cmd");
	char		 buf[1024], *w[64];
	int		 n, i;

	snprintf(buf, sizeof(buf), "%s", kv ? kv->val : "");
	if (kv == NULL || (n = imp_split_shell(buf, w, 64)) <= 0) {
		imp_error(a->d, kv ? kv->line : s->line, "[%s] needs "
		    "check_cmd, a command", s->name);
		return;
	}
	fprintf(out, "\t# check_cmd, run without a shell; any non-zero exit "
	    "is a failure\n\tcheck exec {\n\t\tcommand%s",
	    w[0][0] == '/' ? "" : " \"/usr/bin/env\"");
	for (i = 0; i < n; i++) {
		fputc(' ', out);
		imp_put_string(out, w[i]);
	}
	fprintf(out, ";\n\t\texit-codes zero-ok;\n");
}

static void
put_check(struct ahc *a, FILE *out, const struct section *s)
{
	uint64_t interval = seconds(a, s, "check_interval", 10);
	uint64_t timeout = seconds(a, s, "check_timeout", 2);

	put_command(a, out, s);
	if (timeout > interval) {
		imp_error(a->d, s->line, "[%s]: check_timeout is longer than "
		    "check_interval", s->name);
		return;
	}
	imp_put_timers(out, interval, 0, timeout,
	    count(a, s, "check_rise", 2), count(a, s, "check_fail", 2));
	fprintf(out, "\t}\n");
}

/* One service section; 0 if it was imported. */
static int
put_service(struct ahc *a, FILE *out, const struct section *s, int v4,
    int v6)
{
	const struct kv	*pfx = get_kv(a, s, "ip_prefix");
	const char	*iface = get(a, s, "interface", "lo");
	const char	*on_dis = get(a, s, "on_disabled",
			    get(a, s, "on_disable", "withdraw"));
	char		 name[64], addr[INET6_ADDRSTRLEN];
	struct prefix	 p;

	if (pfx == NULL || util_parse_prefix(pfx->val, &p) != 0) {
		imp_error(a->d, pfx ? pfx->line : s->line, "[%s] needs "
		    "ip_prefix, an IPv4 or IPv6 prefix", s->name);
		return -1;
	}
	if (!(p.addr.family == AF_INET ? v4 : v6)) {
		imp_warn(a->d, pfx->line, "[%s]: [daemon] ipv%d is off, so "
		    "anycast-healthchecker ignores it: not imported", s->name,
		    p.addr.family == AF_INET ? 4 : 6);
		return -1;
	}
	if (boolean(a, s, "check_disabled", 1) &&
	    strcmp(on_dis, "advertise") != 0) {
		imp_warn(a->d, s->line, "[%s]: check_disabled is true (the "
		    "default) and on_disabled withdraw: the prefix is never "
		    "announced, not imported", s->name);
		return -1;
	}
	a->v6_used |= p.addr.family == AF_INET6;
	imp_make_name(name, sizeof(name), "", s->name);
	util_fmt_addr(&p.addr, addr, sizeof(addr));
	fprintf(out, "\n# [%s] (line %u)\nservice %s {\n\tprefix %s/%u;\n",
	    s->name, s->line, name, addr, p.len);
	if (!boolean(a, s, "ip_check_disabled", 0))
		fprintf(out, "\t# ip_check_disabled is false: "
		    "anycast-healthchecker failed the check\n\t# while the "
		    "address was not on %s; anycastd keeps it there\n", iface);
	fprintf(out, "\taddress %s;\n", iface);
	if (boolean(a, s, "check_disabled", 1))
		fprintf(out, "\t# check_disabled with on_disabled advertise: "
		    "always announced\n\tcheck exec {\n\t\tcommand "
		    "\"/bin/true\";\n\t\tinterval 10s;\n\t}\n");
	else
		put_check(a, out, s);
	fprintf(out, "\tannounce upstream;\n}\n");
	return 0;
}

static void
put_config(struct ahc *a, FILE *out)
{
	const struct section	*dmn = NULL;
	int			 i, v4, v6, n = 0;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*svc;

	for (i = 1; i < a->nsec; i++)
		if (strcmp(a->sec[i].name, "daemon") == 0)
			dmn = &a->sec[i];
	v4 = dmn ? boolean(a, dmn, "ipv4", 1) : 1;
	v6 = dmn ? boolean(a, dmn, "ipv6", 0) : 0;
	if ((svc = open_memstream(&text, &len)) == NULL)
		fatalx_oom();
	for (i = 1; i < a->nsec; i++)
		if (&a->sec[i] != dmn)
			n += put_service(a, svc, &a->sec[i], v4, v6) == 0;
	fclose(svc);
	if (n == 0 && a->d->errors == 0)
		imp_error(a->d, 0, "no service section announces anything: "
		    "nothing to import");
	imp_warn(a->d, 0, "the BGP neighbour is in BIRD's configuration, not "
	    "here: edit 'bgp upstream'");
	fprintf(out, "# anycastd.conf imported from %s by 'anycastd import "
	    "anycast-healthchecker'.\n# Host mode: anycastd announces the "
	    "prefixes over its own BGP session,\n# where "
	    "anycast-healthchecker wrote BIRD's %s list.\n#\n"
	    "# EDIT: the neighbour that BIRD announced to, and the router-id.\n"
	    "router-id 198.51.100.10;\nbgp upstream {\n\tlocal as 65100;\n"
	    "\tneighbor 198.51.100.1 as 65001;\n", a->d->file,
	    dmn ? get(a, dmn, "bird_variable", "ACAST_PS_ADVERTISE") :
	    "ACAST_PS_ADVERTISE");
	if (a->v6_used)
		fprintf(out, "\tnext-hop 2001:db8::10;\t# EDIT: this host's "
		    "IPv6 address\n");
	fprintf(out, "}\n");
	fwrite(text, 1, len, out);
	free(text);
}

int
import_ahc(FILE *in, FILE *out, struct imp_diag *d)
{
	struct ahc *a = xcalloc(1, sizeof(*a));

	a->d = d;
	read_ini(a, in);
	if (d->errors == 0)
		put_config(a, out);
	free(a);
	return d->errors ? -1 : 0;
}
