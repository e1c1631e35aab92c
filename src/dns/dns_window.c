/* SPDX-License-Identifier: ISC */
/*
 * A latency objective over the last N answers of a dns check, with
 * hysteresis: degraded above the limit, up again only below 80% of it.
 * One sample is one answered probe's round trip; a probe that failed
 * has no round trip and is the business of rise/fall, not of latency.
 *
 * A window is the dns check's own state (check_dns.c, hc.h): it lives
 * as long as its check, across a reload that keeps the check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_window.h"
#include "sys/util.h"

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
