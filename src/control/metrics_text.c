/* SPDX-License-Identifier: ISC */
/*
 * The Prometheus text exposition of anycastd's state: one HELP and TYPE
 * line per family, then its samples.  Names follow the Prometheus
 * conventions: the anycastd_ prefix, base units (seconds), _total for
 * counters.  An enum-like value (service and session state) is one
 * gauge per possible state, 1 for the current one, so that a query can
 * select on the label without knowing numbers.
 *
 * Counters come from the engines and restart from zero only when the
 * thing they count is new (a check or peer whose config changed on
 * reload), which Prometheus' rate() handles as a counter reset.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "history.h"
#include "output.h"
#include "control/metrics.h"
#include "daemon/proc.h"
#include "watch/watch.h"

/* Microseconds as exact decimal seconds: 500 -> "0.0005", 2e6 -> "2". */
static const char *
fmt_seconds(uint64_t us, char *buf, size_t len)
{
	size_t n;

	n = (size_t)snprintf(buf, len, "%" PRIu64 ".%06" PRIu64,
	    us / 1000000, us % 1000000);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static void
daemon_metrics(struct evbuffer *out, const struct ctl_daemon *d)
{
	struct metrics_label l[] = { { "version", ANYCASTD_VERSION } };

	metrics_family(out, "anycastd_build_info", "gauge",
	    "The version of anycastd, as a label; always 1.");
	metrics_sample(out, "anycastd_build_info", l, 1, "1");
	metrics_family(out, "anycastd_config_reloads_total", "counter",
	    "Configuration reloads that were applied.");
	metrics_sample_u64(out, "anycastd_config_reloads_total", NULL, 0, d->reloads);
	metrics_family(out, "anycastd_config_last_reload_successful", "gauge",
	    "0 when the last reload was refused (the old config runs), "
	    "else 1.");
	metrics_sample(out, "anycastd_config_last_reload_successful", NULL, 0,
	    d->last_reload_error[0] ? "0" : "1");
}

static uint64_t
changes_of(const struct metrics_count *c, const char *name)
{
	for (; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c->n;
	return 0;
}

static void
service_metrics(struct evbuffer *out, const struct ctl_daemon *d,
    const struct metrics_count *changes, uint64_t now)
{
	const struct hc_service	*svc;
	struct metrics_label		 l[2];
	char			 buf[32];
	int			 st;

	metrics_family(out, "anycastd_service_state", "gauge",
	    "1 for the state the service is in, 0 for the others.");
	for (svc = d->hc->services; svc; svc = svc->next)
		for (st = SVC_INIT; st <= SVC_DISABLED; st++) {
			l[0] = (struct metrics_label){ "service", svc->conf->name };
			l[1] = (struct metrics_label){ "state", svc_state_name(st) };
			metrics_sample(out, "anycastd_service_state", l, 2,
			    svc->st.state == (enum svc_st)st ? "1" : "0");
		}
	metrics_family(out, "anycastd_service_state_changes_total", "counter",
	    "State changes of the service since anycastd started.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct metrics_label){ "service", svc->conf->name };
		metrics_sample_u64(out, "anycastd_service_state_changes_total", l, 1,
		    changes_of(changes, svc->conf->name));
	}
	metrics_family(out, "anycastd_service_state_since_seconds", "gauge",
	    "When the service entered its state, Unix time in seconds.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct metrics_label){ "service", svc->conf->name };
		snprintf(buf, sizeof(buf), "%.3f",
		    history_unix_time(svc->st.since));
		metrics_sample(out, "anycastd_service_state_since_seconds", l, 1, buf);
	}
	metrics_family(out, "anycastd_service_announced", "gauge",
	    "1 while the outputs announce the service's prefixes.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct metrics_label){ "service", svc->conf->name };
		metrics_sample(out, "anycastd_service_announced", l, 1,
		    svc_announced(&svc->st) ? "1" : "0");
	}
	metrics_family(out, "anycastd_damping_penalty", "gauge",
	    "The flap damping penalty of the service, decayed to now.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct metrics_label){ "service", svc->conf->name };
		snprintf(buf, sizeof(buf), "%.3f",
		    svc_penalty(&svc->st, svc->conf, now));
		metrics_sample(out, "anycastd_damping_penalty", l, 1, buf);
	}
	metrics_family(out, "anycastd_damping_suppressed", "gauge",
	    "1 while damping holds the service down.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct metrics_label){ "service", svc->conf->name };
		metrics_sample(out, "anycastd_damping_suppressed", l, 1,
		    svc->st.suppressed ? "1" : "0");
	}
}

static void
check_labels(struct metrics_label *l, const struct hc_check *ck)
{
	l[0] = (struct metrics_label){ "service", ck->svc->conf->name };
	l[1] = (struct metrics_label){ "check", ck->conf->name };
}

static void
check_up(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	const struct hc_check	*ck;
	struct metrics_label		 l[2];
	size_t			 i;

	metrics_family(out, "anycastd_check_up", "gauge",
	    "1 while the check passes (up or degraded after rise/fall; a "
	    "file check: no maintenance file), else 0.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			metrics_sample(out, "anycastd_check_up", l, 2,
			    ck->track.state == HC_STATE_UP ||
			    ck->track.state == HC_STATE_DEGRADED ? "1" : "0");
		}
}

/* Only the status/reason pairs that happened (hc_track.h keeps those). */
static void
check_results(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	const struct hc_check	*ck;
	const struct hc_count	*c;
	struct metrics_label		 l[4];
	size_t			 i, k;

	metrics_family(out, "anycastd_check_results_total", "counter",
	    "Probe results by status (ok, degraded, fail, maint) and reason.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			for (k = 0; k < ck->track.ncounts; k++) {
				c = &ck->track.counts[k];
				l[2] = (struct metrics_label){ "status",
				    hc_status_name(c->status) };
				l[3] = (struct metrics_label){ "reason",
				    hc_reason_name(c->reason) };
				metrics_sample_u64(out,
				    "anycastd_check_results_total", l, 4,
				    c->n);
			}
		}
}

/* How often each watch failed its check: which source fired. */
static void
check_watches(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	const struct hc_check	*ck;
	const struct watch	*w;
	struct metrics_label		 l[3];
	size_t			 i;

	metrics_family(out, "anycastd_check_watch_fired_total", "counter",
	    "Times a watch (process, listener, tcp-session) failed its check.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			for (w = ck->watches; w; w = w->next) {
				l[2] = (struct metrics_label){ "watch",
				    conf_watch_type_name(w->conf->type) };
				metrics_sample_u64(out,
				    "anycastd_check_watch_fired_total", l, 3,
				    w->fired);
			}
		}
}

static void
check_histogram(struct evbuffer *out, const struct hc_check *ck)
{
	const struct hc_track	*t = &ck->track;
	struct metrics_label		 l[3];
	uint64_t		 cum = 0;
	char			 le[32];
	size_t			 i;

	check_labels(l, ck);
	for (i = 0; i <= HC_TRACK_RTT_BUCKETS; i++) {
		cum += t->rtt_buckets[i];
		l[2] = (struct metrics_label){ "le", i < HC_TRACK_RTT_BUCKETS ?
		    fmt_seconds(hc_track_rtt_bounds_us[i], le, sizeof(le)) :
		    "+Inf" };
		metrics_sample_u64(out, "anycastd_check_rtt_seconds_bucket", l, 3, cum);
	}
	metrics_sample(out, "anycastd_check_rtt_seconds_sum", l, 2,
	    fmt_seconds(t->rtt_sum_us, le, sizeof(le)));
	metrics_sample_u64(out, "anycastd_check_rtt_seconds_count", l, 2, t->rtt_n);
}

/* The slots of probes (hc_slots.h) and of exec checks (proc.h), and how
 * late the probes that waited for one started. */
static void
slot_metrics(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	struct proc_stats	 st;
	struct metrics_label		 l[2];
	char			 buf[32];
	size_t			 i;

	metrics_family(out, "anycastd_check_late_seconds_total", "counter",
	    "Time probes waited for a slot (probe limit, exec limit).");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			if (check_is_maint(svc->checks[i]->conf->type))
				continue;
			check_labels(l, svc->checks[i]);
			metrics_sample(out, "anycastd_check_late_seconds_total", l, 2,
			    fmt_seconds(svc->checks[i]->late_sum_ms * 1000,
			    buf, sizeof(buf)));
		}
	metrics_family(out, "anycastd_probe_limit", "gauge",
	    "Probes allowed in flight at once (probe limit).");
	metrics_sample_u64(out, "anycastd_probe_limit", NULL, 0,
	    hc->slots.limit);
	metrics_family(out, "anycastd_probes_in_flight", "gauge",
	    "Probes in flight now (not exec checks).");
	metrics_sample_u64(out, "anycastd_probes_in_flight", NULL, 0,
	    hc->slots.inflight);
	metrics_family(out, "anycastd_probes_queued", "gauge",
	    "Probes due and waiting for a slot.");
	metrics_sample_u64(out, "anycastd_probes_queued", NULL, 0,
	    hc->slots.nwaiting);
	proc_get_stats(&st);
	metrics_family(out, "anycastd_exec_limit", "gauge",
	    "Exec checks allowed to run at once.");
	metrics_sample_u64(out, "anycastd_exec_limit", NULL, 0, st.limit);
	metrics_family(out, "anycastd_exec_running", "gauge",
	    "Exec checks running now.");
	metrics_sample_u64(out, "anycastd_exec_running", NULL, 0, st.running);
	metrics_family(out, "anycastd_exec_queued", "gauge",
	    "Exec checks due and waiting for a slot.");
	metrics_sample_u64(out, "anycastd_exec_queued", NULL, 0, st.queued);
	metrics_family(out, "anycastd_exec_orphans_killed_total", "counter",
	    "Processes left running by exec checks or hooks, killed.");
	metrics_sample_u64(out, "anycastd_exec_orphans_killed_total", NULL, 0,
	    st.orphans_killed);
}

static void
check_metrics(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	size_t			 i;

	check_up(out, hc);
	check_results(out, hc);
	check_watches(out, hc);
	metrics_family(out, "anycastd_check_rtt_seconds", "histogram",
	    "Round-trip time of probes that got an answer (a DNS or TCP "
	    "exchange, an exec check's run time).");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++)
			if (!check_is_maint(svc->checks[i]->conf->type))
				check_histogram(out, svc->checks[i]);
	slot_metrics(out, hc);
}

void
metrics_render(struct evbuffer *out, const struct ctl_daemon *d,
    const struct metrics_count *changes, uint64_t now)
{
	size_t i;

	daemon_metrics(out, d);
	service_metrics(out, d, changes, now);
	check_metrics(out, d->hc);
	for (i = 0; i < d->noutputs; i++)
		if (d->outputs[i].ops->metrics)
			d->outputs[i].ops->metrics(d->outputs[i].self, out);
}
