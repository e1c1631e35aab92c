/* SPDX-License-Identifier: ISC */
/*
 * The table of check types: one row per descriptor (check_desc.h), in
 * the order of enum check_type (check_types.h).  Adding a type is an
 * entry in the enum, its descriptor's extern and a row here, and its
 * own file (docs/architecture.md, "Add a check type").
 */
#include <string.h>

#include "check/check_desc.h"
#include "conf/conf.h"

static const struct check_desc *const table[CHECK_NTYPES] = {
	[CHECK_DNS] = &check_desc_dns,
	[CHECK_TCP] = &check_desc_tcp,
	[CHECK_EXEC] = &check_desc_exec,
	[CHECK_FILE] = &check_desc_file,
	[CHECK_BFD] = &check_desc_bfd,
	[CHECK_DOT] = &check_desc_dot,
};

const struct check_desc *
check_desc_of(enum check_type t)
{
	if ((unsigned)t >= CHECK_NTYPES)
		fatal("check type %d out of range", (int)t);
	return table[t];
}

int
check_desc_find(const char *name)
{
	int t;

	for (t = 0; t < CHECK_NTYPES; t++)
		if (strcmp(table[t]->name, name) == 0)
			return t;
	return -1;
}

const char *
check_desc_block_names(void)
{
	static char	 names[128];
	size_t		 off = 0;
	int		 t;

	if (names[0] != '\0')
		return names;
	for (t = 0; t < CHECK_NTYPES; t++)
		if (table[t]->flags & CT_BLOCK)
			off += (size_t)snprintf(names + off, sizeof(names) - off,
			    "%s%s", off ? ", " : "", table[t]->name);
	return names;
}

int
check_is_maint(enum check_type t)
{
	return (check_desc_of(t)->flags & CT_MAINT) != 0;
}
