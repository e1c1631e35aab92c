/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PFXSET_H
#define ANYCASTD_PFXSET_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * A set of exact prefixes (family, length, address): a hash table with
 * open addressing, for "is this one of ours" on every prefix a peer
 * sends.  The hash is keyed with a random seed, so a peer cannot choose
 * prefixes that all land in one bucket.
 */

struct pfxset {
	struct prefix	*slot;
	uint32_t	*val;		/* a number kept with each prefix */
	uint8_t		*used;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	uint64_t	 seed;
};

void	pfxset_init(struct pfxset *);
void	pfxset_free(struct pfxset *);
/* 1 when added, 0 when already there. */
int	pfxset_add(struct pfxset *, const struct prefix *);
/* pfxset_add keeping VAL with the prefix (a new VAL when there). */
int	pfxset_put(struct pfxset *, const struct prefix *, uint32_t val);
/* 1 and *VAL when there. */
int	pfxset_get(const struct pfxset *, const struct prefix *, uint32_t *val);
/* 1 when removed, 0 when not there. */
int	pfxset_del(struct pfxset *, const struct prefix *);
int	pfxset_has(const struct pfxset *, const struct prefix *);

#endif
