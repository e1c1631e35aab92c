/* SPDX-License-Identifier: ISC */
/*
 * How anycastctl shows a daemon response: aligned tables for people,
 * the response object pretty-printed for machines (--json), and the
 * text form of durations both ways.  The response is the daemon's word
 * and is checked before use, never trusted: a response whose shape is
 * wrong (not JSON, not an object, no "ok", no "version": 1, no list to
 * print) is a protocol error; a single member that is missing or of the
 * wrong type prints as "?", and a null the protocol allows (no probe
 * yet, no drain timer) as "-".  Strings from the daemon are printed with
 * control characters replaced, so a check's detail text cannot drive the
 * terminal.  No socket I/O here, so that tests can feed canned responses.
 * The protocol is docs/control.md.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl/ctl_print.h"
#include "sys/util.h"

#define PROG		"anycastctl"
#define PROTO_VERSION	1

/* 2^53 - 1: larger millisecond counts lose precision in most JSON readers. */
#define DURATION_MAX	((UINT64_C(1) << 53) - 1)

static int	perr(FILE *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * A table of strings, printed with every column as wide as its widest
 * cell.  Out of memory is remembered and reported once, at print time,
 * so that the code filling the table stays readable.
 */
struct column {
	const char	*name;
	int		 right;		/* right-aligned: numbers */
};

struct table {
	const struct column *cols;
	size_t		 ncols;
	char		**cells;	/* row by row */
	size_t		 ncells;
	size_t		 cap;
	int		 failed;
};

static int
perr(FILE *err, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(err, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	return CTL_PRINT_EXIT_FAIL;
}

/*
 * Replace, in place, every C0 control, DEL and C1 control (U+0080 to
 * U+009F, encoded 0xc2 0x80-0x9f) by '?'.  The result is never longer.
 */
static void
sanitize(char *s)
{
	unsigned char	*r = (unsigned char *)s, *w = (unsigned char *)s;

	while (*r != '\0') {
		if (*r < 0x20 || *r == 0x7f) {
			*w++ = '?';
			r++;
		} else if (r[0] == 0xc2 && r[1] >= 0x80 && r[1] <= 0x9f) {
			*w++ = '?';
			r += 2;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

/* Columns a UTF-8 string takes, counting one per code point. */
static size_t
display_width(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
table_init(struct table *t, const struct column *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

static void	table_add(struct table *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
table_add(struct table *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, **n;
	size_t	 ncap;
	int	 r;

	if (t->failed)
		return;
	if (t->ncells == t->cap) {
		ncap = t->cap == 0 ? 64 : t->cap * 2;
		if ((n = reallocarray(t->cells, ncap, sizeof(*n))) == NULL) {
			t->failed = 1;
			return;
		}
		t->cells = n;
		t->cap = ncap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1) {
		t->failed = 1;
		return;
	}
	sanitize(s);
	t->cells[t->ncells++] = s;
}

static void
table_free(struct table *t)
{
	size_t	 i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void
table_print_cell(FILE *out, const struct column *c, const char *s,
    size_t width, int last)
{
	size_t	 pad = width - display_width(s);

	if (c->right)
		fprintf(out, "%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, out);
	else
		fprintf(out, "%s%*s", s, (int)pad, "");
	fputs(last ? "\n" : "  ", out);
}

/* Print the header and the rows; -1 if filling the table ran out of memory. */
static int
table_print(struct table *t, FILE *out)
{
	size_t	*width, i, c, w;

	if (t->failed || t->ncells % t->ncols != 0)
		return -1;
	if ((width = calloc(t->ncols, sizeof(*width))) == NULL)
		return -1;
	for (c = 0; c < t->ncols; c++)
		width[c] = display_width(t->cols[c].name);
	for (i = 0; i < t->ncells; i++) {
		w = display_width(t->cells[i]);
		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (c = 0; c < t->ncols; c++)
		table_print_cell(out, &t->cols[c], t->cols[c].name, width[c],
		    c == t->ncols - 1);
	for (i = 0; i < t->ncells; i++)
		table_print_cell(out, &t->cols[i % t->ncols], t->cells[i],
		    width[i % t->ncols], i % t->ncols == t->ncols - 1);
	free(width);
	return 0;
}

/* A member of any type but null; NULL if `obj' is not an object. */
/* Print and free T. */
static int
print_table(struct table *t, FILE *out, FILE *err)
{
	int rv = table_print(t, out);

	table_free(t);
	return rv == -1 ? perr(err, "out of memory") : CTL_PRINT_EXIT_OK;
}

static struct json_object *
any_member(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/* A member of the type asked for, else NULL. */
static struct json_object *
member(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object	*v;

	if ((v = any_member(obj, key)) == NULL ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* Present and null: the protocol's "no value yet". */
static int
member_is_null(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return 0;
	return json_object_object_get_ex(obj, key, &v) && v == NULL;
}

/* A string member for a cell: "?" if missing, "-" if null or empty. */
static const char *
str_cell(struct json_object *obj, const char *key)
{
	struct json_object	*v;
	const char		*s;

	if ((v = member(obj, key, json_type_string)) == NULL)
		return member_is_null(obj, key) ? "-" : "?";
	s = json_object_get_string(v);
	return s[0] == '\0' ? "-" : s;
}

static int
member_true(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	return (v = member(obj, key, json_type_boolean)) != NULL &&
	    json_object_get_boolean(v);
}

/* A non-negative number, integer or not; -1 if missing or wrong. */
static int
get_number(struct json_object *v, double *d)
{
	if (v == NULL)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return -1;
		*d = (double)json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_double)) {
		*d = json_object_get_double(v);
		if (!isfinite(*d) || *d < 0)
			return -1;
		return 0;
	}
	return -1;
}

/* A count (successes, pid, ...) as a cell: "?" unless a whole number >= 0. */
static void
fmt_count(struct json_object *obj, const char *key, char *buf, size_t len)
{
	struct json_object	*v;
	int64_t			 n;

	v = member(obj, key, json_type_int);
	if (v == NULL || (n = json_object_get_int64(v)) < 0) {
		snprintf(buf, len, "%s", member_is_null(obj, key) ? "-" : "?");
		return;
	}
	snprintf(buf, len, "%" PRId64, n);
}

/* A member in milliseconds, printed as a compact duration. */
static void
fmt_ms(struct json_object *obj, const char *key, char *buf, size_t len)
{
	double	 d;

	if (member_is_null(obj, key)) {
		snprintf(buf, len, "-");
		return;
	}
	if (get_number(any_member(obj, key), &d) == -1 ||
	    d > (double)DURATION_MAX) {
		snprintf(buf, len, "?");
		return;
	}
	ctl_print_fmt_duration((uint64_t)d, buf, len);
}

/* Round-trip times in ms: about four significant digits, never "e+". */
static void
fmt_rtt(struct json_object *rtt, const char *key, char *buf, size_t len)
{
	double	 d;

	if (member_is_null(rtt, key)) {
		snprintf(buf, len, "-");
		return;
	}
	if (get_number(any_member(rtt, key), &d) == -1 || d >= 1e12)
		snprintf(buf, len, "?");
	else if (d < 10)
		snprintf(buf, len, "%.3f", d);
	else if (d < 100)
		snprintf(buf, len, "%.2f", d);
	else if (d < 1000)
		snprintf(buf, len, "%.1f", d);
	else
		snprintf(buf, len, "%.0f", d);
}

void
ctl_print_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	const uint64_t	 s = ms / 1000, m = s / 60, h = m / 60, d = h / 24;

	/* Two units at most, the larger first, and never a zero second one. */
	if (ms < 1000)
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	else if (ms < 10 * 1000)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "s", s,
		    ms % 1000 / 100);
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (m < 60 && s % 60 != 0)
		snprintf(buf, len, "%" PRIu64 "m%" PRIu64 "s", m, s % 60);
	else if (m < 60)
		snprintf(buf, len, "%" PRIu64 "m", m);
	else if (h < 24 && m % 60 != 0)
		snprintf(buf, len, "%" PRIu64 "h%" PRIu64 "m", h, m % 60);
	else if (h < 24)
		snprintf(buf, len, "%" PRIu64 "h", h);
	else if (h % 24 != 0)
		snprintf(buf, len, "%" PRIu64 "d%" PRIu64 "h", d, h % 24);
	else
		snprintf(buf, len, "%" PRIu64 "d", d);
}

int
ctl_print_parse_duration(const char *str, uint64_t *ms, const char **why)
{
	return util_parse_duration_max(str, DURATION_MAX, ms, why);
}

/*
 * Parse the response line into *objp (NULL for JSON null); 0, or -1
 * after saying why.  The whole line must be one JSON value: a second
 * value or garbage after the first means the two sides disagree about
 * framing, which is worth saying rather than ignoring.
 */
static int
parse_response(FILE *err, const char *buf, size_t len,
    struct json_object **objp)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	enum json_tokener_error	 jerr;
	const char		*why = NULL;
	size_t			 end;

	if (len == 0)
		why = "empty response";
	else if (len >= INT32_MAX)
		why = "response too large";
	else if (memchr(buf, '\0', len) != NULL)
		why = "NUL byte in response";
	if (why != NULL) {
		perr(err, "protocol error: %s", why);
		return -1;
	}
	if ((tok = json_tokener_new()) == NULL) {
		perr(err, "out of memory");
		return -1;
	}
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	/* A bare number has no end of its own: say the input ends here. */
	if ((jerr = json_tokener_get_error(tok)) == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		perr(err, "protocol error: response is not JSON: %s",
		    json_tokener_error_desc(jerr));
		json_object_put(obj);
		return -1;
	}
	for (; end < len; end++)
		if (!isspace((unsigned char)buf[end])) {
			perr(err, "protocol error: garbage after the response "
			    "at byte %zu", end);
			json_object_put(obj);
			return -1;
		}
	*objp = obj;
	return 0;
}

/* The daemon's own message, as it said it, but safe for a terminal. */
static int
print_daemon_error(FILE *err, enum ctl_print_cmd cmd, struct json_object *resp)
{
	struct json_object	*v;
	char			*msg;

	if ((v = member(resp, "error", json_type_string)) == NULL)
		return perr(err, "%sthe daemon gave no reason",
		    cmd == CTL_PRINT_RELOAD ? "reload failed: " : "");
	if ((msg = strdup(json_object_get_string(v))) == NULL)
		return perr(err, "out of memory");
	sanitize(msg);
	perr(err, "%s%s", cmd == CTL_PRINT_RELOAD ? "reload failed: " : "",
	    msg);
	free(msg);
	return CTL_PRINT_EXIT_FAIL;
}

/* "anycastd 0.1.0, pid 4242, up 1m21s, reloads 1, config /etc/anycastd.conf" */
static void
print_daemon_line(FILE *out, struct json_object *d)
{
	struct json_object	*v;
	char			 pid[32], up[32], reloads[32], *line, *rerr;

	fmt_count(d, "pid", pid, sizeof(pid));
	fmt_ms(d, "uptime_ms", up, sizeof(up));
	fmt_count(d, "reloads", reloads, sizeof(reloads));
	if (asprintf(&line, "anycastd %s, pid %s, up %s, reloads %s, "
	    "config %s", str_cell(d, "version"), pid, up, reloads,
	    str_cell(d, "config")) == -1)
		return;
	sanitize(line);
	fprintf(out, "%s\n", line);
	free(line);

	/* Absent or null: the last reload worked, or there was none. */
	if ((v = any_member(d, "last_reload_error")) == NULL)
		return;
	rerr = strdup(json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "?");
	if (rerr == NULL)
		return;
	sanitize(rerr);
	fprintf(out, "last reload failed: %s\n", rerr);
	free(rerr);
}

/* Shown only while something fails to reach the kernel. */
static void
print_kernel_line(FILE *out, struct json_object *d)
{
	struct json_object	*v = member(d, "kernel_last_error",
				    json_type_string);
	char			 n[32], *msg;

	if (v == NULL || (msg = strdup(json_object_get_string(v))) == NULL)
		return;
	sanitize(msg);
	fmt_count(d, "kernel_errors", n, sizeof(n));
	fprintf(out, "kernel outputs failing (%s errors so far): %s\n", n, msg);
	free(msg);
}

/*
 * STATE: the state and, after it, what the operator or damping did to it:
 * "draining drain(12s left)", "down maint suppressed".
 */
static void
add_service_state(struct table *t, struct json_object *svc)
{
	const char	*state = str_cell(svc, "state");
	char		 drain[64] = "", left[32];

	/* A drain whose drain time is over has withdrawn: say so, not
	 * the operator's drain timer. */
	if (strcmp(state, "draining") == 0 &&
	    member(svc, "announced", json_type_boolean) &&
	    !member_true(svc, "announced"))
		snprintf(drain, sizeof(drain), " (withdrawn)");
	else if (member_true(svc, "drain")) {
		if (member_is_null(svc, "drain_left_ms"))
			snprintf(drain, sizeof(drain), " drain");
		else {
			fmt_ms(svc, "drain_left_ms", left, sizeof(left));
			snprintf(drain, sizeof(drain), " drain(%s left)", left);
		}
	}
	table_add(t, "%s%s%s%s%s", state, drain,
	    member_true(svc, "disabled") && strcmp(state, "disabled") != 0 ?
	    " disabled" : "",
	    member_true(svc, "maintenance") ? " maint" : "",
	    member_true(member(svc, "damping", json_type_object),
	    "suppressed") ? " suppressed" : "");
}

static void
add_prefixes(struct table *t, struct json_object *svc)
{
	struct json_object	*a, *p;
	char			*s = NULL;
	size_t			 i, n, len = 0;
	FILE			*f;

	if ((a = member(svc, "prefixes", json_type_array)) == NULL) {
		table_add(t, "?");
		return;
	}
	if ((n = json_object_array_length(a)) == 0) {
		table_add(t, "-");
		return;
	}
	if ((f = open_memstream(&s, &len)) == NULL) {
		t->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		fprintf(f, "%s%s", i == 0 ? "" : ",",
		    p != NULL && json_object_is_type(p, json_type_string) ?
		    json_object_get_string(p) : "?");
	}
	if (fclose(f) != 0) {
		free(s);
		t->failed = 1;
		return;
	}
	table_add(t, "%s", s);
	free(s);
}

static const struct column status_cols[] = {
	{ "SERVICE", 0 }, { "STATE", 0 }, { "SINCE", 1 }, { "PREFIXES", 0 },
	{ "CHECKS", 1 }, { "REASON", 0 },
};

static int
print_status(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*services, *svc;
	struct table		 t;
	char			 since[32], pass[32], total[32];
	size_t			 i, n;

	if ((services = member(resp, "services", json_type_array)) == NULL)
		return perr(err, "protocol error: status without a "
		    "\"services\" list");
	print_daemon_line(out, member(resp, "daemon", json_type_object));
	print_kernel_line(out, member(resp, "daemon", json_type_object));
	if ((n = json_object_array_length(services)) == 0) {
		fprintf(out, "no services\n");
		return CTL_PRINT_EXIT_OK;
	}
	table_init(&t, status_cols, nitems(status_cols));
	for (i = 0; i < n; i++) {
		svc = json_object_array_get_idx(services, i);
		fmt_ms(svc, "since_ms", since, sizeof(since));
		fmt_count(svc, "checks_passing", pass, sizeof(pass));
		fmt_count(svc, "checks_total", total, sizeof(total));
		table_add(&t, "%s", str_cell(svc, "name"));
		add_service_state(&t, svc);
		table_add(&t, "%s", since);
		add_prefixes(&t, svc);
		table_add(&t, "%s/%s", pass, total);
		table_add(&t, "%s", str_cell(svc, "reason"));
	}
	fputc('\n', out);
	return print_table(&t, out, err);
}

/* LAST: "status: detail", or the reason token when there is no detail. */
static void
add_last(struct table *t, struct json_object *chk)
{
	struct json_object	*last, *v;

	if (member_is_null(chk, "last")) {
		table_add(t, "-");
		return;
	}
	if ((last = member(chk, "last", json_type_object)) == NULL) {
		table_add(t, "?");
		return;
	}
	if ((v = member(last, "detail", json_type_string)) == NULL ||
	    json_object_get_string(v)[0] == '\0')
		v = member(last, "reason", json_type_string);
	if (v == NULL || json_object_get_string(v)[0] == '\0')
		table_add(t, "%s", str_cell(last, "status"));
	else
		table_add(t, "%s: %s", str_cell(last, "status"),
		    json_object_get_string(v));
}

/* RTT: "last/min/avg/max" in ms. */
static void
add_rtt(struct table *t, struct json_object *chk)
{
	struct json_object	*rtt;
	char			 l[32], mn[32], a[32], mx[32];

	if (member_is_null(chk, "rtt_ms")) {
		table_add(t, "-");
		return;
	}
	if ((rtt = member(chk, "rtt_ms", json_type_object)) == NULL) {
		table_add(t, "?");
		return;
	}
	fmt_rtt(rtt, "last", l, sizeof(l));
	fmt_rtt(rtt, "min", mn, sizeof(mn));
	fmt_rtt(rtt, "avg", a, sizeof(a));
	fmt_rtt(rtt, "max", mx, sizeof(mx));
	table_add(t, "%s/%s/%s/%s", l, mn, a, mx);
}

static const struct column checks_cols[] = {
	{ "SERVICE", 0 }, { "CHECK", 0 }, { "TYPE", 0 }, { "TARGET", 0 },
	{ "STATE", 0 }, { "LAST", 0 }, { "RTT(ms)", 0 }, { "OK", 1 },
	{ "FAIL", 1 }, { "BOGUS", 1 }, { "CHANGED", 1 },
};

static int
print_checks(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*checks, *chk;
	struct table		 t;
	char			 ok[32], fail[32], bogus[32], changed[32];
	size_t			 i, n;

	if ((checks = member(resp, "checks", json_type_array)) == NULL)
		return perr(err, "protocol error: show checks without a "
		    "\"checks\" list");
	if ((n = json_object_array_length(checks)) == 0) {
		fprintf(out, "no checks\n");
		return CTL_PRINT_EXIT_OK;
	}
	table_init(&t, checks_cols, nitems(checks_cols));
	for (i = 0; i < n; i++) {
		chk = json_object_array_get_idx(checks, i);
		table_add(&t, "%s", str_cell(chk, "service"));
		table_add(&t, "%s", str_cell(chk, "name"));
		table_add(&t, "%s", str_cell(chk, "type"));
		table_add(&t, "%s", str_cell(chk, "target"));
		table_add(&t, "%s", str_cell(chk, "state"));
		add_last(&t, chk);
		add_rtt(&t, chk);
		fmt_count(chk, "successes", ok, sizeof(ok));
		fmt_count(chk, "failures", fail, sizeof(fail));
		fmt_count(chk, "bogus", bogus, sizeof(bogus));
		fmt_ms(chk, "last_change_ms", changed, sizeof(changed));
		table_add(&t, "%s", ok);
		table_add(&t, "%s", fail);
		table_add(&t, "%s", bogus);
		table_add(&t, "%s", changed);
	}
	return print_table(&t, out, err);
}

static const struct column history_cols[] = {
	{ "WHEN", 0 }, { "AGO", 1 }, { "SERVICE", 0 }, { "CHECK", 0 },
	{ "FROM", 0 }, { "TO", 0 }, { "CHANGES", 1 }, { "REASON", 0 },
};

/* Oldest first, as a log reads. */
static int
print_history(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*list, *e;
	struct table		 t;
	char			 ago[32], n[32];
	size_t			 i, len;

	if ((list = member(resp, "history", json_type_array)) == NULL)
		return perr(err, "protocol error: show history without a "
		    "\"history\" list");
	if ((len = json_object_array_length(list)) == 0) {
		fprintf(out, "no state changes yet\n");
		return CTL_PRINT_EXIT_OK;
	}
	table_init(&t, history_cols, nitems(history_cols));
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(list, i);
		table_add(&t, "%s", str_cell(e, "time"));
		fmt_ms(e, "ago_ms", ago, sizeof(ago));
		table_add(&t, "%s", ago);
		table_add(&t, "%s", str_cell(e, "service"));
		table_add(&t, "%s", member_is_null(e, "check") ? "-" :
		    str_cell(e, "check"));
		table_add(&t, "%s", str_cell(e, "from"));
		table_add(&t, "%s", str_cell(e, "to"));
		fmt_count(e, "changes", n, sizeof(n));
		table_add(&t, "%s", n);
		table_add(&t, "%s", str_cell(e, "reason"));
	}
	return print_table(&t, out, err);
}

/* "service dns: draining" */
static int
print_service(FILE *out, struct json_object *resp)
{
	char	*line;

	if (asprintf(&line, "service %s: %s", str_cell(resp, "service"),
	    str_cell(resp, "state")) == -1)
		return CTL_PRINT_EXIT_FAIL;
	sanitize(line);
	fprintf(out, "%s\n", line);
	free(line);
	return CTL_PRINT_EXIT_OK;
}

static const struct column peers_cols[] = {
	{ "PEER", 0 }, { "NEIGHBOR", 0 }, { "AS", 1 }, { "STATE", 0 },
	{ "FOR", 1 }, { "HOLD", 1 }, { "MSGS IN/OUT", 1 },
	{ "UPDATES IN/OUT", 1 }, { "SENT", 1 }, { "BFD", 0 },
	{ "LAST ERROR", 0 },
};

/* "Up 100ms/300ms": the state, the transmit interval and detection time
 * in force; "-" without bfd. */
static void
add_bfd(struct table *t, struct json_object *p)
{
	struct json_object	*b = member(p, "bfd", json_type_object);
	char			 tx[32], det[32];

	if (b == NULL) {
		table_add(t, "%s", member_is_null(p, "bfd") ? "-" : "?");
		return;
	}
	fmt_ms(b, "tx_interval_ms", tx, sizeof(tx));
	fmt_ms(b, "detect_time_ms", det, sizeof(det));
	if (strcmp(det, "0ms") == 0)
		table_add(t, "%s", str_cell(b, "state"));
	else
		table_add(t, "%s %s/%s", str_cell(b, "state"), tx, det);
}

static int
print_peers(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*peers, *p;
	struct table		 t;
	char			 a[32], b[32], c[32], d[32];
	size_t			 i, n;

	if ((peers = member(resp, "peers", json_type_array)) == NULL)
		return perr(err, "protocol error: show peers without a "
		    "\"peers\" list");
	if ((n = json_object_array_length(peers)) == 0) {
		fprintf(out, "no bgp peers\n");
		return CTL_PRINT_EXIT_OK;
	}
	table_init(&t, peers_cols, nitems(peers_cols));
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(peers, i);
		table_add(&t, "%s", str_cell(p, "name"));
		table_add(&t, "%s", str_cell(p, "neighbor"));
		fmt_count(p, "remote_as", a, sizeof(a));
		table_add(&t, "%s", a);
		table_add(&t, "%s", str_cell(p, "state"));
		fmt_ms(p, "state_ms", a, sizeof(a));
		table_add(&t, "%s", a);
		if (member_is_null(p, "hold_time_s"))
			table_add(&t, "-");
		else {
			fmt_count(p, "hold_time_s", a, sizeof(a));
			table_add(&t, "%ss", a);
		}
		fmt_count(p, "msgs_in", a, sizeof(a));
		fmt_count(p, "msgs_out", b, sizeof(b));
		fmt_count(p, "updates_in", c, sizeof(c));
		fmt_count(p, "updates_out", d, sizeof(d));
		table_add(&t, "%s/%s", a, b);
		table_add(&t, "%s/%s", c, d);
		fmt_count(p, "prefixes_sent", a, sizeof(a));
		table_add(&t, "%s", a);
		add_bfd(&t, p);
		table_add(&t, "%s", member_is_null(p, "last_error") ? "-" :
		    str_cell(p, "last_error"));
	}
	return print_table(&t, out, err);
}

static const struct column routes_cols[] = {
	{ "PEER", 0 }, { "SERVICE", 0 }, { "PREFIX", 0 }, { "ANNOUNCED", 0 },
	{ "ATTRIBUTES", 0 },
};

static const struct column kernel_cols[] = {
	{ "SERVICE", 0 }, { "KIND", 0 }, { "PREFIX", 0 }, { "WHERE", 0 },
	{ "INSTALLED", 0 }, { "ERROR", 0 },
};

/* "via 203.0.113.2 weight 1, via 203.0.113.6 weight 3" or "dev lo" */
static void
add_where(struct table *t, struct json_object *k)
{
	struct json_object	*hops, *h;
	char			*s = NULL;
	size_t			 i, n, len = 0;
	FILE			*f;

	if (strcmp(str_cell(k, "kind"), "address") == 0) {
		table_add(t, "dev %s", str_cell(k, "dev"));
		return;
	}
	/* The kernel's next hops; those wanted while it holds none. */
	hops = member(k, "nexthops", json_type_array);
	if (hops && json_object_array_length(hops) == 0 &&
	    member(k, "wanted_nexthops", json_type_array))
		hops = member(k, "wanted_nexthops", json_type_array);
	if (hops == NULL || (f = open_memstream(&s, &len)) == NULL) {
		table_add(t, "?");
		return;
	}
	n = json_object_array_length(hops);
	for (i = 0; i < n; i++) {
		h = json_object_array_get_idx(hops, i);
		fprintf(f, "%s", i ? ", " : "");
		if (!member_is_null(h, "via"))
			fprintf(f, "via %s ", str_cell(h, "via"));
		if (!member_is_null(h, "dev"))
			fprintf(f, "dev %s ", str_cell(h, "dev"));
		fprintf(f, "weight %s", json_object_get_string(
		    any_member(h, "weight")));
	}
	fclose(f);
	table_add(t, "%s", s ? s : "?");
	free(s);
}

static int
print_routes(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*routes, *kernel, *r;
	struct table		 t;
	size_t			 i, n;
	int			 rc = CTL_PRINT_EXIT_OK;

	routes = member(resp, "routes", json_type_array);
	kernel = member(resp, "kernel", json_type_array);
	if (routes == NULL && kernel == NULL)
		return perr(err, "protocol error: show routes without "
		    "\"routes\" or \"kernel\"");
	n = routes ? json_object_array_length(routes) : 0;
	fprintf(out, "BGP announcements:%s\n", n ? "" : " none");
	if (n) {
		table_init(&t, routes_cols, nitems(routes_cols));
		for (i = 0; i < n; i++) {
			r = json_object_array_get_idx(routes, i);
			table_add(&t, "%s", str_cell(r, "peer"));
			table_add(&t, "%s", str_cell(r, "service"));
			table_add(&t, "%s", str_cell(r, "prefix"));
			/* Older daemons listed only what was announced. */
			table_add(&t, "%s", member_true(r, "announced") ||
			    !member(r, "announced", json_type_boolean) ?
			    "yes" : "no");
			table_add(&t, "%s", member_is_null(r, "attributes") ?
			    "-" : str_cell(r, "attributes"));
		}
		rc = print_table(&t, out, err);
	}
	n = kernel ? json_object_array_length(kernel) : 0;
	fprintf(out, "\nKernel routes and addresses:%s\n", n ? "" : " none");
	if (n == 0 || rc != CTL_PRINT_EXIT_OK)
		return rc;
	table_init(&t, kernel_cols, nitems(kernel_cols));
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(kernel, i);
		table_add(&t, "%s", str_cell(r, "service"));
		table_add(&t, "%s", str_cell(r, "kind"));
		table_add(&t, "%s", str_cell(r, "prefix"));
		add_where(&t, r);
		table_add(&t, "%s", member_true(r, "installed") ? "yes" :
		    member_true(r, "foreign") ? "present, not ours" : "no");
		table_add(&t, "%s", member_is_null(r, "error") ? "-" :
		    str_cell(r, "error"));
	}
	return print_table(&t, out, err);
}

/*
 * A response of a command without a format of its own: whatever came
 * besides the envelope, as JSON.
 */
static int
print_other(FILE *out, FILE *err, struct json_object *resp)
{
	struct json_object	*rest;

	if ((rest = json_object_new_object()) == NULL)
		return perr(err, "out of memory");
	json_object_object_foreach(resp, key, val) {
		if (strcmp(key, "version") == 0 || strcmp(key, "ok") == 0)
			continue;
		json_object_object_add(rest, key, json_object_get(val));
	}
	if (json_object_object_length(rest) == 0)
		fprintf(out, "ok\n");
	else
		fprintf(out, "%s\n", json_object_to_json_string_ext(rest,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(rest);
	return CTL_PRINT_EXIT_OK;
}

/* The envelope every response has: an object, "version": 1, "ok". */
static int
check_envelope(FILE *err, struct json_object *resp, int *ok)
{
	struct json_object	*v;

	if (!json_object_is_type(resp, json_type_object))
		return perr(err, "protocol error: response is not a JSON "
		    "object");
	if ((v = member(resp, "version", json_type_int)) == NULL)
		return perr(err, "protocol error: response without a "
		    "\"version\"");
	if (json_object_get_int64(v) != PROTO_VERSION)
		return perr(err, "protocol error: response has version "
		    "%" PRId64 ", anycastctl speaks version %d",
		    json_object_get_int64(v), PROTO_VERSION);
	if ((v = member(resp, "ok", json_type_boolean)) == NULL)
		return perr(err, "protocol error: response without "
		    "\"ok\": true or false");
	*ok = json_object_get_boolean(v);
	return CTL_PRINT_EXIT_OK;
}

/* Keep the entries of LIST whose KEY is SERVICE; how many are left. */
static size_t
keep_service(struct json_object *obj, const char *list, const char *key,
    const char *service)
{
	struct json_object	*arr, *kept, *e;
	size_t			 i, n;

	if ((arr = member(obj, list, json_type_array)) == NULL)
		return 0;
	if ((kept = json_object_new_array()) == NULL)
		return 0;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (strcmp(str_cell(e, key), service) == 0)
			json_object_array_add(kept, json_object_get(e));
	}
	n = json_object_array_length(kept);
	json_object_object_add(obj, list, kept);
	return n;
}

/* show checks dns: only what concerns service dns. */
static int
filter(FILE *err, enum ctl_print_cmd cmd, struct json_object *resp,
    const char *service)
{
	size_t n = 0;

	switch (cmd) {
	case CTL_PRINT_STATUS:
		n = keep_service(resp, "services", "name", service);
		break;
	case CTL_PRINT_CHECKS:
		n = keep_service(resp, "checks", "service", service);
		break;
	case CTL_PRINT_ROUTES:
		/* A service may have nothing announced or installed now:
		 * anycastctl asked the status whether it exists
		 * (ctl_print_known_service). */
		keep_service(resp, "routes", "service", service);
		keep_service(resp, "kernel", "service", service);
		return CTL_PRINT_EXIT_OK;
	default:
		return CTL_PRINT_EXIT_OK;
	}
	if (n == 0)
		return perr(err, "no such service: %s", service);
	return CTL_PRINT_EXIT_OK;
}

int
ctl_print_known_service(FILE *err, const char *buf, size_t len,
    const char *service)
{
	struct json_object	*resp;
	int			 ok = 0, rc;

	if (parse_response(err, buf, len, &resp) == -1)
		return CTL_PRINT_EXIT_FAIL;
	if ((rc = check_envelope(err, resp, &ok)) == CTL_PRINT_EXIT_OK) {
		if (!ok)
			rc = print_daemon_error(err, CTL_PRINT_STATUS, resp);
		else if (keep_service(resp, "services", "name", service) == 0)
			rc = perr(err, "no such service: %s", service);
	}
	json_object_put(resp);
	return rc;
}

int
ctl_print_response(FILE *out, FILE *err, enum ctl_print_cmd cmd, int json,
    const char *buf, size_t len)
{
	return ctl_print_filtered(out, err, cmd, json, buf, len, NULL);
}

int
ctl_print_filtered(FILE *out, FILE *err, enum ctl_print_cmd cmd, int json,
    const char *buf, size_t len, const char *service)
{
	struct json_object	*resp;
	int			 ok = 0, rc;

	if (parse_response(err, buf, len, &resp) == -1)
		return CTL_PRINT_EXIT_FAIL;
	if (check_envelope(err, resp, &ok) != CTL_PRINT_EXIT_OK)
		rc = CTL_PRINT_EXIT_FAIL;
	else if (ok && service && filter(err, cmd, resp, service) !=
	    CTL_PRINT_EXIT_OK)
		rc = CTL_PRINT_EXIT_FAIL;
	else if (json) {
		fprintf(out, "%s\n", json_object_to_json_string_ext(resp,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		rc = ok ? CTL_PRINT_EXIT_OK : CTL_PRINT_EXIT_FAIL;
	} else if (!ok)
		rc = print_daemon_error(err, cmd, resp);
	else {
		switch (cmd) {
		case CTL_PRINT_STATUS:
			rc = print_status(out, err, resp);
			break;
		case CTL_PRINT_CHECKS:
			rc = print_checks(out, err, resp);
			break;
		case CTL_PRINT_SERVICE:
			rc = print_service(out, resp);
			break;
		case CTL_PRINT_RELOAD:
			fprintf(out, "reloaded\n");
			rc = CTL_PRINT_EXIT_OK;
			break;
		case CTL_PRINT_PEERS:
			rc = print_peers(out, err, resp);
			break;
		case CTL_PRINT_ROUTES:
			rc = print_routes(out, err, resp);
			break;
		case CTL_PRINT_HISTORY:
			rc = print_history(out, err, resp);
			break;
		default:
			rc = print_other(out, err, resp);
			break;
		}
	}
	json_object_put(resp);
	return rc;
}
