/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_WINDOW_H
#define ANYCASTD_DNS_WINDOW_H

#include <stdint.h>

/*
 * The latency objective of a dns check over a window of answers:
 * `degraded latency p95 DURATION window N`.  The last N round-trip times
 * of answered probes are kept in a ring; once it is full, the check is
 * degraded while the p95 is above DURATION, and stays degraded until it
 * falls below 80% of DURATION (hysteresis, so a p95 hovering at the
 * limit does not flap).  The window code is pure; check_dns.c keeps one
 * window per check as the check's own state (hc.h).
 */

/* Recover below this share of the limit (percent). */
#define DNS_WINDOW_RECOVER_PCT	80

struct dns_window {
	uint64_t	*rtt_us;	/* ring of cap samples */
	unsigned	 cap;
	unsigned	 n;		/* samples held, at most cap */
	unsigned	 next;		/* where the next one goes */
	int		 high;		/* in the degraded band */
};

void		 dns_window_init(struct dns_window *, unsigned cap);
void		 dns_window_free(struct dns_window *);
void		 dns_window_add(struct dns_window *, uint64_t rtt_us);
/* Nearest-rank 95th percentile of the samples held; 0 when empty. */
uint64_t	 dns_window_p95(const struct dns_window *);
/*
 * The verdict with hysteresis against LIMIT_US: 1 when degraded.  An
 * unfilled window says 0.  *P95 gets the percentile.
 */
int		 dns_window_judge(struct dns_window *, uint64_t limit_us,
		    uint64_t *p95);
/*
 * The reason of a degraded verdict, saying what holds: above the limit,
 * or inside the band between the limit and the recovery point, e.g.
 * "p95 latency 29.9ms over the last 20 answers, degraded until below
 * 24ms (limit 30ms)".
 */
void		 dns_window_reason(const struct dns_window *, uint64_t p95_us,
		    uint64_t limit_us, char *, size_t);

#endif
