/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the config parser (src/conf/).  The input is a
 * config file.  When it parses, its canonical print must parse again and
 * print the same text, and every service and check must compare equal to
 * its reparsed self (reloads rely on both).  When it does not parse, the
 * message must be a terminated "fuzz.conf:LINE:COL: text" that points
 * inside the input.  A broken promise aborts, and the input is the
 * reproducer.
 *
 * Inputs that mention "include" are skipped: an include opens a path
 * taken from the input, and a fuzzer should not read the file system.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

#define NAME	"fuzz.conf"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
print(const struct conf *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	conf_print(f, c);
	if (fclose(f) != 0)
		abort();
	return buf;
}

/* "fuzz.conf:LINE:COL: message", LINE and COL within the input. */
static void
check_error(const char *err, size_t errlen, const uint8_t *data,
    size_t size)
{
	size_t	 i, lines = 1;
	int	 line, col, n = 0;

	if (memchr(err, '\0', errlen) == NULL)
		abort();
	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (sscanf(err, NAME ":%d:%d: %n", &line, &col, &n) != 2 || n == 0 ||
	    err[n] == '\0') {
		fprintf(stderr, "malformed error: %s\n", err);
		abort();
	}
	if (line < 1 || (size_t)line > lines || col < 1 ||
	    (size_t)col > size + 1) {
		fprintf(stderr, "error outside the input: %s\n", err);
		abort();
	}
}

static void
check_equal(const struct conf *a, const struct conf *b)
{
	const struct service_conf	*sa, *sb;
	const struct check_conf		*ca, *cb;

	for (sa = a->services, sb = b->services; sa && sb;
	    sa = sa->next, sb = sb->next) {
		if (!conf_service_equal(sa, sb)) {
			fprintf(stderr, "service %s differs after reparse\n",
			    sa->name);
			abort();
		}
		for (ca = sa->checks, cb = sb->checks; ca && cb;
		    ca = ca->next, cb = cb->next)
			if (!conf_check_equal(ca, cb)) {
				fprintf(stderr, "check %s of %s differs after "
				    "reparse\n", ca->name, sa->name);
				abort();
			}
		if (ca || cb)
			abort();
	}
	if (sa || sb || a->nservices != b->nservices)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c, *c2;
	char		 err[512], *a, *b;

	if (memmem(data, size, "include", 7) != NULL)
		return 0;
	memset(err, 'x', sizeof(err));
	c = conf_load_buffer(NAME, (const char *)data, size, err, sizeof(err));
	if (c == NULL) {
		check_error(err, sizeof(err), data, size);
		return 0;
	}
	a = print(c);
	c2 = conf_load_buffer(NAME, a, strlen(a), err, sizeof(err));
	if (c2 == NULL) {
		fprintf(stderr, "the canonical form does not parse: %s\n"
		    "--- canonical form:\n%s", err, a);
		abort();
	}
	b = print(c2);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "the canonical form is not a fixed point\n"
		    "--- first print:\n%s--- second print:\n%s", a, b);
		abort();
	}
	check_equal(c, c2);
	free(a);
	free(b);
	conf_free(c);
	conf_free(c2);
	return 0;
}
