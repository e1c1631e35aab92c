/* SPDX-License-Identifier: ISC */
/*
 * What `anycastctl status` and `show checks` show, as JSON objects
 * (docs/control.md).  Times are "ms ago" so that a client needs no clock
 * of ours; RTTs are milliseconds with microsecond precision.
 */
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "control/ctl.h"
#include "sys/fmt.h"
#include "history.h"
#include "output.h"
#include "daemon/proc.h"
#include "watch/watch.h"

static json_object *
ms_ago(uint64_t now, uint64_t then)
{
	return json_object_new_int64((int64_t)(now >= then ? now - then : 0));
}

/* A monotonic instant as UTC wall-clock time, ISO 8601. */
static json_object *
wall(uint64_t mono_ms)
{
	char t[40];

	history_fmt_time(mono_ms, t, sizeof(t));
	return json_object_new_string(t);
}

static json_object *
service_json(const struct hc_service *svc, uint64_t now)
{
	const struct service_conf	*sc = svc->conf;
	const struct svc_state		*st = &svc->st;
	json_object			*o = json_object_new_object();
	json_object			*pfx = json_object_new_array();
	json_object			*damp = json_object_new_object();
	unsigned			 pass = 0, total = 0;
	char				 buf[64], p[80], why[320];
	size_t				 i;

	for (i = 0; i < sc->nprefixes; i++) {
		snprintf(p, sizeof(p), "%s/%u", util_fmt_addr(
		    &sc->prefixes[i].addr, buf, sizeof(buf)),
		    sc->prefixes[i].len);
		json_object_array_add(pfx, json_object_new_string(p));
	}
	for (i = 0; i < svc->nchecks; i++) {
		enum hc_state s = svc->checks[i]->track.state;

		if (check_is_maint(svc->checks[i]->conf->type))
			continue;
		total++;
		pass += s == HC_STATE_UP || s == HC_STATE_DEGRADED;
	}
	json_object_object_add(o, "name", json_object_new_string(sc->name));
	json_object_object_add(o, "state",
	    json_object_new_string(svc_state_name(st->state)));
	svc_reason(st, sc, now, why, sizeof(why));
	json_object_object_add(o, "reason", json_object_new_string(why));
	json_object_object_add(o, "since_ms", ms_ago(now, st->since));
	json_object_object_add(o, "since", wall(st->since));
	json_object_object_add(o, "changes", json_object_new_int64((int64_t)
	    history_changes(sc->name, NULL)));
	json_object_object_add(o, "prefixes", pfx);
	json_object_object_add(o, "drain", json_object_new_boolean(st->drain));
	json_object_object_add(o, "drain_left_ms", st->drain && st->drain_until ?
	    json_object_new_int64((int64_t)(st->drain_until > now ?
	    st->drain_until - now : 0)) : NULL);
	json_object_object_add(o, "disabled",
	    json_object_new_boolean(st->disabled));
	json_object_object_add(o, "maintenance",
	    json_object_new_boolean(st->maint));
	json_object_object_add(o, "last_site",
	    json_object_new_boolean(st->last_site));
	json_object_object_add(o, "protect_last",
	    json_object_new_boolean(sc->protect_last));
	json_object_object_add(damp, "penalty", json_object_new_int64(
	    (int64_t)svc_penalty(st, sc, now)));
	json_object_object_add(damp, "suppressed",
	    json_object_new_boolean(st->suppressed));
	json_object_object_add(o, "damping", damp);
	json_object_object_add(o, "checks_passing", json_object_new_int(
	    (int)pass));
	json_object_object_add(o, "checks_total", json_object_new_int(
	    (int)total));
	return o;
}

static json_object *
daemon_json(const struct ctl_daemon *d, uint64_t now)
{
	json_object	*dm = json_object_new_object();
	size_t		 i;

	json_object_object_add(dm, "version",
	    json_object_new_string(ANYCASTD_VERSION));
	json_object_object_add(dm, "pid", json_object_new_int(getpid()));
	json_object_object_add(dm, "uptime_ms", ms_ago(now, d->started));
	json_object_object_add(dm, "config",
	    json_object_new_string(d->config_path));
	json_object_object_add(dm, "reloads",
	    json_object_new_int((int)d->reloads));
	json_object_object_add(dm, "last_reload_error",
	    d->last_reload_error[0] ?
	    json_object_new_string(d->last_reload_error) : NULL);
	for (i = 0; i < d->noutputs; i++)
		if (d->outputs[i].ops->daemon_json)
			d->outputs[i].ops->daemon_json(d->outputs[i].self, dm);
	return dm;
}

/* One service of `status`, with what the outputs say of it. */
static json_object *
status_service_json(const struct ctl_daemon *d, const struct hc_service *svc,
    uint64_t now)
{
	json_object	*so = service_json(svc, now);
	size_t		 i;

	/* The truth of the outputs beside the state: a drain that ended is
	 * withdrawn though still "draining". */
	json_object_object_add(so, "announced",
	    json_object_new_boolean(svc_announced(&svc->st)));
	for (i = 0; i < d->noutputs; i++)
		if (d->outputs[i].ops->service_json)
			d->outputs[i].ops->service_json(d->outputs[i].self,
			    svc->conf, so);
	return so;
}

static json_object *
last_json(const struct hc_track *t, uint64_t now)
{
	json_object *o;

	if (!t->have_last)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "status",
	    json_object_new_string(hc_status_name(t->last_status)));
	json_object_object_add(o, "reason",
	    json_object_new_string(hc_reason_name(t->last_reason)));
	json_object_object_add(o, "detail",
	    json_object_new_string(t->last_detail));
	json_object_object_add(o, "rtt_ms", t->last_rtt_us ?
	    fmt_ms_json(t->last_rtt_us) : NULL);
	json_object_object_add(o, "ago_ms", ms_ago(now, t->last_at));
	return o;
}

static json_object *
rtt_json(const struct hc_track *t)
{
	json_object *o;

	if (t->rtt_n == 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "last", fmt_ms_json(t->rtt_last_us));
	json_object_object_add(o, "min", fmt_ms_json(t->rtt_min_us));
	json_object_object_add(o, "avg",
	    fmt_ms_json(t->rtt_sum_us / t->rtt_n));
	json_object_object_add(o, "max", fmt_ms_json(t->rtt_max_us));
	return o;
}

/* What a check looks at: its type says, or the address and port. */
static void
target(const struct hc_check *ck, char *buf, size_t len)
{
	const struct check_desc	*ct = check_desc_of(ck->conf->type);
	struct check_net	 n;
	char			 a[64];

	if (ct->target != NULL)
		ct->target(ck, buf, len);
	else if (conf_check_net(ck->conf, &n) == 0)
		snprintf(buf, len, "%s port %u", util_fmt_addr(&ck->target, a,
		    sizeof(a)), *n.port);
	else
		snprintf(buf, len, "%s", ct->name);
}

/* The watches of a check (anycastd.conf(5) "Watches"), or null. */
static json_object *
watches_json(const struct hc_check *ck)
{
	const struct watch	*w;
	json_object		*list, *o;

	if (ck->watches == NULL)
		return NULL;
	list = json_object_new_array();
	for (w = ck->watches; w; w = w->next) {
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string(
		    conf_watch_type_name(w->conf->type)));
		json_object_object_add(o, "failing",
		    json_object_new_boolean(w->failing));
		json_object_object_add(o, "detail",
		    json_object_new_string(w->detail));
		json_object_object_add(o, "fired",
		    json_object_new_int64((int64_t)w->fired));
		json_object_array_add(list, o);
	}
	return list;
}

/* How long a check's probes waited for a slot (probe or exec limit). */
static json_object *
late_json(const struct hc_check *ck)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "last",
	    json_object_new_int64((int64_t)ck->late_last_ms));
	json_object_object_add(o, "max",
	    json_object_new_int64((int64_t)ck->late_max_ms));
	json_object_object_add(o, "total",
	    json_object_new_int64((int64_t)ck->late_sum_ms));
	return o;
}

static json_object *
check_json(const struct hc_check *ck, uint64_t now)
{
	const struct hc_track	*t = &ck->track;
	json_object		*o = json_object_new_object();
	char			 buf[512];

	json_object_object_add(o, "service",
	    json_object_new_string(ck->svc->conf->name));
	json_object_object_add(o, "name", json_object_new_string(ck->conf->name));
	json_object_object_add(o, "type",
	    json_object_new_string(conf_check_type_name(ck->conf->type)));
	target(ck, buf, sizeof(buf));
	json_object_object_add(o, "target", json_object_new_string(buf));
	json_object_object_add(o, "state",
	    json_object_new_string(hc_state_name(t->state)));
	json_object_object_add(o, "last", last_json(t, now));
	json_object_object_add(o, "rtt_ms", rtt_json(t));
	json_object_object_add(o, "successes",
	    json_object_new_int64((int64_t)t->successes));
	json_object_object_add(o, "failures",
	    json_object_new_int64((int64_t)t->failures));
	json_object_object_add(o, "bogus",
	    json_object_new_int64((int64_t)t->bogus));
	json_object_object_add(o, "last_change_ms", ms_ago(now, t->changed_at));
	json_object_object_add(o, "last_change", wall(t->changed_at));
	json_object_object_add(o, "changes", json_object_new_int64((int64_t)
	    history_changes(ck->svc->conf->name, ck->conf->name)));
	json_object_object_add(o, "interval_ms",
	    json_object_new_int64((int64_t)ck->conf->interval));
	json_object_object_add(o, "timeout_ms",
	    json_object_new_int64((int64_t)ck->conf->timeout));
	json_object_object_add(o, "rise", json_object_new_int((int)ck->conf->rise));
	json_object_object_add(o, "fall", json_object_new_int((int)ck->conf->fall));
	json_object_object_add(o, "watches", watches_json(ck));
	if (!check_is_maint(ck->conf->type))
		json_object_object_add(o, "late_ms", late_json(ck));
	return o;
}

/* The exec slots (proc.h): how full, how many wait. */
static json_object *
exec_json(void)
{
	struct proc_stats	 st;
	json_object		*o = json_object_new_object();

	proc_get_stats(&st);
	json_object_object_add(o, "limit", json_object_new_int64(st.limit));
	json_object_object_add(o, "running",
	    json_object_new_int64(st.running));
	json_object_object_add(o, "queued", json_object_new_int64(st.queued));
	json_object_object_add(o, "spawned",
	    json_object_new_int64((int64_t)st.spawned));
	json_object_object_add(o, "orphans_killed",
	    json_object_new_int64((int64_t)st.orphans_killed));
	return o;
}

/* The probe slots (hc_slots.h). */
static json_object *
probes_json(const struct hc_slots *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "limit", json_object_new_int64(
	    (int64_t)s->limit));
	json_object_object_add(o, "in_flight", json_object_new_int64(
	    (int64_t)s->inflight));
	json_object_object_add(o, "queued", json_object_new_int64(
	    (int64_t)s->nwaiting));
	json_object_object_add(o, "waited", json_object_new_int64(
	    (int64_t)s->waited));
	return o;
}

/*
 * `status` and `show checks` are written in parts (issue #15): at 100,000 checks the
 * whole tree of json-c objects, and its text, cost hundreds of MB and
 * seconds of the loop.  A stream writes its head, then at most
 * STREAM_PART items per call, each object made, printed and freed at
 * once, then its tail; ctl.c calls it again as the client drains.  The
 * answer is one JSON line, as a whole tree printed at once would be.
 */
#define STREAM_PART	64

static void
emit(struct evbuffer *out, json_object *o)
{
	const char *text = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN);

	evbuffer_add(out, text, strlen(text));
	json_object_put(o);
}

void
status_stream_start(struct status_stream *s, const struct ctl_daemon *d,
    int checks, struct evbuffer *out)
{
	memset(s, 0, sizeof(*s));
	s->checks = checks;
	s->gen = d->hc->generation;
	s->svc = d->hc->services;
	if (checks) {
		evbuffer_add_printf(out, "{\"checks\":[");
		return;
	}
	evbuffer_add_printf(out, "{\"daemon\":");
	emit(out, daemon_json(d, util_now_ms()));
	evbuffer_add_printf(out, ",\"services\":[");
}

/*
 * A reload frees the services the cursor points into: take it up again
 * at the same place in the new list (the answer then tells of both).
 */
static void
stream_refind(struct status_stream *s, const struct hc_engine *hc)
{
	size_t n;

	s->gen = hc->generation;
	for (s->svc = hc->services, n = 0; s->svc && n < s->nsvc; n++)
		s->svc = s->svc->next;
	if (s->svc && s->i > s->svc->nchecks)
		s->i = s->svc->nchecks;
}

int
status_stream_next(struct status_stream *s, const struct ctl_daemon *d,
    struct evbuffer *out)
{
	uint64_t	now = util_now_ms();
	json_object	*o;
	int		 n;

	if (s->gen != d->hc->generation)
		stream_refind(s, d->hc);
	for (n = 0; n < STREAM_PART && s->svc; ) {
		if (s->checks && s->i == s->svc->nchecks) {
			s->svc = s->svc->next;
			s->nsvc++;
			s->i = 0;
			continue;
		}
		if (s->checks)
			o = check_json(s->svc->checks[s->i++], now);
		else {
			o = status_service_json(d, s->svc, now);
			s->svc = s->svc->next;
			s->nsvc++;
		}
		if (s->items++)
			evbuffer_add(out, ",", 1);
		emit(out, o);
		n++;
	}
	if (s->svc)
		return 1;
	evbuffer_add(out, "]", 1);
	if (s->checks) {
		evbuffer_add_printf(out, ",\"probes\":");
		emit(out, probes_json(&d->hc->slots));
		evbuffer_add_printf(out, ",\"exec\":");
		emit(out, exec_json());
	}
	return 0;
}
