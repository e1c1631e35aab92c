/* SPDX-License-Identifier: ISC */
/*
 * Rise/fall hysteresis for one check, as HAProxy and keepalived do it:
 * `rise` consecutive passes bring a check up, `fall` consecutive failures
 * take it down, and `fall` consecutive slow answers make an up check
 * degraded (and `rise` good ones make it up again).  While a check is in
 * doubt -- no verdict yet, or results disagreeing with its state -- it is
 * probed at the fast interval, so a dead server is confirmed quickly
 * without one lost packet being enough to withdraw a route.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/hc_track.h"
#include "sys/util.h"

/* 0.5 ms (a local server) to 2 s (the longest sensible timeout). */
const uint64_t hc_track_rtt_bounds_us[HC_TRACK_RTT_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2000000
};

const char *
hc_state_name(enum hc_state s)
{
	static const char *const names[] = { "init", "up", "degraded",
	    "down", "maint" };

	return (unsigned)s < nitems(names) ? names[s] : "?";
}

void
hc_track_init(struct hc_track *t, uint64_t now)
{
	memset(t, 0, sizeof(*t));
	t->state = HC_STATE_INIT;
	t->changed_at = now;
	t->why = xstrdup("no verdict yet");
}

void
hc_track_free(struct hc_track *t)
{
	free(t->counts);
	t->counts = NULL;
	t->ncounts = 0;
	free(t->last_detail);
	t->last_detail = NULL;
	t->last_size = 0;
	free(t->why);
	t->why = NULL;
}

/* The reason of the state, set once per change: allocated to its size. */
static void __attribute__((format(printf, 2, 3)))
say_why(struct hc_track *t, const char *fmt, ...)
{
	char	 buf[HC_TRACK_WHY_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(t->why);
	t->why = xstrdup(buf);
}

static void
keep_last(struct hc_track *t, const struct hc_result *r)
{
	size_t len = strnlen(r->detail, sizeof(r->detail) - 1) + 1;

	if (len > t->last_size) {
		t->last_detail = xreallocarray(t->last_detail, len, 1);
		t->last_size = len;
	}
	memcpy(t->last_detail, r->detail, len - 1);
	t->last_detail[len - 1] = '\0';
	t->last_status = r->status;
	t->last_reason = r->reason;
	t->last_rtt_us = r->rtt_us;
}

static int
count_cmp(const struct hc_count *c, enum hc_status s, enum hc_reason r)
{
	if (c->status != s)
		return c->status < s ? -1 : 1;
	if (c->reason != r)
		return c->reason < r ? -1 : 1;
	return 0;
}

uint64_t
hc_track_count(const struct hc_track *t, enum hc_status s, enum hc_reason r)
{
	size_t i;

	for (i = 0; i < t->ncounts; i++)
		if (count_cmp(&t->counts[i], s, r) == 0)
			return t->counts[i].n;
	return 0;
}

/* One more result of S and R: a new pair goes in at its sorted place. */
static void
count_pair(struct hc_track *t, enum hc_status s, enum hc_reason r)
{
	size_t	 i;
	int	 cmp = 1;

	for (i = 0; i < t->ncounts; i++)
		if ((cmp = count_cmp(&t->counts[i], s, r)) >= 0)
			break;
	if (cmp != 0) {
		t->counts = xreallocarray(t->counts, t->ncounts + 1,
		    sizeof(*t->counts));
		memmove(&t->counts[i + 1], &t->counts[i],
		    (t->ncounts - i) * sizeof(*t->counts));
		t->ncounts++;
		t->counts[i].n = 0;
		t->counts[i].status = (uint8_t)s;
		t->counts[i].reason = (uint8_t)r;
	}
	t->counts[i].n++;
}

static void
count_rtt(struct hc_track *t, uint64_t us)
{
	size_t i;

	for (i = 0; i < HC_TRACK_RTT_BUCKETS; i++)
		if (us <= hc_track_rtt_bounds_us[i])
			break;
	t->rtt_buckets[i]++;
}

static void
count(struct hc_track *t, const struct hc_result *r, uint64_t now)
{
	if ((unsigned)r->status < HC_TRACK_NSTATUS &&
	    (unsigned)r->reason < HC_R_MAX)
		count_pair(t, r->status, r->reason);
	t->have_last = 1;
	keep_last(t, r);
	t->last_at = now;
	t->bogus += r->bogus;
	if (r->status == HC_FAIL)
		t->failures++;
	else
		t->successes++;
	if (r->rtt_us == 0 || r->status == HC_FAIL)
		return;
	t->rtt_last_us = r->rtt_us;
	if (t->rtt_n == 0 || r->rtt_us < t->rtt_min_us)
		t->rtt_min_us = r->rtt_us;
	if (r->rtt_us > t->rtt_max_us)
		t->rtt_max_us = r->rtt_us;
	t->rtt_sum_us += r->rtt_us;
	t->rtt_n++;
	count_rtt(t, r->rtt_us);
}

static void
runs(struct hc_track *t, enum hc_status s)
{
	switch (s) {
	case HC_OK:
	case HC_MAINT:
		t->pass_run++;
		t->ok_run++;
		t->degraded_run = t->fail_run = 0;
		break;
	case HC_DEGRADED:
		t->pass_run++;
		t->degraded_run++;
		t->ok_run = t->fail_run = 0;
		break;
	case HC_FAIL:
		t->fail_run++;
		t->pass_run = t->ok_run = t->degraded_run = 0;
		break;
	}
}

/* The state the runs call for, or the current one. */
static enum hc_state
verdict(const struct hc_track *t, const struct check_conf *c,
    const struct hc_result *r)
{
	if (check_is_maint(c->type))
		return r->status == HC_MAINT ? HC_STATE_MAINT : HC_STATE_UP;
	switch (t->state) {
	case HC_STATE_INIT:
	case HC_STATE_DOWN:
	case HC_STATE_MAINT:
		if (t->pass_run >= c->rise)
			return r->status == HC_DEGRADED ? HC_STATE_DEGRADED :
			    HC_STATE_UP;
		if (t->fail_run >= c->fall)
			return HC_STATE_DOWN;
		break;
	case HC_STATE_UP:
		if (t->fail_run >= c->fall)
			return HC_STATE_DOWN;
		if (t->degraded_run >= c->fall)
			return HC_STATE_DEGRADED;
		break;
	case HC_STATE_DEGRADED:
		if (t->fail_run >= c->fall)
			return HC_STATE_DOWN;
		if (t->ok_run >= c->rise)
			return HC_STATE_UP;
		break;
	}
	return t->state;
}

/*
 * The reason of a change FROM the old state, counting the run that made
 * it (verdict()): from up, slow answers against fall; from degraded,
 * good ones against rise; from no verdict or down, passes of either
 * kind against rise.
 */
static void
explain(struct hc_track *t, const struct check_conf *c,
    const struct hc_result *r, enum hc_state from)
{
	int	 rising = from != HC_STATE_UP && from != HC_STATE_DEGRADED;

	switch (t->state) {
	case HC_STATE_DOWN:
		say_why(t, "%s check failed %u/%u: %s",
		    c->name, t->fail_run, c->fall, r->detail);
		break;
	case HC_STATE_DEGRADED:
		if (rising)
			say_why(t, "%s check passed "
			    "%u/%u, degraded: %s", c->name, t->pass_run,
			    c->rise, r->detail);
		else
			say_why(t, "%s check degraded "
			    "%u/%u: %s", c->name, t->degraded_run, c->fall,
			    r->detail);
		break;
	case HC_STATE_UP:
		if (check_is_maint(c->type))
			say_why(t, "%s: no maintenance "
			    "file", c->name);
		else
			say_why(t, "%s check passed "
			    "%u/%u: %s", c->name, rising ? t->pass_run :
			    t->ok_run, c->rise, r->detail);
		break;
	default:
		say_why(t, "%s: %s", c->name, r->detail);
		break;
	}
}

int
hc_track_apply(struct hc_track *t, const struct check_conf *c,
    const struct hc_result *r, uint64_t now)
{
	enum hc_state next, from = t->state;

	count(t, r, now);
	runs(t, r->status);
	next = verdict(t, c, r);
	if (next == t->state)
		return 0;
	t->state = next;
	t->changed_at = now;
	explain(t, c, r, from);
	return 1;
}

int
hc_track_fail_now(struct hc_track *t, const struct check_conf *c,
    const struct hc_result *r, uint64_t now)
{
	if (!c->immediate || t->state == HC_STATE_MAINT)
		return hc_track_apply(t, c, r, now);
	count(t, r, now);
	runs(t, HC_FAIL);
	if (t->state == HC_STATE_DOWN)
		return 0;
	t->state = HC_STATE_DOWN;
	t->changed_at = now;
	say_why(t, "%s check failed at once: %s",
	    c->name, r->detail);
	return 1;
}

uint64_t
hc_track_next_due(uint64_t due, uint64_t delay, uint64_t now)
{
	return due + delay >= now + delay / 2 ? due + delay : now + delay;
}

uint64_t
hc_track_next_delay(const struct hc_track *t, const struct check_conf *c)
{
	int doubt;

	switch (t->state) {
	case HC_STATE_INIT:
		doubt = 1;
		break;
	case HC_STATE_UP:
		doubt = t->fail_run > 0 || t->degraded_run > 0;
		break;
	case HC_STATE_DEGRADED:
		doubt = t->fail_run > 0 || t->ok_run > 0;
		break;
	case HC_STATE_DOWN:
		doubt = t->pass_run > 0;
		break;
	default:
		doubt = 0;
	}
	return doubt ? c->fast_interval : c->interval;
}
