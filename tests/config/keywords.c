/* SPDX-License-Identifier: ISC */
/*
 * Every keyword the config parser accepts, one a line, from the parser's
 * own tables: each block's table (conf_int.h), each check type's tables
 * and, for a type written as a block, its name (the descriptors,
 * check_desc.h), and `include`, which the statement reader
 * (conf_parse.c) knows without a table.  tests/config/man-keywords
 * checks each against man/anycastd.conf.5.
 *
 * usage: keywords [-n]	-n: instead, how many distinct tables it walks
 * (man-keywords compares that with the tables defined in src/, so that a
 * new block's table cannot be left out of the list below).
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf_int.h"

static const struct keyword *const blocks[] = {
	conf_global_kw, conf_service_kw, conf_damping_kw, conf_net_kw,
	conf_every_kw, conf_probe_kw, conf_bgp_kw, conf_attr_kw,
	conf_announce_kw, conf_bfd_kw, conf_route_kw,
};

static const struct keyword	*seen[64];
static size_t			 nseen;
static int			 count_only;

static void
word(const char *w)
{
	if (!count_only)
		printf("%s\n", w);
}

static void
table(const struct keyword *t)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i] == t)
			return;
	if (nseen == sizeof(seen) / sizeof(seen[0])) {
		fprintf(stderr, "keywords: more than %zu tables\n", nseen);
		return;
	}
	seen[nseen++] = t;
	for (; t->name; t++)
		word(t->name);
}

int
main(int argc, char **argv)
{
	const struct check_desc	*d;
	size_t			 i;
	int			 t;

	count_only = argc > 1 && strcmp(argv[1], "-n") == 0;
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		table(blocks[i]);
	for (t = 0; t < CHECK_NTYPES; t++) {
		d = check_desc_of((enum check_type)t);
		for (i = 0; i < 2; i++)
			if (d->keywords[i])
				table(d->keywords[i]);
		if (d->flags & CT_BLOCK)
			word(d->name);
	}
	word("include");
	if (count_only)
		printf("%zu\n", nseen);
	return 0;
}
