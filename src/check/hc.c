/* SPDX-License-Identifier: ISC */
/*
 * The health-check engine.  Each check has a timer; when it fires, the
 * check's type starts a probe, and the probe ends in hc_report() -- the
 * one place where results enter, go through rise/fall and the service
 * state machine, and come out as log lines and state changes.  A reload
 * hands over every check whose config did not change, with its state and
 * counters, so a SIGHUP never makes a healthy service blink.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/hc.h"
#include "history.h"
#include "watch/watch.h"

static void	check_timer_cb(evutil_socket_t, short, void *);
static void	probe_waited(struct hc_check *);
static void	service_timer_cb(evutil_socket_t, short, void *);

uint64_t
hc_elapsed_us(const struct hc_check *ck)
{
	uint64_t us = util_now_us() - ck->started_at;

	return us ? us : 1;	/* 0 means "no RTT" */
}

void
hc_clock_restart(struct hc_check *ck)
{
	ck->started_at = util_now_us();
}

void
hc_init(struct hc_engine *e, struct event_base *base, hc_change_fn fn)
{
	memset(e, 0, sizeof(*e));
	e->base = base;
	e->on_change = fn;
	hc_slots_init(&e->slots, base, probe_waited);
}

/* A check's first probe comes within min(interval, this), in ms. */
#define HC_FIRST_SPLAY_MAX	1000

static uint64_t
first_splay(uint64_t interval)
{
	return interval < HC_FIRST_SPLAY_MAX ? interval : HC_FIRST_SPLAY_MAX;
}

/*
 * Timers of the few durations used over and over -- each probe's
 * timeout -- go in libevent's common-timeout queues, where adding one is
 * O(1), rather than its heap (bench/findings.md).  One queue per
 * distinct duration, up to HC_COMMON_MAX; the rest (the checks' next
 * probes, timed to a due time, random phases, delays) use the heap.
 */
void
hc_timer_add(struct hc_engine *e, struct event *ev, uint64_t ms, int often)
{
	struct timeval		 tv = util_tv(ms);
	const struct timeval	*ctv;
	size_t			 i;

	for (i = 0; often && i < e->ncommon; i++)
		if (e->common[i].ms == ms) {
			evtimer_add(ev, e->common[i].tv);
			return;
		}
	if (often && e->ncommon < HC_COMMON_MAX &&
	    (ctv = event_base_init_common_timeout(e->base, &tv)) != NULL) {
		e->common[e->ncommon].ms = ms;
		e->common[e->ncommon++].tv = ctv;
		evtimer_add(ev, ctv);
		return;
	}
	evtimer_add(ev, &tv);
}

/*
 * The next probe of CK at DUE_US (monotonic).  libevent counts a delay
 * from the time it cached when the loop woke, which is behind by however
 * long this pass has run: the cache is brought up to now first, or with
 * 10,000 checks the probes would start early by the pass's length.  The
 * timer is in the heap: a delay to a due time differs every time, which
 * the common-timeout queues cannot hold.
 */
static void
schedule_due(struct hc_check *ck, uint64_t due_us)
{
	struct timeval	tv;
	uint64_t	now;

	event_base_update_cache_time(ck->svc->engine->base);
	now = util_now_us();
	ck->due_us = due_us;
	due_us = due_us > now ? due_us - now : 0;
	tv.tv_sec = (time_t)(due_us / 1000000);
	tv.tv_usec = (suseconds_t)(due_us % 1000000);
	evtimer_add(ck->timer, &tv);
}

/* The next probe of CK MS from now. */
static void
schedule(struct hc_check *ck, uint64_t ms)
{
	schedule_due(ck, util_now_us() + ms * 1000);
}

/*
 * A timer that fires late says the loop was busy: with debug logging,
 * a line names it, so that what the log says just before shows what
 * kept the loop (bench/soak reads the gaps between probes).
 */
#define HC_LATE_SAY_MS	40

static void
late_note(const struct hc_check *ck)
{
	uint64_t now = util_now_us();

	if (now >= ck->due_us + HC_LATE_SAY_MS * 1000)
		log_debug("loop: the probe of %s/%s started %llu ms late",
		    ck->svc->conf->name, ck->conf->name,
		    (unsigned long long)((now - ck->due_us) / 1000));
}

static void
check_free(struct hc_check *ck)
{
	if (ck == NULL)
		return;
	if (ck->running)
		ck->ops->cancel(ck);
	hc_slots_release(&ck->svc->engine->slots, ck);
	watch_list_free(ck->watches);
	if (ck->ops->state_free)
		ck->ops->state_free(ck);
	hc_track_free(&ck->track);
	event_free(ck->timer);
	free(ck);
}

static struct hc_check *
check_new(struct hc_engine *e, struct hc_service *svc,
    const struct check_conf *cc)
{
	struct hc_check		*ck = xcalloc(1, sizeof(*ck));
	const struct addr	*target = conf_check_target(svc->conf, cc);

	ck->svc = svc;
	ck->conf = cc;
	ck->ops = check_desc_of(cc->type)->ops;
	if (target)
		ck->target = *target;
	hc_track_init(&ck->track, util_now_ms());
	if ((ck->timer = evtimer_new(e->base, check_timer_cb, ck)) == NULL)
		fatalx_oom();
	/*
	 * The first probe comes within min(interval, 1 s): a verdict, and so
	 * a route, a second after a start or reload even with `interval 30s`.
	 * Each next probe is timed from the last one's due time, which keeps
	 * that spread; a longer interval would still have every check due in
	 * its first second, so hc_report() moves each check once to a random
	 * phase of its interval -- earlier, never later.  A maintenance file
	 * is looked at before anything can come up.
	 */
	schedule(ck, check_is_maint(cc->type) ? 0 :
	    util_random() % (first_splay(cc->interval) + 1));
	ck->watches = watch_list_start(ck, e->base);
	return ck;
}

/* A running check of OLD with the same config, taken out of OLD. */
static struct hc_check *
take_check(struct hc_service *old, const struct service_conf *sc,
    const struct check_conf *cc)
{
	const struct addr	*target = conf_check_target(sc, cc);
	struct hc_check		*ck;
	size_t			 i;

	for (i = 0; old && i < old->nchecks; i++) {
		ck = old->checks[i];
		if (ck == NULL || strcmp(ck->conf->name, cc->name) != 0 ||
		    !conf_check_equal(ck->conf, cc))
			continue;
		if (target && !util_addr_eq(target, &ck->target))
			continue;
		old->checks[i] = NULL;
		return ck;
	}
	return NULL;
}

static struct hc_service *
service_new(struct hc_engine *e, const struct service_conf *sc,
    struct hc_service *old)
{
	struct hc_service	*svc = xcalloc(1, sizeof(*svc));
	const struct check_conf	*cc;
	struct hc_check		*ck;
	size_t			 i = 0;

	svc->conf = sc;
	svc->engine = e;
	if (old)
		svc->st = old->st;	/* keeps drain, disable, damping */
	else
		svc_init(&svc->st, util_now_ms());
	svc->checks = xcalloc(sc->nchecks, sizeof(*svc->checks));
	svc->nchecks = sc->nchecks;
	for (cc = sc->checks; cc; cc = cc->next) {
		if ((ck = take_check(old, sc, cc)) != NULL) {
			ck->svc = svc;
			ck->conf = cc;
			watch_list_rebind(ck->watches, cc->watches);
			log_debug("check %s/%s: kept across reload", sc->name,
			    cc->name);
		} else
			ck = check_new(e, svc, cc);
		svc->checks[i++] = ck;
	}
	if ((svc->timer = evtimer_new(e->base, service_timer_cb, svc)) == NULL)
		fatalx_oom();
	return svc;
}

static void
service_free(struct hc_service *svc)
{
	size_t i;

	for (i = 0; i < svc->nchecks; i++)
		check_free(svc->checks[i]);
	free(svc->checks);
	event_free(svc->timer);
	free(svc);
}

struct hc_service *
hc_service_find(struct hc_engine *e, const char *name)
{
	struct hc_service *svc;

	for (svc = e->services; svc; svc = svc->next)
		if (strcmp(svc->conf->name, name) == 0)
			return svc;
	return NULL;
}

void
hc_configure(struct hc_engine *e, const struct conf *c)
{
	const struct service_conf	*sc;
	struct hc_service		*old, *next, *list = NULL, **tail = &list;
	struct hc_service		*svc;

	for (sc = c->services; sc; sc = sc->next) {
		*tail = service_new(e, sc, hc_service_find(e, sc->name));
		tail = &(*tail)->next;
	}
	for (old = e->services; old; old = next) {
		next = old->next;
		service_free(old);
	}
	e->services = list;
	e->generation++;
	for (svc = e->services; svc; svc = svc->next)
		hc_service_eval(svc);
	hc_slots_set_limit(&e->slots, c->probe_limit);
}

void
hc_shutdown(struct hc_engine *e)
{
	struct hc_service *svc, *next;

	for (svc = e->services; svc; svc = next) {
		next = svc->next;
		service_free(svc);
	}
	e->services = NULL;
	hc_slots_free(&e->slots);
	e->generation++;
}

static void
probe_start(struct hc_check *ck)
{
	ck->running = 1;
	ck->started_at = util_now_us();
	late_note(ck);
	ck->ops->start(ck);
}

void
hc_note_late(struct hc_check *ck, uint64_t late_ms)
{
	ck->late_last_ms = late_ms;
	ck->late_sum_ms += late_ms;
	if (late_ms > ck->late_max_ms)
		ck->late_max_ms = late_ms;
}

/* A probe that waited for a slot (hc_slots.h): how late it starts. */
static void
probe_waited(struct hc_check *ck)
{
	uint64_t now = util_now_us();

	hc_note_late(ck, now > ck->due_us ? (now - ck->due_us) / 1000 : 0);
	probe_start(ck);
}

static void
check_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct hc_check *ck = arg;

	(void)fd;
	(void)ev;
	if (ck->running || ck->slot == SLOT_WAITING ||
	    !hc_slots_take(&ck->svc->engine->slots, ck))
		return;
	probe_start(ck);
}

/*
 * The time from this probe's due time to the next one's.  The first full
 * interval after the first verdict is cut to a random part of it, which
 * spreads checks that started within the same second over their whole
 * interval.
 */
static uint64_t
next_delay(struct hc_check *ck)
{
	uint64_t delay = hc_track_next_delay(&ck->track, ck->conf);

	if (ck->phased || ck->track.state == HC_STATE_INIT ||
	    delay != ck->conf->interval || delay == 0)
		return delay;
	ck->phased = 1;
	return 1 + util_random() % delay;
}

static enum hc_reason
watch_reason(const struct watch *w)
{
	switch (w->conf->type) {
	case WATCH_PROCESS:
		return HC_R_WATCH_PROCESS;
	case WATCH_LISTENER:
		return HC_R_WATCH_LISTENER;
	default:
		return HC_R_WATCH_SESSION;
	}
}

/* A state change of CK: the service, and a backend's route. */
static void
check_changed(struct hc_check *ck)
{
	hc_service_eval(ck->svc);
	/* A backend changing changes the route even when the service
	 * state does not. */
	if (ck->conf->backend >= 0 && ck->svc->engine->on_change)
		ck->svc->engine->on_change(ck->svc, ck->svc->st.state);
}

/*
 * A watch of CK changed its verdict.  Failing: the check fails now (at
 * once with `immediate on`), without waiting for a probe.  Passing again:
 * nothing more than a log line; the probes bring the check up.
 */
void
hc_watch_event(struct hc_check *ck, struct watch *w)
{
	enum hc_state		old = ck->track.state;
	struct hc_result	res;

	if (!w->failing) {
		log_info("check %s/%s: watch %s: %s", ck->svc->conf->name,
		    ck->conf->name, conf_watch_type_name(w->conf->type),
		    w->detail);
		return;
	}
	memset(&res, 0, sizeof(res));
	hc_result_set(&res, HC_FAIL, watch_reason(w), "watch %s: %s",
	    conf_watch_type_name(w->conf->type), w->detail);
	log_debug("check %s/%s: %s", ck->svc->conf->name, ck->conf->name,
	    res.detail);
	if (!hc_track_fail_now(&ck->track, ck->conf, &res, util_now_ms())) {
		/* `immediate off`: one failure; confirm it at the fast
		 * interval, as a probe's would be. */
		if (!ck->running && ck->track.state != HC_STATE_DOWN)
			schedule(ck, hc_track_next_delay(&ck->track,
			    ck->conf));
		return;
	}
	log_info("check %s/%s: %s -> %s (%s)", ck->svc->conf->name,
	    ck->conf->name, hc_state_name(old), hc_state_name(ck->track.state),
	    ck->track.why);
	history_add(ck->svc->conf->name, ck->conf->name, hc_state_name(old),
	    hc_state_name(ck->track.state), ck->track.why);
	check_changed(ck);
}

void
hc_report(struct hc_check *ck, const struct hc_result *res0)
{
	enum hc_state		 old = ck->track.state;
	const struct watch	*w = watch_list_failing(ck->watches);
	const struct hc_result	*res = res0;
	struct hc_result	 held;

	/* While a watch fails, no probe brings the check up. */
	if (w != NULL && res0->status != HC_FAIL) {
		held = *res0;
		hc_result_set(&held, HC_FAIL, watch_reason(w), "watch %s: %s",
		    conf_watch_type_name(w->conf->type), w->detail);
		res = &held;
	}
	ck->running = 0;
	hc_slots_release(&ck->svc->engine->slots, ck);
	log_debug("check %s/%s: %s (%s)", ck->svc->conf->name, ck->conf->name,
	    hc_status_name(res->status), res->detail);
	if (hc_track_apply(&ck->track, ck->conf, res, util_now_ms())) {
		log_info("check %s/%s: %s -> %s (%s)", ck->svc->conf->name,
		    ck->conf->name, hc_state_name(old),
		    hc_state_name(ck->track.state), ck->track.why);
		history_add(ck->svc->conf->name, ck->conf->name,
		    hc_state_name(old), hc_state_name(ck->track.state),
		    ck->track.why);
	}
	schedule_due(ck, hc_track_next_due(ck->due_us, next_delay(ck) * 1000,
	    util_now_us()));
	if (ck->track.state == old)
		return;
	check_changed(ck);
}

void
hc_service_eval(struct hc_service *svc)
{
	struct svc_input	*in = xcalloc(svc->nchecks, sizeof(*in));
	enum svc_st		 old = svc->st.state;
	uint64_t		 now = util_now_ms(), at;
	size_t			 i;
	int			 changed;

	for (i = 0; i < svc->nchecks; i++) {
		in[i].name = svc->checks[i]->conf->name;
		in[i].backend = svc->checks[i]->conf->backend;
		in[i].type = svc->checks[i]->conf->type;
		in[i].state = svc->checks[i]->track.state;
		in[i].why = svc->checks[i]->track.why;
	}
	changed = svc_eval(&svc->st, svc->conf, in, svc->nchecks, now);
	/* Damping's own line: a release before the change it makes. */
	if (svc->st.damp_event[0] != '\0' && !svc->st.suppressed)
		log_info("service %s: %s", svc->conf->name, svc->st.damp_event);
	if (changed) {
		if (old == svc->st.state)
			log_info("service %s: drain time over, withdrawing",
			    svc->conf->name);
		else {
			log_info("service %s: %s -> %s (%s)", svc->conf->name,
			    svc_state_name(old), svc_state_name(svc->st.state),
			    svc->st.reason);
			history_add(svc->conf->name, NULL, svc_state_name(old),
			    svc_state_name(svc->st.state), svc->st.reason);
		}
		if (svc->engine->on_change)
			svc->engine->on_change(svc, old);
	}
	if (svc->st.damp_event[0] != '\0' && svc->st.suppressed)
		log_info("service %s: %s", svc->conf->name, svc->st.damp_event);
	free(in);
	evtimer_del(svc->timer);
	if ((at = svc_next_event(&svc->st, svc->conf, now)) != 0) {
		struct timeval tv = util_tv(at > now ? at - now : 0);

		evtimer_add(svc->timer, &tv);
	}
}

static void
service_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	hc_service_eval(arg);
}
