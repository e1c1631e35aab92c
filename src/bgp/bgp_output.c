/* SPDX-License-Identifier: ISC */
/*
 * The BGP speaker as an output (output.h): its hooks, its part of
 * `status` and its metric families.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bfd/bfd.h"
#include "bgp/bgp.h"
#include "control/metrics.h"
#include "output.h"

static int
configure(void *self, const struct conf *c, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	bgp_configure(self, c);
	return 0;
}

static void
sync_all(void *self)
{
	bgp_sync_all(self);
}

static int
carries(const void *self, const struct service_conf *sc)
{
	return bgp_out_carries(self, sc->name);
}

static void
shutdown_all(void *self)
{
	bgp_shutdown(self, "anycastd shutting down");
}

/* Per service: the peers it goes to and what each has of it. */
static void
service_json(const void *self, const struct service_conf *sc,
    json_object *o)
{
	json_object_object_add(o, "bgp", bgp_service_json(self, sc));
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
	struct metrics_label		 l[3];
	char				 a[64], buf[80];
	size_t				 i;

	metrics_family(out, "anycastd_bgp_announced", "gauge",
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
				l[0] = (struct metrics_label){ "peer", p->conf->name };
				l[1] = (struct metrics_label){ "service", sc->name };
				l[2] = (struct metrics_label){ "prefix", buf };
				metrics_sample(out, "anycastd_bgp_announced", l, 3,
				    bgp_out_announced(p, sc->name,
				    &sc->prefixes[i], NULL) ? "1" : "0");
			}
		}
}

static void
metrics(const void *self, struct evbuffer *out)
{
	static const char *const states[] = { "idle", "connect", "active",
	    "opensent", "openconfirm", "established" };
	const struct bgp_engine	*bgp = self;
	const struct bgp_peer	*p;
	struct metrics_label	 l[2];
	uint64_t		 v;
	size_t			 i;

	metrics_family(out, "anycastd_bgp_session_state", "gauge",
	    "1 for the RFC 4271 state the session is in, 0 for the others.");
	for (p = bgp->peers; p; p = p->next)
		for (i = 0; i < nitems(states); i++) {
			l[0] = (struct metrics_label){ "peer", p->conf->name };
			l[1] = (struct metrics_label){ "state", states[i] };
			metrics_sample(out, "anycastd_bgp_session_state", l, 2,
			    p->state == (enum bgp_state)i ? "1" : "0");
		}
	for (i = 0; i < nitems(peer_counters); i++) {
		metrics_family(out, peer_counters[i].name, "counter",
		    peer_counters[i].help);
		for (p = bgp->peers; p; p = p->next) {
			memcpy(&v, (const char *)&p->stats +
			    peer_counters[i].off, sizeof(v));
			l[0] = (struct metrics_label){ "peer", p->conf->name };
			metrics_sample_u64(out, peer_counters[i].name, l, 1, v);
		}
	}
	metrics_family(out, "anycastd_bgp_bfd_up", "gauge",
	    "1 while BFD to the peer is Up, 0 otherwise; peers with bfd only.");
	for (p = bgp->peers; p; p = p->next)
		if (p->bfd) {
			l[0] = (struct metrics_label){ "peer", p->conf->name };
			metrics_sample(out, "anycastd_bgp_bfd_up", l, 1,
			    bfd_watch_up(p->bfd) ? "1" : "0");
		}
	metrics_family(out, "anycastd_bgp_prefixes_sent", "gauge",
	    "Prefixes announced to the peer now.");
	for (p = bgp->peers; p; p = p->next) {
		l[0] = (struct metrics_label){ "peer", p->conf->name };
		metrics_sample_u64(out, "anycastd_bgp_prefixes_sent", l, 1,
		    bgp_out_count(p));
	}
	bgp_announced_metrics(out, bgp);
}

const struct output_ops bgp_output_ops = {
	.name = "bgp",
	.configure = configure,
	.sync = sync_all,
	.carries = carries,
	.shutdown = shutdown_all,
	.service_json = service_json,
	.metrics = metrics,
};
