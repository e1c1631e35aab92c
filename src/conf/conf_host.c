/* SPDX-License-Identifier: ISC */
/*
 * The config held against this host: the router-id a config leaves out,
 * and -t's warnings about what the parser cannot see -- a service address
 * the host does not have, an interface that does not exist, a file the
 * user anycastd becomes cannot read (and so cannot reload).
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf_host.h"
#include "sys/util.h"

static int
in_service_prefix(const struct conf *c, const struct addr *a)
{
	const struct service_conf	*s;
	struct prefix			 host = { *a, 32 };
	size_t				 i;

	for (s = c->services; s; s = s->next)
		for (i = 0; i < s->nprefixes; i++)
			if (util_prefix_overlap(&s->prefixes[i], &host))
				return 1;
	return 0;
}

static int
router_id_candidate(const struct conf *c, const struct sockaddr *sa,
    struct addr *out)
{
	uint32_t v;

	if (sa == NULL || sa->sa_family != AF_INET)
		return 0;
	out->family = AF_INET;
	out->u.v4 = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	v = ntohl(out->u.v4.s_addr);
	if ((v >> 24) == 127 || (v >> 16) == 0xa9fe || v == 0)
		return 0;
	return !in_service_prefix(c, out);
}

int
conf_host_router_id(const struct conf *c, struct addr *id, char *why,
    size_t len)
{
	struct ifaddrs	*all, *i;
	struct addr	 a, first;
	size_t		 n = 0, off;
	char		 buf[64];

	if (getifaddrs(&all) == -1) {
		snprintf(why, len, "the host's addresses cannot be listed");
		return -1;
	}
	memset(&first, 0, sizeof(first));
	for (i = all; i; i = i->ifa_next) {
		if (!router_id_candidate(c, i->ifa_addr, &a) ||
		    (n && util_addr_eq(&a, &first)))
			continue;
		if (n++ == 0)
			first = a;
	}
	if (n == 1) {
		freeifaddrs(all);
		*id = first;
		return 0;
	}
	if (n == 0)
		snprintf(why, len, "the host has no IPv4 address to take one "
		    "from");
	else {
		off = (size_t)snprintf(why, len, "the host has %zu IPv4 "
		    "addresses (", n);
		n = 0;
		for (i = all; i && off < len; i = i->ifa_next) {
			if (!router_id_candidate(c, i->ifa_addr, &a))
				continue;
			off += (size_t)snprintf(why + off, len - off, "%s%s",
			    n++ ? ", " : "", util_fmt_addr(&a, buf,
			    sizeof(buf)));
		}
		if (off < len)
			snprintf(why + off, len - off, "): which one is "
			    "ambiguous");
	}
	freeifaddrs(all);
	return -1;
}

/* ---- warnings ---- */

static int
host_has(const struct ifaddrs *all, const struct prefix *p)
{
	const struct ifaddrs	*i;
	struct addr		 a;

	for (i = all; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		memset(&a, 0, sizeof(a));
		a.family = i->ifa_addr->sa_family;
		if (a.family == AF_INET)
			a.u.v4 = ((const struct sockaddr_in *)(const void *)
			    i->ifa_addr)->sin_addr;
		else if (a.family == AF_INET6)
			a.u.v6 = ((const struct sockaddr_in6 *)(const void *)
			    i->ifa_addr)->sin6_addr;
		else
			continue;
		if (a.family == p->addr.family &&
		    util_prefix_overlap(p, &(struct prefix){ a,
		    a.family == AF_INET ? 32 : 128 }))
			return 1;
	}
	return 0;
}

static void
warn(FILE *out, const struct conf_pos *pos, int *n, const char *msg)
{
	fprintf(out, "%s:%d:%d: warning (this host): %s\n", pos->file,
	    pos->line, pos->col, msg);
	(*n)++;
}

static void
warn_prefixes(const struct service_conf *s, const struct ifaddrs *all,
    FILE *out, int *n)
{
	char	 msg[400], a[64];
	size_t	 i;

	/* Router mode (a route), or an address anycastd puts there itself. */
	if (s->route.present || s->address.present)
		return;
	for (i = 0; i < s->nprefixes; i++) {
		if (host_has(all, &s->prefixes[i]))
			continue;
		snprintf(msg, sizeof(msg), "service %s: %s/%u is not an "
		    "address of this host and the service has no 'address': "
		    "the DNS server cannot answer on it; add 'address lo;' or "
		    "put it on an interface", s->name, util_fmt_addr(
		    &s->prefixes[i].addr, a, sizeof(a)), s->prefixes[i].len);
		warn(out, &s->prefix_pos[i], n, msg);
	}
}

static void
warn_ifname(const char *what, const char *svc, const char *ifname,
    const struct conf_pos *pos, FILE *out, int *n)
{
	char msg[300];

	if (ifname[0] == '\0' || if_nametoindex(ifname) != 0)
		return;
	snprintf(msg, sizeof(msg), "service %s: %s: interface %s does not "
	    "exist (yet)", svc, what, ifname);
	warn(out, pos, n, msg);
}

static void
warn_interfaces(const struct service_conf *s, FILE *out, int *n)
{
	size_t i;

	if (s->address.present && !s->address.create)
		warn_ifname("address", s->name, s->address.ifname,
		    &s->address.pos, out, n);
	if (!s->route.present)
		return;
	warn_ifname("route dev", s->name, s->route.dev, &s->route.pos, out, n);
	for (i = 0; i < s->route.nvias; i++)
		warn_ifname("via dev", s->name, s->route.vias[i].dev,
		    &s->route.vias[i].pos, out, n);
}

static int
may(const struct stat *st, const struct conf_reader *r, mode_t u, mode_t g,
    mode_t o)
{
	int i;

	if (st->st_uid == r->uid)
		return (st->st_mode & u) != 0;
	if (st->st_gid == r->gid)
		return (st->st_mode & g) != 0;
	for (i = 0; i < r->ngroups; i++)
		if (st->st_gid == r->groups[i])
			return (st->st_mode & g) != 0;
	return (st->st_mode & o) != 0;
}

int
conf_host_readable(const char *path, const struct conf_reader *r)
{
	char		*full, *slash;
	struct stat	 st;
	int		 ok = 1;

	if (r->uid == 0 || (full = realpath(path, NULL)) == NULL)
		return 1;	/* not ours to judge: open() will say */
	for (slash = strchr(full + 1, '/'); slash && ok;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ok = stat(full, &st) == 0 && may(&st, r, S_IXUSR, S_IXGRP,
		    S_IXOTH);
		*slash = '/';
	}
	if (ok)
		ok = stat(full, &st) == 0 && may(&st, r, S_IRUSR, S_IRGRP,
		    S_IROTH);
	free(full);
	return ok;
}

static void
warn_files(const struct conf *c, const struct conf_reader *r, FILE *out,
    int *n)
{
	struct conf_pos	 top = { NULL, 1, 1 };
	char		 msg[600];
	size_t		 i;

	for (i = 0; r && i < c->nfiles; i++) {
		if (conf_host_readable(c->files[i], r))
			continue;
		top.file = c->files[i];
		snprintf(msg, sizeof(msg), "user %s, which anycastd becomes "
		    "after the start, cannot read %s: reloads will fail; make "
		    "it readable by its group: chown root:%s, chmod 0640 (and "
		    "its directories searchable)", r->name, c->files[i],
		    r->group ? r->group : r->name);
		warn(out, &top, n, msg);
	}
}

int
conf_host_warnings(const struct conf *c, const struct conf_reader *r,
    FILE *out)
{
	const struct service_conf	*s;
	struct ifaddrs			*all = NULL;
	int				 n = 0;

	if (getifaddrs(&all) == -1)
		all = NULL;
	warn_files(c, r, out, &n);
	for (s = c->services; s; s = s->next) {
		if (all)
			warn_prefixes(s, all, out, &n);
		warn_interfaces(s, out, &n);
	}
	if (all)
		freeifaddrs(all);
	return n;
}
