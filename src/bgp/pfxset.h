/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PFXSET_H
#define ANYCASTD_PFXSET_H

#include <stddef.h>
#include <stdint.h>

#include "sys/util.h"

/*
 * A set of exact prefixes (family, length, address): a hash table with
 * open addressing, for "is this one of ours" on every prefix a peer
 * sends.  The hash is keyed with a random seed, so a peer cannot choose
 * prefixes that all land in one bucket.
 */

/*
 * One slot is one cache line's share: the address bytes, the value and
 * the key's small parts side by side, so that a lookup (a received
 * prefix against 100,000 service prefixes, bench/rib-in) touches one
 * line, not one in each of three arrays.
 */
struct pfxset_slot {
	uint8_t		addr[16];	/* an IPv4 address in the first 4 */
	uint32_t	val;		/* a number kept with each prefix */
	uint8_t		v6;		/* 0 empty, 1 AF_INET, 2 AF_INET6 */
	uint8_t		len;
};

struct pfxset {
	struct pfxset_slot	*slot;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
	uint64_t		 seed;
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
/* Slot I (below cap): 1 with its prefix and value when it holds one. */
int	pfxset_at(const struct pfxset *, size_t i, struct prefix *,
	    uint32_t *val);

#endif
