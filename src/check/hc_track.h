/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HC_TRACK_H
#define ANYCASTD_HC_TRACK_H

#include <stdint.h>

#include "conf/conf.h"
#include "check/hc_result.h"

/*
 * One check's verdict over time: rise/fall hysteresis on its results and
 * the statistics `show checks` prints.  Pure: the caller gives the time.
 */

enum hc_state {
	HC_STATE_INIT,
	HC_STATE_UP,
	HC_STATE_DEGRADED,
	HC_STATE_DOWN,
	HC_STATE_MAINT		/* file check: maintenance flag present */
};

/*
 * Results by status and reason, and an RTT histogram: for metrics.  A
 * check meets few of the status/reason pairs (a dns check: ok, a timeout,
 * refused, now and then another), so only the pairs seen are kept, in
 * order of status then reason (the order of the metrics): a full table
 * was 992 bytes of zeros a check.
 */
#define HC_TRACK_NSTATUS	(HC_MAINT + 1)
#define HC_TRACK_RTT_BUCKETS	12
/* Upper bounds of the RTT buckets, microseconds, increasing. */
extern const uint64_t hc_track_rtt_bounds_us[HC_TRACK_RTT_BUCKETS];

struct hc_count {
	uint64_t	 n;
	uint8_t		 status;	/* enum hc_status */
	uint8_t		 reason;	/* enum hc_reason */
};

struct hc_track {
	enum hc_state	 state;
	uint64_t	 changed_at;	/* ms, monotonic */
	unsigned	 pass_run;	/* consecutive ok or degraded */
	unsigned	 ok_run;
	unsigned	 degraded_run;
	unsigned	 fail_run;
	uint64_t	 successes;
	uint64_t	 failures;
	uint64_t	 bogus;
	/*
	 * The last result, its detail in a buffer that only grows: the
	 * same check says much the same each time, so a probe copies into
	 * it without allocating.  Texts held inline were 448 of a check's
	 * 832 bytes (issue 15's memory per check).
	 */
	int		 have_last;
	enum hc_status	 last_status;
	enum hc_reason	 last_reason;
	uint64_t	 last_rtt_us;
	char		*last_detail;
	size_t		 last_size;
	uint64_t	 last_at;
	uint64_t	 rtt_n;		/* answers with an RTT */
	uint64_t	 rtt_last_us, rtt_min_us, rtt_max_us, rtt_sum_us;
	struct hc_count	*counts;	/* the pairs seen, sorted */
	size_t		 ncounts;
	/* RTTs at most each bound, not cumulative; the last: above all. */
	uint64_t	 rtt_buckets[HC_TRACK_RTT_BUCKETS + 1];
	char		*why;		/* the reason of the current state */
};

/* Longest `why`, a detail of 160 with the check's name and counts. */
#define HC_TRACK_WHY_MAX	288

void		 hc_track_init(struct hc_track *, uint64_t now);
void		 hc_track_free(struct hc_track *);	/* what init made */
/* How many results had STATUS and REASON. */
uint64_t	 hc_track_count(const struct hc_track *, enum hc_status,
		    enum hc_reason);
/* Apply one result; returns 1 when the state changed. */
int		 hc_track_apply(struct hc_track *, const struct check_conf *,
		    const struct hc_result *, uint64_t now);
/*
 * Apply a watch's failure R: counted like a failed probe, and with
 * `immediate on` it takes the check down at once, without waiting for
 * `fall` failures.  Returns 1 when the state changed.
 */
int		 hc_track_fail_now(struct hc_track *, const struct check_conf *,
		    const struct hc_result *, uint64_t now);
/*
 * When the next probe is due, DELAY after the last one was due (DUE): a
 * check keeps its phase however long its answers take.  A probe that
 * ended (NOW) less than half a DELAY before that -- one waiting out a
 * timeout longer than the fast interval, or as long as the interval --
 * is followed by the next DELAY after it ended: two probes of a check
 * never run back to back.  Half, not none: libevent's coarse clock may
 * fire a timer a few ms before ours says, and a timeout equal to the
 * interval would then end just before the next due time, by chance.
 * Any unit, the same for all three.
 */
uint64_t	 hc_track_next_due(uint64_t due, uint64_t delay, uint64_t now);
/* How long until the next probe: faster while the state is in doubt. */
uint64_t	 hc_track_next_delay(const struct hc_track *,
		    const struct check_conf *);
const char	*hc_state_name(enum hc_state);

#endif
