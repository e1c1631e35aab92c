/* SPDX-License-Identifier: ISC */
/*
 * Prefix sets: linear probing, at most half full, deletion by shifting
 * back the entries after the hole (no tombstones, so a peer announcing
 * and withdrawing for ever does not slow lookups down).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pfxset.h"

/* The bytes that make a prefix what it is. */
static size_t
key(const struct prefix *p, uint8_t k[18])
{
	size_t alen = p->addr.family == AF_INET6 ? 16 : 4;

	k[0] = (uint8_t)p->addr.family;
	k[1] = p->len;
	memcpy(k + 2, &p->addr.u, alen);
	return alen + 2;
}

static int
same(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && util_addr_eq(&a->addr, &b->addr);
}

static uint64_t
hash(const struct pfxset *s, const struct prefix *p)
{
	uint8_t		k[18];
	size_t		n = key(p, k), i;
	uint64_t	h = s->seed ^ 0x9e3779b97f4a7c15ull;

	for (i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return h;
}

void
pfxset_init(struct pfxset *s)
{
	memset(s, 0, sizeof(*s));
	s->seed = ((uint64_t)util_random() << 32) | util_random();
}

void
pfxset_free(struct pfxset *s)
{
	free(s->slot);
	free(s->val);
	free(s->used);
	s->slot = NULL;
	s->val = NULL;
	s->used = NULL;
	s->cap = s->n = 0;
}

static size_t
find(const struct pfxset *s, const struct prefix *p)
{
	size_t i = (size_t)hash(s, p) & (s->cap - 1);

	while (s->used[i] && !same(&s->slot[i], p))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void
grow(struct pfxset *s)
{
	struct pfxset	old = *s;
	size_t		i;

	s->cap = old.cap ? old.cap * 2 : 16;
	s->slot = xreallocarray(NULL, s->cap, sizeof(*s->slot));
	s->val = xreallocarray(NULL, s->cap, sizeof(*s->val));
	s->used = xcalloc(s->cap, 1);
	s->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.used[i])
			pfxset_put(s, &old.slot[i], old.val[i]);
	free(old.slot);
	free(old.val);
	free(old.used);
}

int
pfxset_has(const struct pfxset *s, const struct prefix *p)
{
	return s->cap > 0 && s->used[find(s, p)];
}

int
pfxset_get(const struct pfxset *s, const struct prefix *p, uint32_t *val)
{
	size_t i;

	if (s->cap == 0 || !s->used[i = find(s, p)])
		return 0;
	*val = s->val[i];
	return 1;
}

int
pfxset_put(struct pfxset *s, const struct prefix *p, uint32_t val)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	if (s->used[i = find(s, p)]) {
		s->val[i] = val;
		return 0;
	}
	s->slot[i] = *p;
	s->val[i] = val;
	s->used[i] = 1;
	s->n++;
	return 1;
}

int
pfxset_add(struct pfxset *s, const struct prefix *p)
{
	uint32_t val;

	return pfxset_get(s, p, &val) ? 0 : pfxset_put(s, p, 0);
}

int
pfxset_del(struct pfxset *s, const struct prefix *p)
{
	size_t	i, j, home, mask = s->cap - 1;

	if (s->cap == 0 || !s->used[i = find(s, p)])
		return 0;
	s->used[i] = 0;
	s->n--;
	/* Move back each later entry of the run that could sit in the
	 * hole: one whose home is not cyclically in (i, j]. */
	for (j = (i + 1) & mask; s->used[j]; j = (j + 1) & mask) {
		home = (size_t)hash(s, &s->slot[j]) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		s->slot[i] = s->slot[j];
		s->val[i] = s->val[j];
		s->used[i] = 1;
		s->used[j] = 0;
		i = j;
	}
	return 1;
}
