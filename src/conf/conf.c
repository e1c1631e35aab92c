/* SPDX-License-Identifier: ISC */
/*
 * The config's data model around conf.h: allocation with defaults,
 * reading files, what readers ask of it (a check's target, the announce
 * block for a peer, ...), and freeing.  It is the bottom of the config's
 * layers and calls no other config module (scripts/conf-layers).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf_int.h"

#define CONF_MAX_FILE	(16 * 1024 * 1024)

struct conf *
conf_new(void)
{
	struct conf *c = xcalloc(1, sizeof(*c));

	c->control = xstrdup(CONF_DEFAULT_CONTROL);
	c->log_target = LOG_TARGET_SYSLOG;
	c->log_level = LOG_LEVEL_INFO;
	return c;
}

struct service_conf *
conf_service_new(const char *name, const struct conf_pos *pos)
{
	struct service_conf *s = xcalloc(1, sizeof(*s));

	strcpy(s->name, name);
	s->pos = *pos;
	s->drain_time = CONF_DEFAULT_DRAIN;
	s->damping.penalty = CONF_DEFAULT_DAMP_PENALTY;
	s->damping.half_life = CONF_DEFAULT_DAMP_HALFLIFE;
	s->damping.suppress = CONF_DEFAULT_DAMP_SUPPRESS;
	s->damping.reuse = CONF_DEFAULT_DAMP_REUSE;
	s->damping.max_suppress = CONF_DEFAULT_DAMP_MAX;
	return s;
}

struct check_conf *
conf_check_new(enum check_type type, const struct conf_pos *pos)
{
	const struct check_desc	*ct = check_desc_of(type);
	struct check_conf	*c = xcalloc(1, sizeof(*c));

	c->type = type;
	c->pos = *pos;
	c->backend = -1;
	c->immediate = -1;
	strcpy(c->name, ct->name);
	if (ct->init)
		ct->init(c);
	return c;
}

void
conf_add_file(struct conf *c, const char *path)
{
	c->files = xreallocarray(c->files, c->nfiles + 1, sizeof(*c->files));
	c->files[c->nfiles++] = xstrdup(path);
}

const char *
conf_last_file(const struct conf *c)
{
	return c->files[c->nfiles - 1];
}

static const char *
file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/*
 * Opening a FIFO for reading waits for a writer, and a device's open can
 * wait or act: either would stop the whole event loop during a reload.
 * So the type is looked at before opening, the open never waits
 * (O_NONBLOCK), and what was opened is looked at again, in case the
 * path changed in between.
 */
int
conf_read_file(const char *path, char **buf, size_t *len, char *err,
    size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s, not a regular file", path,
		    file_kind(st.st_mode));
		return -1;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_MAX_FILE) {
		snprintf(err, errlen, "%s: not a regular file of at most "
		    "16 MB", path);
		close(fd);
		return -1;
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		free(*buf);
		return -1;
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

int
conf_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CONF_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return -1;
	return 0;
}

/* The field of a scalar keyword's row (conf_int.h) in BASE. */
uint64_t
conf_row_get(const struct kw_scalar *k, const void *base)
{
	const char *f = (const char *)base + k->field.off;

	switch (k->field.size) {
	case sizeof(uint16_t):
		return *(const uint16_t *)(const void *)f;
	case sizeof(uint32_t):
		return *(const uint32_t *)(const void *)f;
	case sizeof(uint64_t):
		return *(const uint64_t *)(const void *)f;
	}
	fatal("a keyword's field of %u bytes", k->field.size);
}

void
conf_row_set(const struct kw_scalar *k, void *base, uint64_t v)
{
	char *f = (char *)base + k->field.off;

	switch (k->field.size) {
	case sizeof(uint16_t):
		*(uint16_t *)(void *)f = (uint16_t)v;
		return;
	case sizeof(uint32_t):
		*(uint32_t *)(void *)f = (uint32_t)v;
		return;
	case sizeof(uint64_t):
		*(uint64_t *)(void *)f = v;
		return;
	}
	fatal("a keyword's field of %u bytes", k->field.size);
}

const char *
conf_check_type_name(enum check_type t)
{
	return (unsigned)t < CHECK_NTYPES ? check_desc_of(t)->name : "?";
}

int
conf_check_net(const struct check_conf *ck, struct check_net *n)
{
	const struct check_desc *ct = check_desc_of(ck->type);

	if (ct->net == NULL)
		return -1;
	/* The descriptor fills pointers for the parser too; readers only
	 * read through them. */
	ct->net((struct check_conf *)(uintptr_t)ck, n);
	return 0;
}

const struct addr *
conf_check_target(const struct service_conf *svc, const struct check_conf *ck)
{
	const struct addr	*a;
	struct check_net	 n;
	int			 via = ck->backend >= 0 &&
				    (size_t)ck->backend < svc->route.nvias;

	/* BFD runs to the backend itself. */
	if ((check_desc_of(ck->type)->flags & CT_VIA) && via)
		return &svc->route.vias[ck->backend].gw;
	if (conf_check_net(ck, &n) == -1)
		return NULL;
	a = n.server;
	if (a->family == 0 && via)
		return &svc->route.vias[ck->backend].gw;
	if (a->family == 0 && svc->nprefixes > 0)
		return &svc->prefixes[0].addr;
	return a;
}

/*
 * Whether B can carry prefixes of FAMILY: the family is on and there is a
 * next hop for it -- the session's own address, or `next-hop` when the
 * session runs over the other family.
 */
int
conf_bgp_carries(const struct bgp_conf *b, int family)
{
	if (!(b->families & (family == AF_INET ? CONF_AF_IPV4 : CONF_AF_IPV6)))
		return 0;
	return family == b->neighbor.family ||
	    (family == AF_INET ? b->nexthop4.family : b->nexthop6.family) != 0;
}

const struct announce_conf *
conf_announce_for(const struct service_conf *svc, const char *peer)
{
	const struct announce_conf *a;

	for (a = svc->announces; a; a = a->next)
		if (strcmp(a->peer, "all") == 0 || strcmp(a->peer, peer) == 0)
			return a;
	return NULL;
}

const char *
conf_watch_type_name(enum watch_type t)
{
	static const char *const names[] = { "process", "listener",
	    "tcp-session" };

	return (unsigned)t < nitems(names) ? names[t] : "?";
}

void
conf_free_argv(char **argv)
{
	char **a;

	for (a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

static void
free_watches(struct watch_conf *w)
{
	struct watch_conf *next;

	for (; w; w = next) {
		next = w->next;
		free(w->pidfile);
		free(w->unit);
		free(w);
	}
}

static void
attrs_free(struct announce_attrs *a)
{
	free(a->communities);
	free(a->lcommunities);
}

static void
free_announces(struct announce_conf *a)
{
	struct announce_conf *next;

	for (; a; a = next) {
		next = a->next;
		attrs_free(&a->normal);
		attrs_free(&a->degraded);
		attrs_free(&a->draining);
		free(a);
	}
}

static void
free_bgp(struct conf *c)
{
	struct bgp_conf *b, *next;

	for (b = c->peers; b; b = next) {
		next = b->next;
		free(b->password);
		free(b);
	}
}

static void
check_free(struct check_conf *ck)
{
	const struct check_desc *ct = check_desc_of(ck->type);

	if (ct->free)
		ct->free(ck);
	free_watches(ck->watches);
	free(ck);
}

void
conf_free(struct conf *c)
{
	struct service_conf	*s, *sn;
	struct check_conf	*ck, *cn;
	size_t			 i;

	if (c == NULL)
		return;
	for (s = c->services; s; s = sn) {
		sn = s->next;
		for (ck = s->checks; ck; ck = cn) {
			cn = ck->next;
			check_free(ck);
		}
		free(s->prefixes);
		free(s->prefix_pos);
		conf_free_argv(s->hook);
		free_announces(s->announces);
		free(s->route.vias);
		free(s);
	}
	free_bgp(c);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->control);
	free(c->user);
	free(c->exec_user);
	free(c);
}
