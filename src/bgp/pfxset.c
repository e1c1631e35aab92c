/* SPDX-License-Identifier: ISC */
/*
 * Prefix sets: linear probing, at most half full, deletion by shifting
 * back the entries after the hole (no tombstones, so a peer announcing
 * and withdrawing for ever does not slow lookups down).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "bgp/pfxset.h"
#include "sys/log.h"

/* A prefix as a slot holds it: the key compared and hashed whole. */
static void
to_slot(const struct prefix *p, struct pfxset_slot *k)
{
	memset(k, 0, sizeof(*k));
	if (p->addr.family == AF_INET6) {
		memcpy(k->addr, &p->addr.u.v6, 16);
		k->v6 = 2;
	} else {
		memcpy(k->addr, &p->addr.u.v4, 4);
		k->v6 = 1;
	}
	k->len = p->len;
}

static int
same(const struct pfxset_slot *a, const struct pfxset_slot *b)
{
	return a->v6 == b->v6 && a->len == b->len &&
	    memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return h;
}

/* Two words of address and one of family and length, each mixed in
 * with the seed: a peer cannot aim its prefixes at one bucket. */
static uint64_t
hash(const struct pfxset *s, const struct pfxset_slot *k)
{
	uint64_t	w[2];
	uint64_t	h = s->seed ^ 0x9e3779b97f4a7c15ull;

	memcpy(w, k->addr, sizeof(w));
	h = mix(h ^ w[0]);
	h = mix(h ^ w[1]);
	return mix(h ^ ((uint64_t)k->v6 << 8 | k->len));
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
	s->slot = NULL;
	s->cap = s->n = 0;
}

static size_t
find(const struct pfxset *s, const struct pfxset_slot *k)
{
	size_t i = (size_t)hash(s, k) & (s->cap - 1);

	while (s->slot[i].v6 && !same(&s->slot[i], k))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/*
 * Slots for CAP entries.  A table of megabytes (100,000 service
 * prefixes: 6 MB) is looked up at random places, one per received
 * prefix: in 4 KiB pages nearly every lookup also misses the TLB (and
 * under a hypervisor a page walk is two), so a big table asks for huge
 * pages (transparent_hugepage "madvise" mode gives them only on ask).
 */
#define HUGE_PAGE	(2 * 1024 * 1024)

static struct pfxset_slot *
slots_new(size_t cap)
{
	size_t	 bytes = cap * sizeof(struct pfxset_slot);
	void	*m;

	if (cap > SIZE_MAX / sizeof(struct pfxset_slot))
		fatalx_oom();
	if (bytes < HUGE_PAGE)
		return xreallocarray(NULL, cap, sizeof(struct pfxset_slot));
	bytes = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if (posix_memalign(&m, HUGE_PAGE, bytes) != 0)
		fatalx_oom();
	(void)madvise(m, bytes, MADV_HUGEPAGE);	/* a hint; may be off */
	return m;
}

static void
grow(struct pfxset *s)
{
	struct pfxset_slot	*old = s->slot;
	size_t			 oldcap = s->cap, i;

	s->cap = oldcap ? oldcap * 2 : 16;
	/* Written whole before the first lookup: calloc's fresh pages
	 * would be read (mapping the shared zero page) and then written,
	 * a second fault and a TLB flush per page of a 6 MB table. */
	s->slot = slots_new(s->cap);
	memset(s->slot, 0, s->cap * sizeof(*s->slot));
	for (i = 0; i < oldcap; i++)
		if (old[i].v6)
			s->slot[find(s, &old[i])] = old[i];
	free(old);
}

int
pfxset_has(const struct pfxset *s, const struct prefix *p)
{
	uint32_t val;

	return pfxset_get(s, p, &val);
}

int
pfxset_get(const struct pfxset *s, const struct prefix *p, uint32_t *val)
{
	struct pfxset_slot	k;
	size_t			i;

	if (s->cap == 0)
		return 0;
	to_slot(p, &k);
	if (!s->slot[i = find(s, &k)].v6)
		return 0;
	*val = s->slot[i].val;
	return 1;
}

/* One lookup: the slot holding P, or the empty one where it goes. */
static struct pfxset_slot *
place(struct pfxset *s, const struct prefix *p, struct pfxset_slot *k)
{
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	to_slot(p, k);
	return &s->slot[find(s, k)];
}

int
pfxset_put(struct pfxset *s, const struct prefix *p, uint32_t val)
{
	struct pfxset_slot	k, *at = place(s, p, &k);

	if (at->v6) {
		at->val = val;
		return 0;
	}
	k.val = val;
	*at = k;
	s->n++;
	return 1;
}

int
pfxset_add(struct pfxset *s, const struct prefix *p)
{
	struct pfxset_slot	k, *at = place(s, p, &k);

	if (at->v6)
		return 0;
	*at = k;
	s->n++;
	return 1;
}

int
pfxset_del(struct pfxset *s, const struct prefix *p)
{
	struct pfxset_slot	k;
	size_t			i, j, home, mask = s->cap - 1;

	if (s->cap == 0)
		return 0;
	to_slot(p, &k);
	if (!s->slot[i = find(s, &k)].v6)
		return 0;
	s->slot[i].v6 = 0;
	s->n--;
	/* Move back each later entry of the run that could sit in the
	 * hole: one whose home is not cyclically in (i, j]. */
	for (j = (i + 1) & mask; s->slot[j].v6; j = (j + 1) & mask) {
		home = (size_t)hash(s, &s->slot[j]) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		s->slot[i] = s->slot[j];
		s->slot[j].v6 = 0;
		i = j;
	}
	return 1;
}

int
pfxset_at(const struct pfxset *s, size_t i, struct prefix *p, uint32_t *val)
{
	const struct pfxset_slot *k;

	if (i >= s->cap || !(k = &s->slot[i])->v6)
		return 0;
	memset(p, 0, sizeof(*p));
	if (k->v6 == 2) {
		p->addr.family = AF_INET6;
		memcpy(&p->addr.u.v6, k->addr, 16);
	} else {
		p->addr.family = AF_INET;
		memcpy(&p->addr.u.v4, k->addr, 4);
	}
	p->len = k->len;
	*val = k->val;
	return 1;
}
