/* SPDX-License-Identifier: ISC */
/*
 * The config's life cycle around the parser: allocation with defaults,
 * reading files, the checks that need a whole block or the whole file,
 * comparison for reloads, and freeing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_int.h"

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

/* Defaults for what the block left out, then the block's own sanity. */
int
conf_check_finish(struct parser *p, struct check_conf *ck)
{
	const struct check_desc	*ct = check_desc_of(ck->type);
	char			 a[32], b[32];

	if (ck->interval == 0)
		ck->interval = ct->interval;
	if (ck->fast_interval == 0)
		ck->fast_interval = CONF_DEFAULT_FAST < ck->interval ?
		    CONF_DEFAULT_FAST : ck->interval;
	if (ck->timeout == 0) {
		ck->timeout = ct->timeout;
		if (ck->timeout > ck->interval)
			ck->timeout = ck->interval;
	}
	if (ck->rise == 0)
		ck->rise = ct->rise;
	if (ck->fall == 0)
		ck->fall = ct->fall;
	if (ct->flags & CT_MAINT) {
		ck->timeout = 0;
		ck->fast_interval = ck->interval;
	}
	if (ct->finish && ct->finish(p, ck) == -1)
		return -1;
	if (ck->timeout > ck->interval) {
		util_fmt_duration(ck->timeout, a, sizeof(a));
		util_fmt_duration(ck->interval, b, sizeof(b));
		return conf_error(p, &ck->pos, "check %s: timeout %s is longer "
		    "than interval %s", ck->name, a, b);
	}
	if (ck->fast_interval > ck->interval)
		return conf_error(p, &ck->pos, "check %s: fast-interval is "
		    "longer than interval", ck->name);
	return conf_watch_finish(p, ck);
}

static int
check_families(struct parser *p, const struct service_conf *svc,
    struct check_conf *ck)
{
	const struct addr	*target = conf_check_target(svc, ck);
	const struct addr	*src;
	struct check_net	 n;
	char			 a[64], b[64];

	if (target == NULL || conf_check_net(ck, &n) == -1 ||
	    (src = n.source)->family == 0)
		return 0;
	if (src->family != target->family)
		return conf_error(p, &ck->pos, "check %s: source %s and server "
		    "%s are not of the same address family", ck->name,
		    util_fmt_addr(src, a, sizeof(a)),
		    util_fmt_addr(target, b, sizeof(b)));
	return 0;
}

/* One prefix of the file, for the overlap check. */
struct placed {
	const struct prefix		*pfx;
	const struct service_conf	*svc;
	size_t				 svc_no;	/* order in the file */
	size_t				 idx;		/* in the service */
};

static int
placed_cmp(const void *x, const void *y)
{
	const struct placed	*a = x, *b = y;
	int			 c;

	if (a->pfx->addr.family != b->pfx->addr.family)
		return a->pfx->addr.family - b->pfx->addr.family;
	if ((c = memcmp(&a->pfx->addr.u, &b->pfx->addr.u,
	    a->pfx->addr.family == AF_INET ? 4 : 16)) != 0)
		return c;
	if (a->pfx->len != b->pfx->len)
		return (int)a->pfx->len - (int)b->pfx->len;
	if (a->svc_no != b->svc_no)
		return a->svc_no < b->svc_no ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
overlap_error(struct parser *p, const struct placed *a, const struct placed *b)
{
	char x[64], y[64];

	/* Blame the one written later. */
	if (a->svc_no > b->svc_no || (a->svc_no == b->svc_no &&
	    a->idx > b->idx)) {
		const struct placed *t = a;

		a = b;
		b = t;
	}
	util_fmt_addr(&b->pfx->addr, x, sizeof(x));
	util_fmt_addr(&a->pfx->addr, y, sizeof(y));
	if (a->svc == b->svc)
		return conf_error(p, &b->svc->prefix_pos[b->idx], "prefix "
		    "%s/%u overlaps another prefix of service %s", x,
		    b->pfx->len, b->svc->name);
	return conf_error(p, &b->svc->pos, "service %s: prefix %s/%u overlaps "
	    "%s/%u of service %s", b->svc->name, x, b->pfx->len, y,
	    a->pfx->len, a->svc->name);
}

/*
 * No prefix may overlap another, in one service or across two: of ONLY,
 * or of the whole file when ONLY is NULL.  Sorted by address then
 * length, a prefix that holds others comes first and whatever sorts
 * between them lies inside it too, so comparing neighbours finds every
 * overlap: n log n for the 100,000 prefixes of a big service.
 */
static int
check_overlaps(struct parser *p, const struct conf *c,
    const struct service_conf *only)
{
	const struct service_conf	*s;
	struct placed			*all;
	size_t				 n = 0, k = 0, i, svc_no = 0;
	int				 rv = 0;

	for (s = only ? only : c->services; s; s = only ? NULL : s->next)
		n += s->nprefixes;
	all = xcalloc(n, sizeof(*all));
	for (s = only ? only : c->services; s; s = only ? NULL : s->next,
	    svc_no++)
		for (i = 0; i < s->nprefixes; i++, k++) {
			all[k].pfx = &s->prefixes[i];
			all[k].svc = s;
			all[k].svc_no = svc_no;
			all[k].idx = i;
		}
	qsort(all, n, sizeof(*all), placed_cmp);
	for (k = 1; k < n && rv == 0; k++)
		if (util_prefix_overlap(all[k - 1].pfx, all[k].pfx))
			rv = overlap_error(p, &all[k - 1], &all[k]);
	free(all);
	return rv;
}

int
conf_service_finish(struct parser *p, struct service_conf *svc)
{
	struct check_conf	*ck, *o;
	unsigned		 health = 0;

	if (svc->nprefixes == 0)
		return conf_error(p, &svc->pos, "service %s has no prefix",
		    svc->name);
	if (check_overlaps(p, NULL, svc) == -1)
		return -1;
	for (ck = svc->checks; ck; ck = ck->next) {
		if (!check_is_maint(ck->type) && ck->backend < 0)
			health++;
		for (o = svc->checks; o != ck; o = o->next)
			if (strcmp(o->name, ck->name) == 0)
				return conf_error(p, &ck->pos, "service %s "
				    "has two checks named %s; give one a name: "
				    "check %s NAME { ... }", svc->name,
				    ck->name, conf_check_type_name(ck->type));
		if (check_families(p, svc, ck) == -1)
			return -1;
	}
	if (health == 0 && svc->route.nvias == 0)
		return conf_error(p, &svc->pos, "service %s has no dns, tcp or "
		    "exec check: nothing would say it is healthy", svc->name);
	if (conf_kout_finish(p, svc) == -1)
		return -1;
	if (svc->combine == COMBINE_THRESHOLD && svc->threshold > health)
		return conf_error(p, &svc->pos, "service %s: threshold %u, but "
		    "it has only %u dns, tcp or exec check%s (file checks do "
		    "not count)", svc->name, svc->threshold, health,
		    health == 1 ? "" : "s");
	return 0;
}

/* What needs the whole file. */
int
conf_validate(struct parser *p, struct conf *c)
{
	if (check_overlaps(p, c, NULL) == -1)
		return -1;
	return conf_validate_bgp(p, c);
}

/* Two checks are equal when they print alike: one source of truth. */
static char *
print_to_string(void (*fn)(FILE *, const void *), const void *arg)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	if (f == NULL)
		fatalx_oom();
	fn(f, arg);
	fclose(f);
	return buf;
}

static void
print_check(FILE *f, const void *ck)
{
	conf_print_check(f, ck, "");
}

static void
print_service_head(FILE *f, const void *svc)
{
	conf_print_service_head(f, svc);
}

int
conf_printed_equal(void (*fn)(FILE *, const void *), const void *a, const void *b)
{
	char	*x = print_to_string(fn, a), *y = print_to_string(fn, b);
	int	 eq = strcmp(x, y) == 0;

	free(x);
	free(y);
	return eq;
}

int
conf_check_equal(const struct check_conf *a, const struct check_conf *b)
{
	return conf_printed_equal(print_check, a, b);
}

/* The service's own settings, not its checks. */
int
conf_service_equal(const struct service_conf *a, const struct service_conf *b)
{
	return conf_printed_equal(print_service_head, a, b);
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
check_free(struct check_conf *ck)
{
	const struct check_desc *ct = check_desc_of(ck->type);

	if (ct->free)
		ct->free(ck);
	conf_free_watches(ck->watches);
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
		conf_free_announces(s->announces);
		free(s->route.vias);
		free(s);
	}
	conf_free_bgp(c);
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
