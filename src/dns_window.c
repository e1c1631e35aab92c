/* SPDX-License-Identifier: ISC */
/*
 * A latency objective over the last N answers of a dns check, with
 * hysteresis: degraded above the limit, up again only below 80% of it.
 * One sample is one answered probe's round trip; a probe that failed
 * has no round trip and is the business of rise/fall, not of latency.
 *
 * The engine keeps no per-check state for check types, only per probe;
 * the windows therefore live in a small store keyed by service and check
 * name, so a window survives a reload that keeps its check, and a window
 * whose check is gone is freed after a while without use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dns_window.h"
#include "util.h"

#define STORE_BUCKETS	256
#define STORE_GC_MS	60000	/* look for unused windows this often */

struct stored {
	struct stored		*next;
	char			 svc[CONF_NAME_MAX];
	char			 check[CONF_NAME_MAX];
	uint64_t		 used_ms;
	uint64_t		 keep_ms;
	struct dns_window	 w;
};

static struct stored	*store[STORE_BUCKETS];
static uint64_t		 store_gc_at;

void
dns_window_init(struct dns_window *w, unsigned cap)
{
	memset(w, 0, sizeof(*w));
	w->cap = cap ? cap : 1;
	w->rtt_us = xcalloc(w->cap, sizeof(*w->rtt_us));
}

void
dns_window_free(struct dns_window *w)
{
	free(w->rtt_us);
	memset(w, 0, sizeof(*w));
}

void
dns_window_add(struct dns_window *w, uint64_t rtt_us)
{
	w->rtt_us[w->next] = rtt_us;
	w->next = (w->next + 1) % w->cap;
	if (w->n < w->cap)
		w->n++;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with 95% of them at or below it. */
uint64_t
dns_window_p95(const struct dns_window *w)
{
	uint64_t	*s, p;
	unsigned	 rank;

	if (w->n == 0)
		return 0;
	s = xreallocarray(NULL, w->n, sizeof(*s));
	memcpy(s, w->rtt_us, w->n * sizeof(*s));
	qsort(s, w->n, sizeof(*s), cmp_u64);
	rank = (95 * w->n + 99) / 100;		/* ceil(0.95 n), >= 1 */
	p = s[rank - 1];
	free(s);
	return p;
}

int
dns_window_judge(struct dns_window *w, uint64_t limit_us, uint64_t *p95)
{
	*p95 = dns_window_p95(w);
	if (w->n < w->cap)
		return w->high = 0;
	if (*p95 > limit_us)
		w->high = 1;
	else if (*p95 * 100 < limit_us * DNS_WINDOW_RECOVER_PCT)
		w->high = 0;
	return w->high;
}

/* A duration in us, in ms with a decimal only when it has one. */
static void
fmt_us(uint64_t us, char *buf, size_t size)
{
	if (us % 1000 == 0)
		util_fmt_duration(us / 1000, buf, size);
	else
		snprintf(buf, size, "%.1fms", (double)us / 1000.0);
}

void
dns_window_reason(const struct dns_window *w, uint64_t p95_us,
    uint64_t limit_us, char *buf, size_t size)
{
	char	 lim[32], rec[32];

	fmt_us(limit_us, lim, sizeof(lim));
	fmt_us(limit_us * DNS_WINDOW_RECOVER_PCT / 100, rec, sizeof(rec));
	if (p95_us > limit_us)
		snprintf(buf, size, "p95 latency %.1fms over the last %u "
		    "answers > %s (up again below %s)", (double)p95_us / 1000.0,
		    w->n, lim, rec);
	else
		snprintf(buf, size, "p95 latency %.1fms over the last %u "
		    "answers, degraded until below %s (limit %s)",
		    (double)p95_us / 1000.0, w->n, rec, lim);
}

/* ---- the store ---- */

static unsigned
bucket(const char *svc, const char *check)
{
	uint32_t	 h = 2166136261u;	/* FNV-1a */
	const char	*s;

	for (s = svc; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (s = check; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h % STORE_BUCKETS;
}

static void
store_gc(uint64_t now_ms)
{
	struct stored	**pp, *e;
	size_t		  b;

	for (b = 0; b < STORE_BUCKETS; b++)
		for (pp = &store[b]; (e = *pp) != NULL;) {
			if (now_ms - e->used_ms > e->keep_ms) {
				*pp = e->next;
				dns_window_free(&e->w);
				free(e);
			} else
				pp = &e->next;
		}
}

struct dns_window *
dns_window_get(const char *svc, const char *check, unsigned cap,
    uint64_t now_ms, uint64_t keep_ms)
{
	struct stored	*e;
	unsigned	 b = bucket(svc, check);

	if (now_ms >= store_gc_at) {
		store_gc(now_ms);
		store_gc_at = now_ms + STORE_GC_MS;
	}
	for (e = store[b]; e != NULL; e = e->next)
		if (strcmp(e->svc, svc) == 0 && strcmp(e->check, check) == 0)
			break;
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		snprintf(e->svc, sizeof(e->svc), "%s", svc);
		snprintf(e->check, sizeof(e->check), "%s", check);
		dns_window_init(&e->w, cap);
		e->next = store[b];
		store[b] = e;
	} else if (e->w.cap != cap) {
		dns_window_free(&e->w);
		dns_window_init(&e->w, cap);
	}
	e->used_ms = now_ms;
	e->keep_ms = keep_ms;
	return &e->w;
}

void
dns_window_clear(void)
{
	struct stored	*e;
	size_t		 b;

	for (b = 0; b < STORE_BUCKETS; b++)
		while ((e = store[b]) != NULL) {
			store[b] = e->next;
			dns_window_free(&e->w);
			free(e);
		}
	store_gc_at = 0;
}
