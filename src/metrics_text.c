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

#include "bgp.h"
#include "history.h"
#include "kout.h"
#include "metrics.h"
#include "proc.h"
#include "watch.h"

struct label {
	const char	*key;
	const char	*value;
};

void
metrics_escape(struct evbuffer *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

static void
family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* NAME{labels} VALUE; VALUE is already formatted. */
static void
sample(struct evbuffer *out, const char *name, const struct label *l,
    size_t n, const char *value)
{
	size_t i;

	evbuffer_add_printf(out, "%s", name);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(out, "%s%s=\"", i ? "," : "{", l[i].key);
		metrics_escape(out, l[i].value);
		evbuffer_add(out, "\"", 1);
	}
	evbuffer_add_printf(out, "%s %s\n", n ? "}" : "", value);
}

static void
sample_u64(struct evbuffer *out, const char *name, const struct label *l,
    size_t n, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	sample(out, name, l, n, buf);
}

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
	struct label l[] = { { "version", ANYCASTD_VERSION } };

	family(out, "anycastd_build_info", "gauge",
	    "The version of anycastd, as a label; always 1.");
	sample(out, "anycastd_build_info", l, 1, "1");
	family(out, "anycastd_config_reloads_total", "counter",
	    "Configuration reloads that were applied.");
	sample_u64(out, "anycastd_config_reloads_total", NULL, 0, d->reloads);
	family(out, "anycastd_config_last_reload_successful", "gauge",
	    "0 when the last reload was refused (the old config runs), "
	    "else 1.");
	sample(out, "anycastd_config_last_reload_successful", NULL, 0,
	    d->last_reload_error[0] ? "0" : "1");
	family(out, "anycastd_kernel_errors_total", "counter",
	    "Netlink requests for addresses and routes that failed.");
	sample_u64(out, "anycastd_kernel_errors_total", NULL, 0,
	    d->kout->errors);
	family(out, "anycastd_kernel_scans_total", "counter",
	    "Full reads of the kernel's routes and addresses.");
	sample_u64(out, "anycastd_kernel_scans_total", NULL, 0,
	    d->kout->scans);
	family(out, "anycastd_kernel_repairs_total", "counter",
	    "Routes and addresses of anycastd found changed or gone "
	    "in the kernel, and put right.");
	sample_u64(out, "anycastd_kernel_repairs_total", NULL, 0,
	    d->kout->repairs);
	family(out, "anycastd_kernel_foreign", "gauge",
	    "Prefixes of anycastd on which another program's route or "
	    "address is in the kernel (left alone).");
	sample_u64(out, "anycastd_kernel_foreign", NULL, 0,
	    kout_foreign_count(d->kout));
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
	struct label		 l[2];
	char			 buf[32];
	int			 st;

	family(out, "anycastd_service_state", "gauge",
	    "1 for the state the service is in, 0 for the others.");
	for (svc = d->hc->services; svc; svc = svc->next)
		for (st = SVC_INIT; st <= SVC_DISABLED; st++) {
			l[0] = (struct label){ "service", svc->conf->name };
			l[1] = (struct label){ "state", svc_state_name(st) };
			sample(out, "anycastd_service_state", l, 2,
			    svc->st.state == (enum svc_st)st ? "1" : "0");
		}
	family(out, "anycastd_service_state_changes_total", "counter",
	    "State changes of the service since anycastd started.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct label){ "service", svc->conf->name };
		sample_u64(out, "anycastd_service_state_changes_total", l, 1,
		    changes_of(changes, svc->conf->name));
	}
	family(out, "anycastd_service_state_since_seconds", "gauge",
	    "When the service entered its state, Unix time in seconds.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct label){ "service", svc->conf->name };
		snprintf(buf, sizeof(buf), "%.3f",
		    history_unix_time(svc->st.since));
		sample(out, "anycastd_service_state_since_seconds", l, 1, buf);
	}
	family(out, "anycastd_service_announced", "gauge",
	    "1 while the outputs announce the service's prefixes.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct label){ "service", svc->conf->name };
		sample(out, "anycastd_service_announced", l, 1,
		    svc_announced(&svc->st) ? "1" : "0");
	}
	family(out, "anycastd_damping_penalty", "gauge",
	    "The flap damping penalty of the service, decayed to now.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct label){ "service", svc->conf->name };
		snprintf(buf, sizeof(buf), "%.3f",
		    svc_penalty(&svc->st, svc->conf, now));
		sample(out, "anycastd_damping_penalty", l, 1, buf);
	}
	family(out, "anycastd_damping_suppressed", "gauge",
	    "1 while damping holds the service down.");
	for (svc = d->hc->services; svc; svc = svc->next) {
		l[0] = (struct label){ "service", svc->conf->name };
		sample(out, "anycastd_damping_suppressed", l, 1,
		    svc->st.suppressed ? "1" : "0");
	}
}

static void
check_labels(struct label *l, const struct hc_check *ck)
{
	l[0] = (struct label){ "service", ck->svc->conf->name };
	l[1] = (struct label){ "check", ck->conf->name };
}

static void
check_up(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	const struct hc_check	*ck;
	struct label		 l[2];
	size_t			 i;

	family(out, "anycastd_check_up", "gauge",
	    "1 while the check passes (up or degraded after rise/fall; a "
	    "file check: no maintenance file), else 0.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			sample(out, "anycastd_check_up", l, 2,
			    ck->track.state == HC_STATE_UP ||
			    ck->track.state == HC_STATE_DEGRADED ? "1" : "0");
		}
}

/* Only the status/reason pairs that happened: most cannot. */
static void
check_results(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	const struct hc_check	*ck;
	struct label		 l[4];
	size_t			 i, s, r;

	family(out, "anycastd_check_results_total", "counter",
	    "Probe results by status (ok, degraded, fail, maint) and reason.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			for (s = 0; s < HC_TRACK_NSTATUS; s++)
				for (r = 0; r < HC_R_MAX; r++) {
					if (ck->track.results[s][r] == 0)
						continue;
					l[2] = (struct label){ "status",
					    hc_status_name(s) };
					l[3] = (struct label){ "reason",
					    hc_reason_name(r) };
					sample_u64(out,
					    "anycastd_check_results_total", l,
					    4, ck->track.results[s][r]);
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
	struct label		 l[3];
	size_t			 i;

	family(out, "anycastd_check_watch_fired_total", "counter",
	    "Times a watch (process, listener, tcp-session) failed its check.");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			ck = svc->checks[i];
			check_labels(l, ck);
			for (w = ck->watches; w; w = w->next) {
				l[2] = (struct label){ "watch",
				    conf_watch_type_name(w->conf->type) };
				sample_u64(out,
				    "anycastd_check_watch_fired_total", l, 3,
				    w->fired);
			}
		}
}

static void
check_histogram(struct evbuffer *out, const struct hc_check *ck)
{
	const struct hc_track	*t = &ck->track;
	struct label		 l[3];
	uint64_t		 cum = 0;
	char			 le[32];
	size_t			 i;

	check_labels(l, ck);
	for (i = 0; i <= HC_TRACK_RTT_BUCKETS; i++) {
		cum += t->rtt_buckets[i];
		l[2] = (struct label){ "le", i < HC_TRACK_RTT_BUCKETS ?
		    fmt_seconds(hc_track_rtt_bounds_us[i], le, sizeof(le)) :
		    "+Inf" };
		sample_u64(out, "anycastd_check_rtt_seconds_bucket", l, 3, cum);
	}
	sample(out, "anycastd_check_rtt_seconds_sum", l, 2,
	    fmt_seconds(t->rtt_sum_us, le, sizeof(le)));
	sample_u64(out, "anycastd_check_rtt_seconds_count", l, 2, t->rtt_n);
}

/* The exec slots (proc.h) and how late exec checks start. */
static void
exec_metrics(struct evbuffer *out, const struct hc_engine *hc)
{
	const struct hc_service	*svc;
	struct proc_stats	 st;
	struct label		 l[2];
	char			 buf[32];
	size_t			 i;

	family(out, "anycastd_check_late_seconds_total", "counter",
	    "Time exec check probes waited for a slot (exec limit).");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++) {
			if (!(check_desc_of(svc->checks[i]->conf->type)->flags &
			    CT_SLOTS))
				continue;
			check_labels(l, svc->checks[i]);
			sample(out, "anycastd_check_late_seconds_total", l, 2,
			    fmt_seconds(svc->checks[i]->late_sum_ms * 1000,
			    buf, sizeof(buf)));
		}
	proc_get_stats(&st);
	family(out, "anycastd_exec_limit", "gauge",
	    "Exec checks allowed to run at once.");
	sample_u64(out, "anycastd_exec_limit", NULL, 0, st.limit);
	family(out, "anycastd_exec_running", "gauge",
	    "Exec checks running now.");
	sample_u64(out, "anycastd_exec_running", NULL, 0, st.running);
	family(out, "anycastd_exec_queued", "gauge",
	    "Exec checks due and waiting for a slot.");
	sample_u64(out, "anycastd_exec_queued", NULL, 0, st.queued);
	family(out, "anycastd_exec_orphans_killed_total", "counter",
	    "Processes left running by exec checks or hooks, killed.");
	sample_u64(out, "anycastd_exec_orphans_killed_total", NULL, 0,
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
	family(out, "anycastd_check_rtt_seconds", "histogram",
	    "Round-trip time of probes that got an answer (a DNS or TCP "
	    "exchange, an exec check's run time).");
	for (svc = hc->services; svc; svc = svc->next)
		for (i = 0; i < svc->nchecks; i++)
			if (!check_is_maint(svc->checks[i]->conf->type))
				check_histogram(out, svc->checks[i]);
	exec_metrics(out, hc);
}

#define STAT(m)	offsetof(struct bgp_stats, m)

/* The per-peer counters: each a uint64_t of struct bgp_stats. */
static const struct {
	const char	*name;
	const char	*help;
	size_t		 off;
} peer_counters[] = {
	{ "anycastd_bgp_messages_received_total", "BGP messages received.",
	    STAT(msgs_in) },
	{ "anycastd_bgp_messages_sent_total", "BGP messages sent.",
	    STAT(msgs_out) },
	{ "anycastd_bgp_updates_received_total", "UPDATE messages received.",
	    STAT(updates_in) },
	{ "anycastd_bgp_updates_sent_total", "UPDATE messages sent.",
	    STAT(updates_out) },
	{ "anycastd_bgp_notifications_received_total",
	    "NOTIFICATION messages received.", STAT(notifications_in) },
	{ "anycastd_bgp_notifications_sent_total",
	    "NOTIFICATION messages sent.", STAT(notifications_out) },
	{ "anycastd_bgp_prefixes_received_total",
	    "Prefixes the peer announced to us (counted, never used).",
	    STAT(prefixes_in) },
	{ "anycastd_bgp_prefixes_withdrawn_received_total",
	    "Prefixes the peer withdrew.", STAT(withdrawn_in) },
	{ "anycastd_bgp_session_flaps_total",
	    "Times the session left Established.", STAT(flaps) },
	{ "anycastd_bgp_bfd_down_total",
	    "Times BFD to the peer left Up (0 without bfd).", STAT(bfd_downs) },
};

/* Per peer, service and prefix: 1 while in the Adj-RIB-Out as sent. */
static void
bgp_announced_metrics(struct evbuffer *out, const struct bgp_engine *bgp)
{
	const struct bgp_peer		*p;
	const struct hc_service		*svc;
	const struct service_conf	*sc;
	struct label			 l[3];
	char				 a[64], buf[80];
	size_t				 i;

	family(out, "anycastd_bgp_announced", "gauge",
	    "1 while the prefix of the service is announced to the peer "
	    "(in the Adj-RIB-Out as sent), else 0.");
	for (p = bgp->peers; p; p = p->next)
		for (svc = bgp->hc->services; svc; svc = svc->next) {
			sc = svc->conf;
			if (conf_announce_for(sc, p->conf->name) == NULL)
				continue;
			for (i = 0; i < sc->nprefixes; i++) {
				snprintf(buf, sizeof(buf), "%s/%u",
				    util_fmt_addr(&sc->prefixes[i].addr, a,
				    sizeof(a)), sc->prefixes[i].len);
				l[0] = (struct label){ "peer", p->conf->name };
				l[1] = (struct label){ "service", sc->name };
				l[2] = (struct label){ "prefix", buf };
				sample(out, "anycastd_bgp_announced", l, 3,
				    bgp_out_announced(p, sc->name,
				    &sc->prefixes[i], NULL) ? "1" : "0");
			}
		}
}

static void
bgp_metrics(struct evbuffer *out, const struct bgp_engine *bgp)
{
	static const char *const states[] = { "idle", "connect", "active",
	    "opensent", "openconfirm", "established" };
	const struct bgp_peer	*p;
	struct label		 l[2];
	uint64_t		 v;
	size_t			 i;

	family(out, "anycastd_bgp_session_state", "gauge",
	    "1 for the RFC 4271 state the session is in, 0 for the others.");
	for (p = bgp->peers; p; p = p->next)
		for (i = 0; i < nitems(states); i++) {
			l[0] = (struct label){ "peer", p->conf->name };
			l[1] = (struct label){ "state", states[i] };
			sample(out, "anycastd_bgp_session_state", l, 2,
			    p->state == (enum bgp_state)i ? "1" : "0");
		}
	for (i = 0; i < nitems(peer_counters); i++) {
		family(out, peer_counters[i].name, "counter",
		    peer_counters[i].help);
		for (p = bgp->peers; p; p = p->next) {
			memcpy(&v, (const char *)&p->stats +
			    peer_counters[i].off, sizeof(v));
			l[0] = (struct label){ "peer", p->conf->name };
			sample_u64(out, peer_counters[i].name, l, 1, v);
		}
	}
	family(out, "anycastd_bgp_bfd_up", "gauge",
	    "1 while BFD to the peer is Up, 0 otherwise; peers with bfd only.");
	for (p = bgp->peers; p; p = p->next)
		if (p->bfd) {
			l[0] = (struct label){ "peer", p->conf->name };
			sample(out, "anycastd_bgp_bfd_up", l, 1,
			    bfd_watch_up(p->bfd) ? "1" : "0");
		}
	family(out, "anycastd_bgp_prefixes_sent", "gauge",
	    "Prefixes announced to the peer now.");
	for (p = bgp->peers; p; p = p->next) {
		l[0] = (struct label){ "peer", p->conf->name };
		sample_u64(out, "anycastd_bgp_prefixes_sent", l, 1,
		    bgp_out_count(p));
	}
	bgp_announced_metrics(out, bgp);
}

void
metrics_render(struct evbuffer *out, const struct ctl_daemon *d,
    const struct metrics_count *changes, uint64_t now)
{
	daemon_metrics(out, d);
	service_metrics(out, d, changes, now);
	check_metrics(out, d->hc);
	bgp_metrics(out, d->bgp);
}
