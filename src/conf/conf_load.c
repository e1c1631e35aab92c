/* SPDX-License-Identifier: ISC */
/*
 * The top level of anycastd.conf: its global keywords, and loading a
 * file or a buffer.  It builds a complete struct conf or nothing: the
 * first error stops it with "file:line:col: what was expected", and the
 * daemon keeps what it had.  What needs the whole file (overlapping
 * prefixes, the bgp blocks announcements name) is conf_finish.c's
 * conf_validate(), once every block is read.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

static int
kw_router_id(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf *c = ctx;

	if (conf_addr_arg(p, &c->router_id) == -1)
		return -1;
	if (c->router_id.family != AF_INET || c->router_id.u.v4.s_addr == 0)
		return conf_error(p, &kw->pos, "router-id must be a non-zero "
		    "IPv4 address (a 32-bit BGP identifier)");
	c->have_router_id = 1;
	return conf_semi(p);
}

/* control "PATH"; or control clients N; -- each at most once. */
static int
kw_control(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf	*c = ctx;
	struct tok	 t;

	if (conf_word_is(p, "clients")) {
		if (conf_next(p, &t) == -1)
			return -1;
		lex_tok_free(&t);
		if (c->control_clients)
			return conf_error(p, &kw->pos, "'control clients' "
			    "given twice");
		if (conf_uint_arg(p, &c->control_clients, 1, 1024) == -1)
			return -1;
		return conf_semi(p);
	}
	if (c->have_control)
		return conf_error(p, &kw->pos, "'control' given twice");
	c->have_control = 1;
	free(c->control);
	c->control = NULL;
	if (conf_string_arg(p, &c->control, "a socket path in quotes or "
	    "'clients'") == -1)
		return -1;
	if (c->control[0] != '/')
		return conf_error(p, &kw->pos, "control socket path must be "
		    "absolute");
	if (strlen(c->control) >= 108)
		return conf_error(p, &kw->pos, "control socket path is longer "
		    "than a Unix socket allows (107)");
	return conf_semi(p);
}

static int
kw_log(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const targets[] = { "stderr", "syslog", "level",
	    NULL };
	static const char *const levels[] = { "error", "warn", "info", "debug",
	    NULL };
	struct conf	*c = ctx;
	int		 i;

	(void)kw;
	if ((i = conf_choice(p, targets, "stderr, syslog or level")) == -1)
		return -1;
	if (i == 2) {
		if ((i = conf_choice(p, levels, "error, warn, info or debug")) == -1)
			return -1;
		c->log_level = (enum log_level)i;
	} else {
		c->log_target = (enum log_target)i;
		c->log_target_set = 1;
	}
	return conf_semi(p);
}

/* "127.0.0.1:9153" or "[::1]:9153": IPv6 in brackets, a port always. */
static int
parse_hostport(char *s, struct addr *a, uint16_t *port)
{
	char		*colon, *end;
	unsigned long	 n;

	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			return -1;
		*end = '\0';
		colon = end + 1;
		if (util_parse_addr(s + 1, a) == -1 || a->family != AF_INET6)
			return -1;
	} else {
		if ((colon = strchr(s, ':')) == NULL ||
		    strchr(colon + 1, ':') != NULL)
			return -1;
		*colon = '\0';
		if (util_parse_addr(s, a) == -1 || a->family != AF_INET)
			return -1;
	}
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	n = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || errno || n == 0 || n > 65535)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

static int
kw_metrics(struct parser *p, void *ctx, const struct tok *kw)
{
	struct conf	*c = ctx;
	struct tok	 t;
	int		 rv;

	(void)kw;
	if (conf_arg(p, &t, "ADDRESS:PORT, e.g. 127.0.0.1:9153 or "
	    "[::1]:9153", 0) == -1)
		return -1;
	rv = parse_hostport(t.text, &c->metrics_addr, &c->metrics_port);
	if (rv == -1)
		conf_error(p, &t.pos, "expected ADDRESS:PORT for metrics, e.g. "
		    "127.0.0.1:9153 or [::1]:9153 (IPv6 in brackets, port "
		    "1..65535)");
	lex_tok_free(&t);
	if (rv == -1)
		return -1;
	c->have_metrics = 1;
	return conf_semi(p);
}

/* A login name as useradd(8) accepts it, looked up only when starting. */
static int
user_arg(struct parser *p, char **out)
{
	struct tok	 t;
	size_t		 i, n;

	if (conf_arg(p, &t, "a user name", 1) == -1)
		return -1;
	n = strlen(t.text);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)t.text[i]) && t.text[i] != '_' &&
		    t.text[i] != '-' && t.text[i] != '.')
			break;
	if (n == 0 || n > CONF_USER_MAX || i < n || t.text[0] == '-') {
		conf_error(p, &t.pos, "'%s' is not a user name (letters, "
		    "digits, '_', '-', '.'; at most %d)", t.text,
		    CONF_USER_MAX);
		lex_tok_free(&t);
		return -1;
	}
	free(*out);
	*out = t.text;
	return conf_semi(p);
}

static int
kw_user(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return user_arg(p, &((struct conf *)ctx)->user);
}

/*
 * exec user NAME; -- who exec checks and hooks run as.
 * exec limit N; -- how many exec checks run at once (proc.h).
 */
static int
kw_exec(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const words[] = { "user", "limit", NULL };
	struct conf	*c = ctx;
	int		 w;

	(void)kw;
	if ((w = conf_choice(p, words, "'user' or 'limit' (exec user NAME; "
	    "exec limit N;)")) == -1)
		return -1;
	if (w == 0)
		return user_arg(p, &c->exec_user);
	if (conf_uint_arg(p, &c->exec_limit, 1, CONF_EXEC_LIMIT_MAX) == -1)
		return -1;
	return conf_semi(p);
}

/* probe limit N; -- how many probes of the other types are in flight at
 * once (check/hc_slots.h). */
static int
kw_probe(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const limit[] = { "limit", NULL };

	(void)kw;
	if (conf_choice(p, limit, "'limit' (probe limit N;)") == -1 ||
	    conf_uint_arg(p, &((struct conf *)ctx)->probe_limit, 1,
	    CONF_PROBE_LIMIT_MAX) == -1)
		return -1;
	return conf_semi(p);
}

/* kernel scan time DURATION; -- the full re-read of the kernel's tables. */
static int
kw_kernel(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const scan[] = { "scan", NULL };
	static const char *const time_[] = { "time", NULL };

	(void)kw;
	if (conf_choice(p, scan, "'scan' (kernel scan time DURATION;)") == -1 ||
	    conf_choice(p, time_, "'time' (kernel scan time DURATION;)") == -1 ||
	    conf_duration_arg(p, &((struct conf *)ctx)->kernel_scan_ms,
	    100) == -1)
		return -1;
	return conf_semi(p);
}

const struct keyword conf_global_kw[] = {
	{ "router-id", kw_router_id, 0, 0 },
	{ "control", kw_control, 1, 0 },
	{ "log", kw_log, 1, 0 },
	{ "metrics", kw_metrics, 0, 0 },
	{ "user", kw_user, 0, 0 },
	{ "exec", kw_exec, 0, 0 },
	{ "probe", kw_probe, 0, 0 },
	{ "kernel", kw_kernel, 0, 0 },
	{ "bgp", conf_kw_bgp, 1, 0 },
	{ "service", conf_kw_service, 1, 0 },
	{ NULL, NULL, 0, 0 }
};

struct conf *
conf_load_buffer(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct parser	 p;
	int		 i, rv;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	p.conf = conf_new();
	conf_add_file(p.conf, name);
	lex_init(&p.lexers[0], conf_last_file(p.conf), buf, len);
	p.depth = 1;
	rv = conf_statements(&p, conf_global_kw, p.conf);
	if (rv == 0)
		rv = conf_validate(&p, p.conf);
	for (i = 1; i < INCLUDE_DEPTH; i++)
		free(p.bufs[i]);
	for (i = 0; i < INCLUDE_DEPTH; i++)	/* a token peeked at an error */
		if (p.lexers[i].have_peeked)
			lex_tok_free(&p.lexers[i].peeked);
	if (rv == -1) {
		conf_free(p.conf);
		return NULL;
	}
	return p.conf;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*c;
	char		*buf;
	size_t		 len;

	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return NULL;
	c = conf_load_buffer(path, buf, len, err, errlen);
	free(buf);
	return c;
}
