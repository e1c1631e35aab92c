/* SPDX-License-Identifier: ISC */
/*
 * Whether two configs of a check, a service, a bgp block or an
 * announcement are the same, for a reload: they are when they print
 * alike (conf_print.c), one source of truth for what a setting is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

/* What FN prints of ARG, as a string to free. */
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

static int
printed_equal(void (*fn)(FILE *, const void *), const void *a, const void *b)
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
	return printed_equal(print_check, a, b);
}

/* The service's own settings, not its checks. */
int
conf_service_equal(const struct service_conf *a, const struct service_conf *b)
{
	return printed_equal(print_service_head, a, b);
}

static void
print_bgp(FILE *f, const void *b)
{
	conf_print_bgp(f, b);
}

static void
print_announce(FILE *f, const void *a)
{
	conf_print_announce(f, a);
}

int
conf_bgp_equal(const struct bgp_conf *a, const struct bgp_conf *b)
{
	return printed_equal(print_bgp, a, b);
}

int
conf_announce_equal(const struct announce_conf *a,
    const struct announce_conf *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return printed_equal(print_announce, a, b);
}
