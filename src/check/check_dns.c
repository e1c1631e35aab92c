/* SPDX-License-Identifier: ISC */
/*
 * The dns check.  One probe asks the main query (judged by
 * dns_wire_judge()) and, when the config asks for them, a few more in
 * parallel: the zone's SOA from the server and from its primary (serial
 * lag, RFC 1982), id.server (RFC 4892; asked seldom and shared by the
 * checks of one server, see dns_ident.h), a known-bogus name (must get
 * SERVFAIL, RFC 4035 5.5), the zone's DNSKEY, and every zone of a zone
 * list.  Each query is one dns_xfer (a random id, on a shared UDP socket
 * with a TCP retry or on its own TCP one, bogus answers ignored); the
 * zone list is one dns_zones (one socket, a bounded window).  The probe has one deadline,
 * and ends with exactly one hc_report(): the worst of its verdicts, in a
 * fixed order of precedence, so the reason names what matters most.
 *
 * With a `watch tcp-session`, the queries to the checked server go on
 * that kept session while it is open (watch_session_pipe()), and the
 * usual way -- said in the result -- while it is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check_dns.h"
#include "dns/dns_ident.h"
#include "dns/dns_judge.h"
#include "dns/dns_window.h"
#include "dns/dns_wire.h"
#include "dns/dns_xfer.h"
#include "dns/dns_zones.h"
#include "check/hc.h"
#include "watch/watch.h"

/* The queries of a probe. */
enum part { P_MAIN, P_SERVED, P_PRIMARY, P_ID, P_SERVFAIL, P_DNSKEY, P_MAX };

/* The verdicts, in order of precedence among equals. */
enum verdict { V_MAIN, V_ID, V_VALIDATED, V_SERVFAIL, V_DNSKEY, V_ZONES,
	V_SERVED, V_SERIAL, V_AGE, V_RRSIG, V_LATENCY, V_P95, V_MAX };

static const char *const part_names[P_MAX] = { "query", "SOA", "primary",
	"id.server", "servfail", "DNSKEY" };

struct dns_probe;

struct part_ctx {
	struct dns_probe	*p;
	enum part		 which;
};

/*
 * What only a probe that asks or judges more than the main answer needs:
 * the other verdicts (v[V_MAIN] unused) and the notes.  Apart, and made
 * on first use, because at start-up every check has a probe in flight
 * (the fast interval against a server not yet answering them all): with
 * them inline a probe was 2.8 KB, 280 MB for 100,000 checks.
 */
struct dns_probe_more {
	struct hc_result	 v[V_MAX];
	char			 note[160];	/* not a failure, worth a word */
	char			 id_note[128];
	char			 via[48];	/* the session is down */
};

struct dns_probe {
	struct hc_check		*ck;
	struct event		*deadline;
	struct dns_xfer		*x[P_MAX];
	struct part_ctx		 ctx[P_MAX];
	struct dns_zones	*zones;
	struct hc_result	 main;		/* the verdict V_MAIN */
	struct dns_probe_more	*more;		/* more(), or NULL */
	int			 have_served, have_primary;
	uint32_t		 served, primary;
	uint16_t		 main_id;
	uint64_t		 rtt_us;	/* of the main query, 0: none */
	unsigned		 bogus;
	int64_t			 now;		/* wall clock at the start */
	struct dns_ident	*ident;		/* the server's, shared */
	int			 id_owner;	/* P_ID is the shared query */
	int			 id_waiting;	/* for another probe's query */
	struct dns_ident_wait	 id_wait;
	struct event		*id_woken;	/* that query ended */
};

static void	conclude(struct dns_probe *);
static void	deadline(evutil_socket_t, short, void *);

static struct dns_probe_more *
more(struct dns_probe *p)
{
	if (p->more == NULL)
		p->more = xcalloc(1, sizeof(*p->more));
	return p->more;
}

/* Verdict W of the probe, to be written. */
static struct hc_result *
V(struct dns_probe *p, enum verdict w)
{
	return w == V_MAIN ? &p->main : &more(p)->v[w];
}

static struct dns_check_state *
state(struct hc_check *ck)
{
	if (ck->state == NULL)
		ck->state = xcalloc(1, sizeof(struct dns_check_state));
	return ck->state;
}

static const struct dns_check_conf *
dconf(const struct dns_probe *p)
{
	return &p->ck->conf->u.dns;
}

/* The zone of the serial and DNSKEY expectations. */
static const char *
zone_of(const struct dns_check_conf *c)
{
	return c->zone != NULL ? c->zone : c->qname;
}

/* The main answer also gives the served serial when it asks the SOA. */
static int
main_is_soa(const struct dns_check_conf *c)
{
	return c->qtype == 6 && c->qclass == 1 &&
	    (c->zone == NULL || strcmp(c->zone, c->qname) == 0);
}

/* The main query and expectations, always from the current config; also
 * the query of a type that speaks DNS another way (check_dns.h). */
void
check_dns_query(const struct dns_check_conf *c, uint16_t id,
    struct dns_query *q, struct dns_expect *e)
{
	memset(q, 0, sizeof(*q));
	q->qname = c->qname;
	q->qname_wire = c->qname_wire;
	q->qname_wlen = c->qname_wlen;
	q->qtype = c->qtype;
	q->qclass = c->qclass;
	q->id = id;
	q->edns = c->edns;
	q->dnssec_ok = c->dnssec_ok;
	q->nsid = c->nsid;
	q->rd = c->recursion;
	q->ad = c->expect_validated;
	memset(e, 0, sizeof(*e));
	e->rcodes = c->rcodes;
	e->aa = c->expect_aa;
	e->answer = c->expect_answer;
	e->contains = c->contains;
	e->ncontains = c->ncontains;
	e->nsid = c->expect_nsid;
}

static void
set(struct hc_result *v, enum hc_status st, enum hc_reason r,
    const char *prefix, const char *detail)
{
	v->status = st;
	v->reason = r;
	snprintf(v->detail, sizeof(v->detail), "%.24s%.130s", prefix, detail);
}

/*
 * Probes that ended, kept with their deadline timer for the next ones:
 * 10,000 checks a second each
 * allocating, zeroing and freeing one was a good part of malloc's share
 * of the CPU (bench/findings.md).  Kept in one list for all checks, not
 * one per check: only the probes in flight need one, and the list holds
 * at most PROBES_KEPT, more than are in flight at that rate.
 */
#define PROBES_KEPT	64

static struct dns_probe	*probes_kept[PROBES_KEPT];
static size_t		 nprobes_kept;

static struct dns_probe *
probe_new(struct hc_check *ck)
{
	struct dns_probe	*p;
	struct event		*ev;

	if (nprobes_kept == 0) {
		p = xcalloc(1, sizeof(*p));
		p->deadline = evtimer_new(ck->svc->engine->base, deadline, p);
		if (p->deadline == NULL)
			fatalx_oom();
		return p;
	}
	p = probes_kept[--nprobes_kept];
	ev = p->deadline;
	memset(p, 0, sizeof(*p));
	p->deadline = ev;
	return p;
}

static void
probe_free(struct dns_probe *p)
{
	size_t i;

	if (p->id_owner && p->x[P_ID] != NULL)
		dns_ident_abandon(p->ident);
	if (p->id_waiting)
		dns_ident_unwait(p->ident, &p->id_wait);
	for (i = 0; i < P_MAX; i++)
		dns_xfer_free(p->x[i]);
	dns_zones_free(p->zones);
	if (p->id_woken != NULL)
		event_free(p->id_woken);
	free(p->more);
	if (nprobes_kept < PROBES_KEPT) {
		evtimer_del(p->deadline);
		probes_kept[nprobes_kept++] = p;
		return;
	}
	event_free(p->deadline);
	free(p);
}

static int
pending(const struct dns_probe *p)
{
	size_t i;

	for (i = 0; i < P_MAX; i++)
		if (p->x[i] != NULL)
			return 1;
	return p->zones != NULL || p->id_waiting;
}

static void
main_answer(struct dns_probe *p, const uint8_t *msg, size_t len,
    const struct dns_msg *read)
{
	const struct dns_check_conf	*c = dconf(p);
	struct dns_query		 q;
	struct dns_expect		 e;
	struct hc_result		 r;
	int				 tc;

	check_dns_query(c, p->main_id, &q, &e);
	dns_wire_judge(msg, len, &q, &e, V(p, V_MAIN), &tc, read);
	if (p->main.status != HC_OK)
		return;
	if (c->expect_validated)
		dns_judge_validated(msg, len, V(p, V_VALIDATED));
	if (c->expect_rrsig)
		dns_judge_rrsig(msg, len, c->qname, c->qtype, p->now,
		    c->rrsig_valid, c->rrsig_down ? HC_FAIL : HC_DEGRADED,
		    V(p, V_RRSIG));
	if ((c->serial_primary.family || c->serial_age) && main_is_soa(c)) {
		memset(&r, 0, sizeof(r));
		if (dns_judge_soa_serial(msg, len, zone_of(c), &p->served,
		    &r) == 0)
			p->have_served = 1;
		else
			*V(p, V_SERVED) = r;
	}
}

typedef void	(*judge_fn)(const uint8_t *, size_t, const char *,
		    struct hc_result *);

/* V from FN's judgement of the answer, or from why there is none. */
static void
judged(struct hc_result *v, const struct dns_xfer_result *res, judge_fn fn,
    const char *arg, enum part which)
{
	struct hc_result	 r;
	char			 pre[32];

	if (res->msg == NULL) {
		snprintf(pre, sizeof(pre), "%s: ", part_names[which]);
		set(v, HC_FAIL, res->err.reason, pre, res->err.detail);
		return;
	}
	memset(&r, 0, sizeof(r));
	fn(res->msg, res->len, arg, &r);
	set(v, r.status, r.reason, "", r.detail);
}

/* The zone's SOA serial, at the server (P_SERVED) or the primary. */
static void
serial_answer(struct dns_probe *p, enum part which,
    const struct dns_xfer_result *res)
{
	const struct dns_check_conf	*c = dconf(p);
	struct hc_result		 r;
	uint32_t			*serial = which == P_SERVED ?
					    &p->served : &p->primary;
	char				 who[64];

	memset(&r, 0, sizeof(r));
	if (res->msg != NULL && dns_judge_soa_serial(res->msg, res->len,
	    zone_of(c), serial, &r) == 0) {
		*(which == P_SERVED ? &p->have_served : &p->have_primary) = 1;
		return;
	}
	if (res->msg == NULL)
		r = res->err;
	if (which == P_SERVED) {
		set(V(p, V_SERVED), HC_FAIL, r.reason, "SOA: ", r.detail);
		return;
	}
	/* The primary being away is not this server's failure. */
	util_fmt_addr(&c->serial_primary, who, sizeof(who));
	snprintf(more(p)->note, sizeof(p->more->note), "primary %.46s: %.60s, "
	    "serial not compared", who, r.detail);
}

/* This check's identity verdict, from what the server last said. */
static void
id_verdict(struct dns_probe *p)
{
	dns_ident_judge(p->ident, dconf(p)->expect_id_server, util_now_ms(),
	    V(p, V_ID), more(p)->id_note, sizeof(p->more->id_note));
}

/* The shared id.server query this probe sent: tell everyone. */
static void
id_answer(struct dns_probe *p, const struct dns_xfer_result *res)
{
	p->id_owner = 0;
	if (res->msg != NULL)
		dns_ident_answer(p->ident, res->msg, res->len, util_now_ms());
	else
		dns_ident_lost(p->ident, &res->err);
	id_verdict(p);
}

/* The answer (or failure) of a query other than the main one. */
static void
aux_answer(struct dns_probe *p, enum part which,
    const struct dns_xfer_result *res)
{
	const struct dns_check_conf *c = dconf(p);

	switch (which) {
	case P_SERVED:
	case P_PRIMARY:
		serial_answer(p, which, res);
		break;
	case P_ID:
		id_answer(p, res);
		break;
	case P_SERVFAIL:
		judged(V(p, V_SERVFAIL), res, dns_judge_servfail,
		    c->servfail_name, which);
		break;
	case P_DNSKEY:
		judged(V(p, V_DNSKEY), res, dns_judge_dnskey, zone_of(c),
		    which);
		break;
	default:
		break;
	}
}

static void
part_done(void *arg, const struct dns_xfer_result *res)
{
	struct part_ctx		*pc = arg;
	struct dns_probe	*p = pc->p;
	struct dns_xfer		*x = p->x[pc->which];

	/* RES points into X: X is freed once RES is judged. */
	p->x[pc->which] = NULL;
	p->bogus += res->err.bogus;
	if (pc->which != P_MAIN)
		aux_answer(p, pc->which, res);
	else if (res->msg == NULL)
		p->main = res->err;
	else {
		p->rtt_us = res->rtt_us;
		p->main_id = res->id;	/* as it went */
		main_answer(p, res->msg, res->len, res->read);
	}
	dns_xfer_free(x);
	/* A failed main query is the verdict: no need to wait for more. */
	if (!pending(p) || (pc->which == P_MAIN &&
	    p->main.status == HC_FAIL))
		conclude(p);
}

static void
zones_done(void *arg, const struct hc_result *res)
{
	struct dns_probe *p = arg;

	*V(p, V_ZONES) = *res;
	p->bogus += res->bogus;
	dns_zones_free(p->zones);
	p->zones = NULL;
	if (!pending(p))
		conclude(p);
}

static void
deadline(evutil_socket_t fd, short what, void *arg)
{
	struct dns_probe	*p = arg;
	uint64_t		 t = p->ck->conf->timeout;
	struct dns_xfer_result	 r;
	size_t			 i;

	(void)fd;
	(void)what;
	for (i = 0; i < P_MAX; i++) {
		if (p->x[i] == NULL)
			continue;
		memset(&r, 0, sizeof(r));
		dns_xfer_timeout(p->x[i], t, &r.err);
		p->bogus += r.err.bogus;
		if (i == P_MAIN)
			p->main = r.err;
		else
			aux_answer(p, (enum part)i, &r);
		dns_xfer_free(p->x[i]);
		p->x[i] = NULL;
	}
	if (p->id_waiting) {
		dns_ident_unwait(p->ident, &p->id_wait);
		p->id_waiting = 0;
		id_verdict(p);
	}
	if (p->zones != NULL) {
		dns_zones_timeout(p->zones, V(p, V_ZONES));
		p->bogus += V(p, V_ZONES)->bogus;
		dns_zones_free(p->zones);
		p->zones = NULL;
	}
	conclude(p);
}

/* The check's p95 window, in its own state: made on first use. */
static struct dns_window *
window(struct hc_check *ck)
{
	struct dns_check_state *st = state(ck);

	if (st->window == NULL) {
		st->window = xcalloc(1, sizeof(struct dns_window));
		dns_window_init(st->window, ck->conf->u.dns.p95_window);
	}
	return st->window;
}

/*
 * The latency verdicts of an answer that passed RTT_US after the probe
 * began: one answer's (LAT) and the p95 of the check's window (P95; the
 * window is the check's own state, check_dns_state_free).  Also those
 * of a type that speaks DNS another way (check_dns.h).
 */
void
check_dns_latency(struct hc_check *ck, uint64_t rtt_us, struct hc_result *lat,
    struct hc_result *p95v)
{
	const struct dns_check_conf	*c = &ck->conf->u.dns;
	struct dns_window		*w;
	uint64_t			 p95;

	if (c->degraded_latency && rtt_us > c->degraded_latency * 1000) {
		lat->status = HC_DEGRADED;
		lat->reason = HC_R_LATENCY;
		snprintf(lat->detail, sizeof(lat->detail), "latency %.1fms > "
		    "%llums", (double)rtt_us / 1000.0,
		    (unsigned long long)c->degraded_latency);
	}
	if (c->p95_latency == 0)
		return;
	w = window(ck);
	dns_window_add(w, rtt_us);
	if (!dns_window_judge(w, c->p95_latency * 1000, &p95))
		return;
	p95v->status = HC_DEGRADED;
	p95v->reason = HC_R_LATENCY_P95;
	dns_window_reason(w, p95, c->p95_latency * 1000, p95v->detail,
	    sizeof(p95v->detail));
}

static void
latency(struct dns_probe *p, struct hc_result *v)
{
	if (v[V_MAIN].status == HC_OK && p->rtt_us != 0)
		check_dns_latency(p->ck, p->rtt_us, &v[V_LATENCY], &v[V_P95]);
}

/* The serials, once both answers are in. */
static void
serials(struct dns_probe *p, struct hc_result *v)
{
	const struct dns_check_conf	*c = dconf(p);
	char				 who[64];

	if (c->serial_primary.family && p->have_served && p->have_primary) {
		util_fmt_addr(&c->serial_primary, who, sizeof(who));
		dns_judge_serial_lag(p->served, p->primary, who, c->serial_lag,
		    c->serial_down ? HC_FAIL : HC_DEGRADED, &v[V_SERIAL]);
	}
	if (c->serial_age && p->have_served)
		dns_judge_serial_age(p->served, p->now, c->serial_age,
		    c->serial_age_down ? HC_FAIL : HC_DEGRADED, &v[V_AGE]);
}

static int
worse(enum hc_status a, enum hc_status b)
{
	static const int rank[] = { [HC_OK] = 0, [HC_MAINT] = 0,
	    [HC_DEGRADED] = 1, [HC_FAIL] = 2 };

	return rank[a] > rank[b];
}

/* ", TEXT" after RES's detail, when there is a TEXT. */
static void
append(struct hc_result *res, const char *text)
{
	size_t len = strlen(res->detail);

	if (text[0] != '\0')
		snprintf(res->detail + len, sizeof(res->detail) - len, "; %s",
		    text);
}

/* The worst verdict of V, first in precedence among equals; "+N more". */
static void
combine(struct dns_probe *p, const struct hc_result *v, struct hc_result *res)
{
	const struct dns_probe_more	*m = p->more;
	size_t				 i, pick = V_MAIN, more = 0, len;

	for (i = 0; i < V_MAX; i++)
		if (worse(v[i].status, v[pick].status))
			pick = i;
	for (i = 0; i < V_MAX; i++)
		if (i != pick && v[i].status != HC_OK)
			more++;
	*res = v[pick];
	if (pick == V_MAIN && res->status == HC_OK) {
		append(res, v[V_SERIAL].detail);
		append(res, v[V_ZONES].detail);
		if (m != NULL) {
			append(res, m->note);
			append(res, m->id_note);
			append(res, m->via);
		}
	} else if (more > 0) {
		len = strlen(res->detail);
		snprintf(res->detail + len, sizeof(res->detail) - len,
		    " (+%zu more)", more);
	}
	res->rtt_us = p->rtt_us;
	res->bogus = p->bogus;
}

/*
 * The verdicts in one array, on the stack: the main one, those the
 * probe's answers gave, and those judged now, at the end.
 */
static void
conclude(struct dns_probe *p)
{
	struct hc_check		*ck = p->ck;
	struct hc_result	 v[V_MAX], res;

	if (p->more != NULL)
		memcpy(v, p->more->v, sizeof(v));
	else
		memset(v, 0, sizeof(v));
	v[V_MAIN] = p->main;
	if (v[V_MAIN].status == HC_OK) {
		serials(p, v);
		latency(p, v);
	}
	combine(p, v, &res);
	probe_free(p);
	ck->probe = NULL;
	hc_report(ck, &res);
}

/*
 * The check's kept session to its server, if it has one and it is open;
 * when it has one that is down, the probe says it went the usual way.
 */
static struct dns_pipe *
session(struct dns_probe *p)
{
	struct dns_pipe	*pipe;
	int		 has;

	pipe = watch_session_pipe(p->ck->watches, &has);
	if (has && pipe == NULL &&
	    (p->more == NULL || p->more->via[0] == '\0')) {
		snprintf(more(p)->via, sizeof(p->more->via),
		    "tcp session down: over %s", dconf(p)->tcp ? "tcp" : "udp");
		log_debug("check %s/%s: %s", p->ck->svc->conf->name,
		    p->ck->conf->name, p->more->via);
	}
	return pipe;
}

/* Start query WHICH; a failure to start is its verdict at once. */
static void
ask(struct dns_probe *p, enum part which, const struct addr *to,
    uint16_t port, const struct dns_query *q)
{
	const struct dns_check_conf	*c = dconf(p);
	struct dns_check_state		*st = state(p->ck);
	struct dns_xfer_conf		 xc;
	struct dns_xfer_result		 r;

	memset(&xc, 0, sizeof(xc));
	xc.target = to;
	xc.port = port;
	xc.source = &c->source;
	xc.tcp = c->tcp;
	if (to == &p->ck->target && port == c->port)
		xc.pipe = session(p);
	if (which == P_MAIN && (st->wire != NULL ||
	    dns_xfer_wire(q, &st->wire, &st->wlen) == 0)) {
		xc.wire = st->wire;
		xc.wlen = st->wlen;
	}
	p->ctx[which].p = p;
	p->ctx[which].which = which;
	memset(&r, 0, sizeof(r));
	p->x[which] = dns_xfer_start(p->ck->svc->engine->base, &xc, q,
	    part_done, &p->ctx[which], &r.err);
	if (p->x[which] != NULL)
		return;
	if (which == P_MAIN)
		p->main = r.err;
	else
		aux_answer(p, which, &r);
}

static void
query(struct dns_query *q, const char *name, uint16_t type, uint16_t class,
    int edns, int rd)
{
	memset(q, 0, sizeof(q[0]));
	q->qname = name;
	q->qtype = type;
	q->qclass = class;
	q->id = (uint16_t)util_random();
	q->edns = edns;
	q->rd = rd;
}

static void
id_woken(evutil_socket_t fd, short what, void *arg)
{
	struct dns_probe *p = arg;

	(void)fd;
	(void)what;
	p->id_waiting = 0;
	id_verdict(p);
	if (!pending(p))
		conclude(p);
}

/*
 * Another probe's id.server query ended.  Judged from the event loop,
 * not from inside that probe's callback.
 */
static void
id_wake(void *arg)
{
	struct dns_probe *p = arg;

	event_active(p->id_woken, EV_TIMEOUT, 1);
}

/*
 * Identity: ask the server when its shared query is due, else wait for
 * the one in flight when nothing is known yet, else judge what it last
 * said (dns_ident.h).
 */
static void
ask_identity(struct dns_probe *p)
{
	const struct check_conf		*cc = p->ck->conf;
	const struct dns_check_conf	*c = &cc->u.dns;
	struct dns_query		 q;
	uint64_t			 now = util_now_ms();
	uint64_t			 keep = 4 * (cc->interval + cc->timeout);

	p->ident = dns_ident_get(&p->ck->target, c->port, &c->source, now,
	    keep > 60000 ? keep : 60000);
	if (dns_ident_due(p->ident, now)) {
		/* RFC 4892 2: the CHAOS class TXT record id.server. */
		query(&q, "id.server.", 16, 3, 0, 0);
		p->id_owner = 1;
		ask(p, P_ID, &p->ck->target, c->port, &q);
		return;
	}
	if (dns_ident_worth_waiting(p->ident)) {
		p->id_woken = evtimer_new(p->ck->svc->engine->base, id_woken,
		    p);
		if (p->id_woken == NULL)
			fatalx_oom();
		p->id_wait.fn = id_wake;
		p->id_wait.arg = p;
		p->id_waiting = 1;
		dns_ident_wait(p->ident, &p->id_wait);
		return;
	}
	id_verdict(p);
}

/* The queries besides the main one that the config asks for. */
static void
ask_more(struct dns_probe *p)
{
	const struct dns_check_conf	*c = dconf(p);
	const struct addr		*server = &p->ck->target;
	struct dns_query		 q;

	if ((c->serial_primary.family || c->serial_age) && !main_is_soa(c)) {
		query(&q, zone_of(c), 6, 1, c->edns, c->recursion);
		ask(p, P_SERVED, server, c->port, &q);
	}
	if (c->serial_primary.family) {
		query(&q, zone_of(c), 6, 1, c->edns, 0);
		ask(p, P_PRIMARY, &c->serial_primary, c->serial_port, &q);
	}
	if (c->expect_id_server)
		ask_identity(p);
	if (c->servfail_name) {
		query(&q, c->servfail_name, c->servfail_type, 1, c->edns, 1);
		q.dnssec_ok = c->dnssec_ok;
		ask(p, P_SERVFAIL, server, c->port, &q);
	}
	if (c->expect_dnskey) {
		query(&q, zone_of(c), 48, 1, c->edns, c->recursion);
		ask(p, P_DNSKEY, server, c->port, &q);
	}
}

static const char *
zone_name(void *arg, size_t i)
{
	struct dns_probe *p = arg;

	return dconf(p)->zones[i];
}

static void
ask_zones(struct dns_probe *p)
{
	const struct dns_check_conf	*c = dconf(p);
	struct dns_zones_conf		 zc;

	memset(&zc, 0, sizeof(zc));
	zc.target = &p->ck->target;
	zc.port = c->port;
	zc.source = &c->source;
	zc.edns = c->edns;
	zc.nzones = c->nzones;
	zc.zone = zone_name;
	zc.retry_ms = p->ck->conf->timeout / 3;
	p->zones = dns_zones_start(p->ck->svc->engine->base, &zc, zones_done,
	    p, V(p, V_ZONES));
}

static void
dns_start(struct hc_check *ck)
{
	struct dns_probe	*p = probe_new(ck);
	const struct dns_check_conf *c = &ck->conf->u.dns;
	struct dns_query	 q;
	struct dns_expect	 e;

	p->ck = ck;
	p->now = (int64_t)time(NULL);
	ck->probe = p;
	p->main_id = (uint16_t)util_random();
	check_dns_query(c, p->main_id, &q, &e);
	ask(p, P_MAIN, &ck->target, c->port, &q);
	if (p->main.status == HC_OK) {
		ask_more(p);
		if (c->nzones > 0)
			ask_zones(p);
	}
	if (!pending(p)) {
		conclude(p);
		return;
	}
	hc_timer_add(ck->svc->engine, p->deadline, ck->conf->timeout, 1);
}

static void
dns_cancel(struct hc_check *ck)
{
	if (ck->probe)
		probe_free(ck->probe);
	ck->probe = NULL;
}

/* ---- the engine's half of the descriptor (check_dns_conf.c) ---- */

void
check_dns_state_free(struct hc_check *ck)
{
	struct dns_check_state *st = ck->state;

	if (st == NULL)
		return;
	if (st->window != NULL) {
		dns_window_free(st->window);
		free(st->window);
	}
	free(st->wire);
	free(st);
	ck->state = NULL;
}

const struct hc_ops check_dns_ops = {
	.start = dns_start,
	.cancel = dns_cancel,
	.state_free = check_dns_state_free,
};
