/* SPDX-License-Identifier: ISC */
/*
 * anycastd import: the command, the table of formats, and the helpers
 * every importer shares (see import.h).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "import/import.h"
#include "sys/util.h"

static const struct {
	const char	*name;
	const char	*what;
	int		(*run)(FILE *, FILE *, struct imp_diag *);
} formats[] = {
	{ "ios", "Cisco IOS ip sla, track and tracked static routes",
	    import_ios },
	{ "exabgp-healthcheck", "ExaBGP's healthcheck and its neighbor block",
	    import_exabgp },
	{ "anycast-healthchecker", "anycast-healthchecker's INI files",
	    import_ahc },
};

/* Kept, to be printed in the order of the lines they are about. */
static void
diag(struct imp_diag *d, unsigned line, const char *kind, const char *fmt,
    va_list ap)
{
	struct imp_msg	*m;
	char		 text[512];

	if (d->nmsg == IMP_MAX_MSGS)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	m = &d->msg[d->nmsg++];
	m->line = line;
	m->seq = d->nmsg;
	if (line)
		snprintf(m->text, sizeof(m->text), "%s: line %u: %s%s",
		    d->file, line, kind, text);
	else
		snprintf(m->text, sizeof(m->text), "%s: %s%s", d->file, kind,
		    text);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct imp_msg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : 1;
}

static void
print_diags(struct imp_diag *d)
{
	int i;

	qsort(d->msg, (size_t)d->nmsg, sizeof(d->msg[0]), msg_cmp);
	for (i = 0; i < d->nmsg; i++)
		fprintf(d->err, "%s\n", d->msg[i].text);
	if (d->nmsg == IMP_MAX_MSGS)
		fprintf(d->err, "%s: more messages not shown\n", d->file);
}

void
imp_error(struct imp_diag *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag(d, line, "", fmt, ap);
	va_end(ap);
	d->errors++;
}

void
imp_warn(struct imp_diag *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag(d, line, "warning: ", fmt, ap);
	va_end(ap);
	d->warnings++;
}

/* Split s in place by sh(1)'s quoting rules; -1 if a quote is open. */
int
imp_split_shell(char *s, char **w, int max)
{
	char	*r = s, *o = s;
	int	 n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0')
			return n;
		if (n == max)
			return -1;
		w[n++] = o;
		while (*r != '\0' && *r != ' ' && *r != '\t') {
			char q = *r;

			if (q == '\'' || q == '"') {
				for (r++; *r != q; r++) {
					if (*r == '\0')
						return -1;
					if (q == '"' && *r == '\\' &&
					    strchr("\"\\$`", r[1]) && r[1])
						r++;
					*o++ = *r;
				}
				r++;
			} else if (q == '\\' && r[1] != '\0') {
				*o++ = r[1];
				r += 2;
			} else
				*o++ = *r++;
		}
		if (*r != '\0')
			r++;
		*o++ = '\0';
	}
}

static int
split_plain(char *s, char **w, int max)
{
	int n = 0;

	for (s = strtok(s, " \t"); s; s = strtok(NULL, " \t")) {
		if (n == max)
			return -1;
		w[n++] = s;
	}
	return n;
}

int
imp_read_line(FILE *in, struct imp_line *l, int shell, struct imp_diag *d)
{
	size_t	len;
	int	c;

	if (fgets(l->buf, sizeof(l->buf), in) == NULL)
		return 0;
	l->no++;
	len = strlen(l->buf);
	if (len == sizeof(l->buf) - 1 && l->buf[len - 1] != '\n') {
		while ((c = fgetc(in)) != EOF && c != '\n')
			;
		imp_error(d, l->no, "line longer than %zu bytes",
		    sizeof(l->buf) - 2);
		return -1;
	}
	if (memchr(l->buf, '\0', len) != NULL || len != strlen(l->buf)) {
		imp_error(d, l->no, "NUL byte in the line");
		return -1;
	}
	while (len > 0 && isspace((unsigned char)l->buf[len - 1]))
		l->buf[--len] = '\0';
	l->indented = l->buf[0] == ' ' || l->buf[0] == '\t';
	l->nwords = shell ? imp_split_shell(l->buf, l->w, IMP_MAX_WORDS) :
	    split_plain(l->buf, l->w, IMP_MAX_WORDS);
	if (l->nwords < 0) {
		imp_error(d, l->no, shell ? "unbalanced quotes or more than "
		    "%d words" : "more than %d words", IMP_MAX_WORDS);
		l->nwords = 0;
		return -1;
	}
	return 1;
}

int
imp_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char			*end;
	unsigned long long	 n;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end != '\0' || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* Seconds, maybe with a fraction ("0.5"), 1 ms to a day, as ms. */
int
imp_seconds(const char *s, uint64_t *ms)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0.001 && v <= 86400))
		return -1;
	*ms = (uint64_t)(v * 1000 + 0.5);
	return 0;
}

/* Control characters cannot be in a config string: they are dropped. */
void
imp_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= ' ' || *s == '\t')
			fputc(*s, f);
	}
	fputc('"', f);
}

void
imp_put_duration(FILE *f, uint64_t ms)
{
	char buf[64];

	util_fmt_duration(ms, buf, sizeof(buf));
	fputs(buf, f);
}

/* A check's timers, inside its block; fast 0: not written. */
void
imp_put_timers(FILE *f, uint64_t interval, uint64_t fast, uint64_t timeout,
    uint64_t rise, uint64_t fall)
{
	fprintf(f, "\t\tinterval ");
	imp_put_duration(f, interval);
	if (fast) {
		fprintf(f, ";\n\t\tfast-interval ");
		imp_put_duration(f, fast);
	}
	fprintf(f, ";\n\t\ttimeout ");
	imp_put_duration(f, timeout);
	fprintf(f, ";\n\t\trise %llu;\n\t\tfall %llu;\n",
	    (unsigned long long)rise, (unsigned long long)fall);
}

void
imp_make_name(char *dst, size_t len, const char *prefix, const char *src)
{
	size_t	o = 0;
	int	dash = 0;

	for (; *prefix && o + 1 < len && o < 63; prefix++)
		dst[o++] = *prefix;
	for (; *src && o + 1 < len && o < 63; src++) {
		if (isalnum((unsigned char)*src) || *src == '_') {
			dst[o++] = *src;
			dash = 0;
		} else if (!dash && o > 0) {
			dst[o++] = '-';
			dash = 1;
		}
	}
	while (o > 0 && dst[o - 1] == '-')
		o--;
	if (o == 0 && len > 8)
		o = (size_t)snprintf(dst, len, "imported");
	dst[o] = '\0';
}

/*
 * The importers check what they copy, but the promise is that what is
 * printed is a configuration anycastd accepts: the parser has the last
 * word, and what it refuses is reported, not printed.
 */
static void
refuse_invalid(struct imp_diag *d, const char *text, size_t len)
{
	struct conf	*c;
	char		 msg[512];

	if ((c = conf_load_buffer("imported", text, len, msg,
	    sizeof(msg))) != NULL) {
		conf_free(c);
		return;
	}
	imp_error(d, 0, "cannot be imported as it is: the configuration made "
	    "from it is refused (%s)", msg);
}

/* The index of format in formats[], or -1 after saying it is unknown. */
static int
find_format(const char *format, FILE *err)
{
	size_t i;

	for (i = 0; i < nitems(formats); i++)
		if (strcmp(format, formats[i].name) == 0)
			return (int)i;
	fprintf(err, "anycastd import: unknown format '%s' (", format);
	for (i = 0; i < nitems(formats); i++)
		fprintf(err, "%s%s", i ? ", " : "", formats[i].name);
	fprintf(err, ")\n");
	return -1;
}

int
import_run(const char *format, FILE *in, const char *name, FILE *out,
    FILE *err)
{
	struct imp_diag	*d;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*mem;
	int		 rc, i;

	if ((i = find_format(format, err)) == -1)
		return 2;
	/* Buffered, so that a failed import prints no half config. */
	d = xcalloc(1, sizeof(*d));
	if ((mem = open_memstream(&text, &len)) == NULL) {
		fprintf(err, "anycastd import: %s\n", strerror(errno));
		free(d);
		return 1;
	}
	d->file = name;
	d->err = err;
	formats[i].run(in, mem, d);
	fclose(mem);
	if (d->errors == 0)
		refuse_invalid(d, text, len);
	print_diags(d);
	if (d->errors == 0)
		fwrite(text, 1, len, out);
	else
		fprintf(err, "%s: %d error%s, nothing imported\n", name,
		    d->errors, d->errors == 1 ? "" : "s");
	rc = d->errors ? 1 : 0;
	free(text);
	free(d);
	return rc;
}

/*
 * A FIFO or a device must not block the import: regular files only.  On
 * failure, why is written to why.
 */
FILE *
imp_open_regular(const char *path, char *why, size_t len)
{
	struct stat	 st;
	FILE		*f = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		snprintf(why, len, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(why, len, "not a regular file");
	else if ((f = fdopen(fd, "r")) == NULL)
		snprintf(why, len, "%s", strerror(errno));
	if (f == NULL && fd != -1)
		close(fd);
	return f;
}

static void
import_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: anycastd import FORMAT [FILE|-]\n"
	    "Print an anycastd.conf equivalent to FILE (default: standard "
	    "input).\nFormats:\n");
	for (i = 0; i < nitems(formats); i++)
		fprintf(f, "  %-22s %s\n", formats[i].name, formats[i].what);
	fprintf(f, "See anycastd(8) and docs/migration.md.\n");
}

int
import_main(int argc, char *argv[])
{
	const char	*path = "-";
	char		 why[128];
	FILE		*in = stdin;
	int		 rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		import_usage(stdout);
		return 0;
	}
	if (argc < 2 || argc > 3) {
		import_usage(stderr);
		return 2;
	}
	if (argc == 3)
		path = argv[2];
	if (find_format(argv[1], stderr) == -1)
		return 2;
	if (strcmp(path, "-") != 0 &&
	    (in = imp_open_regular(path, why, sizeof(why))) == NULL) {
		fprintf(stderr, "anycastd import: %s: %s\n", path, why);
		return 1;
	}
	rc = import_run(argv[1], in, strcmp(path, "-") ? path : "<stdin>",
	    stdout, stderr);
	if (in != stdin)
		fclose(in);
	return rc;
}
