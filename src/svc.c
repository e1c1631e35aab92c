/* SPDX-License-Identifier: ISC */
/*
 * The service state machine (anycastd.conf(5), SERVICE STATES).  Four
 * layers, each with one job:
 *   1. combine: the checks' states, as `combine all|any|threshold N` says;
 *   2. delay: a change must hold for `delay up` / `delay down`, as IOS
 *      `track ... delay` does, before it counts;
 *   3. damping: every fall from up to down adds a penalty that decays
 *      with the half-life; above `suppress` the service is held down until
 *      the penalty decays below `reuse` (the scheme of RFC 2439, applied to
 *      our own origin instead of received routes);
 *   4. the operator and the daemon: disable, drain, a maintenance file,
 *      shutdown.
 * A draining service stays announced, less preferred, for `drain time`
 * so that traffic moves before the route goes; then it is "drained" and
 * the outputs withdraw it, while the state still says draining.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svc.h"
#include "sys/util.h"

const char *
svc_state_name(enum svc_st s)
{
	static const char *const names[] = { "init", "up", "degraded",
	    "draining", "down", "disabled" };

	return (unsigned)s < nitems(names) ? names[s] : "?";
}

void
svc_init(struct svc_state *st, uint64_t now)
{
	memset(st, 0, sizeof(*st));
	st->state = st->health = st->pending = SVC_INIT;
	st->since = st->pending_since = st->penalty_at = now;
	snprintf(st->reason, sizeof(st->reason), "no verdict yet");
}

/*
 * Router mode: a backend is healthy when all its checks pass; the
 * service is up while one is (the route then has just the healthy ones).
 */
static enum svc_st
backends(const struct svc_input *in, size_t n, size_t nb, char *why,
    size_t len)
{
	size_t		 b, i;
	unsigned	 up = 0, init = 0, total = 0;
	const char	*down_why = "no backend";

	for (b = 0; b < nb; b++) {
		int seen = 0, bad = 0, wait = 0;

		for (i = 0; i < n; i++) {
			if (in[i].backend != (int)b)
				continue;
			seen = 1;
			if (in[i].state == HC_STATE_DOWN) {
				bad = 1;
				down_why = in[i].why;
			} else if (in[i].state == HC_STATE_INIT)
				wait = 1;
		}
		if (!seen)
			continue;
		total++;
		if (!bad && !wait)
			up++;
		else if (!bad)
			init++;
	}
	if (up) {
		snprintf(why, len, "%u of %u backends pass", up, total);
		return SVC_UP;
	}
	if (init) {
		snprintf(why, len, "waiting for %u of %u backends", init, total);
		return SVC_INIT;
	}
	snprintf(why, len, "all %u backends fail: %s", total, down_why);
	return SVC_DOWN;
}

/* Layer 1.  WHY gets the reason of the verdict. */
static enum svc_st
combine_checks(const struct service_conf *sc, const struct svc_input *in, size_t n,
    char *why, size_t len)
{
	const struct svc_input	*down = NULL, *degraded = NULL;
	unsigned		 total = 0, pass = 0, up = 0, init = 0;
	unsigned		 need;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (check_is_maint(in[i].type) || in[i].backend >= 0)
			continue;
		total++;
		switch (in[i].state) {
		case HC_STATE_UP:
			pass++;
			up++;
			break;
		case HC_STATE_DEGRADED:
			pass++;
			if (degraded == NULL)
				degraded = &in[i];
			break;
		case HC_STATE_DOWN:
			if (down == NULL)
				down = &in[i];
			break;
		default:
			init++;
			break;
		}
	}
	need = sc->combine == COMBINE_ALL ? total :
	    sc->combine == COMBINE_ANY ? 1 : sc->threshold;
	if (pass >= need) {
		if (up >= need) {
			snprintf(why, len, "%u of %u checks pass", pass, total);
			return SVC_UP;
		}
		snprintf(why, len, "%s", degraded->why);
		return SVC_DEGRADED;
	}
	if (pass + init >= need) {
		snprintf(why, len, "waiting for %u of %u checks", init, total);
		return SVC_INIT;
	}
	if (down)
		snprintf(why, len, "%s", down->why);
	return SVC_DOWN;
}

/* Service-level checks and, in router mode, the backends: both must pass. */
static enum svc_st
combine(const struct service_conf *sc, const struct svc_input *in, size_t n,
    char *why, size_t len)
{
	enum svc_st	 r, b;
	char		 bwhy[320];
	size_t		 i, own = 0;

	for (i = 0; i < n; i++)
		own += !check_is_maint(in[i].type) && in[i].backend < 0;
	if (sc->route.nvias == 0)
		return combine_checks(sc, in, n, why, len);
	b = backends(in, n, sc->route.nvias, bwhy, sizeof(bwhy));
	if (own) {
		r = combine_checks(sc, in, n, why, len);
		if (b == SVC_UP || (r != SVC_UP && r != SVC_DEGRADED))
			return r;
	}
	snprintf(why, len, "%s", bwhy);
	return b;
}

/* Layer 2: how long a move from HEALTH to NEXT must hold. */
static uint64_t
delay_for(const struct service_conf *sc, enum svc_st health, enum svc_st next)
{
	if (next == SVC_DOWN)
		return sc->delay_down;
	if (health == SVC_DOWN || health == SVC_INIT)
		return sc->delay_up;
	return 0;
}

double
svc_penalty(const struct svc_state *st, const struct service_conf *sc,
    uint64_t now)
{
	double dt = (double)(now - st->penalty_at);

	if (!sc->damping.enabled || st->penalty <= 0)
		return 0;
	return st->penalty * exp2(-dt / (double)sc->damping.half_life);
}

/*
 * A penalty as text and JSON show it: whole, truncated, so that both
 * say the same number.
 */
static long long
shown(double penalty)
{
	return (long long)penalty;
}

/* How long PENALTY takes to decay to reuse: p * 2^(-t/hl) = reuse. */
static uint64_t
to_reuse(const struct service_conf *sc, double penalty)
{
	if (penalty <= sc->damping.reuse)
		return 0;
	return (uint64_t)ceil((double)sc->damping.half_life *
	    log2(penalty / (double)sc->damping.reuse));
}

/* Layer 3: called with each committed health change. */
static void
damp_flap(struct svc_state *st, const struct service_conf *sc,
    enum svc_st from, enum svc_st to, uint64_t now)
{
	char	 a[32], b[32];

	if (!sc->damping.enabled || to != SVC_DOWN ||
	    (from != SVC_UP && from != SVC_DEGRADED))
		return;
	st->penalty = svc_penalty(st, sc, now) + sc->damping.penalty;
	st->penalty_at = now;
	if (!st->suppressed && st->penalty >= sc->damping.suppress) {
		st->suppressed = 1;
		st->suppressed_at = now;
		util_fmt_duration(to_reuse(sc, st->penalty), a, sizeof(a));
		util_fmt_duration(sc->damping.max_suppress, b, sizeof(b));
		snprintf(st->damp_event, sizeof(st->damp_event), "damping "
		    "suppresses it: penalty %lld reached suppress %u; held "
		    "down until below reuse %u (in %s, at most %s)",
		    shown(st->penalty), sc->damping.suppress,
		    sc->damping.reuse, a, b);
	}
}

static void
damp_release(struct svc_state *st, const struct service_conf *sc,
    uint64_t now)
{
	double	 p = svc_penalty(st, sc, now);
	char	 a[32];

	if (!st->suppressed)
		return;
	util_fmt_duration(now - st->suppressed_at, a, sizeof(a));
	if (!sc->damping.enabled)
		snprintf(st->damp_event, sizeof(st->damp_event), "damping "
		    "releases it: damping turned off, after %s suppressed", a);
	else if (p < sc->damping.reuse)
		snprintf(st->damp_event, sizeof(st->damp_event), "damping "
		    "releases it: penalty %lld below reuse %u, after %s "
		    "suppressed", shown(p), sc->damping.reuse, a);
	else if (now - st->suppressed_at >= sc->damping.max_suppress)
		snprintf(st->damp_event, sizeof(st->damp_event), "damping "
		    "releases it: max-suppress %s reached, penalty %lld", a,
		    shown(p));
	else
		return;
	st->suppressed = 0;
}

/* Held down by damping alone: the checks pass. */
static int
damped(const struct svc_state *st)
{
	return st->suppressed && st->health != SVC_DOWN && !st->disabled;
}

static void
damped_why(const struct svc_state *st, const struct service_conf *sc,
    uint64_t now, char *why, size_t len)
{
	snprintf(why, len, "damped: flapping, penalty %lld (suppress %u, "
	    "reuse %u)", shown(svc_penalty(st, sc, now)),
	    sc->damping.suppress, sc->damping.reuse);
}

void
svc_reason(const struct svc_state *st, const struct service_conf *sc,
    uint64_t now, char *buf, size_t len)
{
	if (st->state == SVC_DOWN && damped(st))
		damped_why(st, sc, now, buf, len);
	else
		snprintf(buf, len, "%s", st->reason);
}

static int
maintenance(const struct svc_input *in, size_t n, char *why, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (check_is_maint(in[i].type) &&
		    in[i].state == HC_STATE_MAINT) {
			snprintf(why, len, "maintenance: %s", in[i].why);
			return 1;
		}
	return 0;
}

/* Layer 4, and the result. */
static enum svc_st
overlay(struct svc_state *st, const struct service_conf *sc, uint64_t now,
    const char *health_why, const char *maint_why, char *why, size_t len)
{
	if (st->disabled) {
		snprintf(why, len, "disabled by operator");
		return SVC_DISABLED;
	}
	if (damped(st)) {
		damped_why(st, sc, now, why, len);
		return SVC_DOWN;
	}
	if (st->health == SVC_DOWN && sc->protect_last && st->last_site) {
		snprintf(why, len, "last site: no other site announces it, so "
		    "kept as degraded although %.240s", health_why);
		return SVC_DEGRADED;
	}
	if (st->health == SVC_DOWN || st->health == SVC_INIT) {
		snprintf(why, len, "%s", health_why);
		return st->health;
	}
	if (st->shutdown || st->drain || st->maint) {
		snprintf(why, len, "%s", st->shutdown ? "shutting down" :
		    st->drain ? "drained by operator" : maint_why);
		return SVC_DRAINING;
	}
	snprintf(why, len, "%s", health_why);
	return st->health;
}

int
svc_announced(const struct svc_state *st)
{
	return st->state == SVC_UP || st->state == SVC_DEGRADED ||
	    (st->state == SVC_DRAINING && !st->drained);
}

/* Returns 1 when the drained flag changed. */
static int
drain_phase(struct svc_state *st, const struct service_conf *sc, uint64_t now)
{
	int drained = st->state == SVC_DRAINING &&
	    now - st->since >= sc->drain_time;

	if (drained == st->drained)
		return 0;
	st->drained = drained;
	return 1;
}

int
svc_eval(struct svc_state *st, const struct service_conf *sc,
    const struct svc_input *in, size_t n, uint64_t now)
{
	char		 hwhy[320], mwhy[320], why[320];
	enum svc_st	 raw, next;

	st->damp_event[0] = '\0';
	if (st->drain && st->drain_until && now >= st->drain_until)
		st->drain = 0;
	st->maint = maintenance(in, n, mwhy, sizeof(mwhy));
	raw = combine(sc, in, n, hwhy, sizeof(hwhy));
	/*
	 * A check added by a reload has no verdict yet; it must not take a
	 * healthy service back to init (and withdraw it) until it has one.
	 */
	if (raw == SVC_INIT && (st->health == SVC_UP ||
	    st->health == SVC_DEGRADED)) {
		raw = st->health;
		snprintf(hwhy, sizeof(hwhy), "%s", st->reason);
	}
	if (raw != st->pending) {
		st->pending = raw;
		st->pending_since = now;
	}
	if (st->health != st->pending &&
	    now - st->pending_since >= delay_for(sc, st->health, st->pending)) {
		damp_flap(st, sc, st->health, st->pending, now);
		st->health = st->pending;
	}
	damp_release(st, sc, now);
	next = overlay(st, sc, now, st->health == raw ? hwhy : st->reason, mwhy,
	    why, sizeof(why));
	snprintf(st->reason, sizeof(st->reason), "%s", why);
	if (next == st->state)
		return drain_phase(st, sc, now);
	st->state = next;
	st->since = now;
	drain_phase(st, sc, now);
	return 1;
}

static uint64_t
earliest(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

uint64_t
svc_next_event(const struct svc_state *st, const struct service_conf *sc,
    uint64_t now)
{
	uint64_t	 t = 0;
	double		 p;

	if (st->health != st->pending)
		t = st->pending_since + delay_for(sc, st->health, st->pending);
	if (st->drain && st->drain_until)
		t = earliest(t, st->drain_until);
	if (st->state == SVC_DRAINING && !st->drained)
		t = earliest(t, st->since + sc->drain_time);
	if (st->suppressed) {
		p = svc_penalty(st, sc, now);
		t = earliest(t, now + to_reuse(sc, p) + 1);
		t = earliest(t, st->suppressed_at + sc->damping.max_suppress);
	}
	return t;
}
