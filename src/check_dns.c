/* SPDX-License-Identifier: ISC */
/*
 * The dns check: one query to the server, one answer judged by
 * dns_wire_judge().  UDP by default with a retry over TCP when the answer
 * is truncated; TCP only with `tcp`.  Each probe has a fresh connected
 * socket (a new random source port) and a random query id; a datagram
 * that is not the answer to our question is counted as bogus and ignored,
 * so a spoofed or stray packet can neither pass nor end the probe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_sock.h"
#include "dns_wire.h"
#include "hc.h"

#define DNS_MAX_MSG	65535

struct dns_probe {
	int		 fd;
	int		 tcp;
	struct event	*io;
	struct event	*deadline;
	uint16_t	 id;
	uint8_t		*query;		/* TCP form: 2-byte length first */
	size_t		 qlen;
	size_t		 sent;
	uint8_t		*buf;
	size_t		 have;
	unsigned	 bogus;
	enum hc_reason	 bogus_reason;
};

static void	dns_io(evutil_socket_t, short, void *);

/* The query and expectations, always from the check's current config. */
static void
spec(const struct hc_check *ck, uint16_t id, struct dns_query *q,
    struct dns_expect *e)
{
	const struct dns_check_conf *c = &ck->conf->u.dns;

	memset(q, 0, sizeof(*q));
	q->qname = c->qname;
	q->qtype = c->qtype;
	q->qclass = c->qclass;
	q->id = id;
	q->edns = c->edns;
	q->dnssec_ok = c->dnssec_ok;
	q->nsid = c->nsid;
	memset(e, 0, sizeof(*e));
	e->rcodes = c->rcodes;
	e->aa = c->expect_aa;
	e->answer = c->expect_answer;
	e->contains = c->contains;
	e->ncontains = c->ncontains;
	e->nsid = c->expect_nsid;
}

static void
probe_close(struct dns_probe *p)
{
	if (p->io)
		event_free(p->io);
	p->io = NULL;
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	p->have = 0;
	p->sent = 0;
}

static void
probe_free(struct hc_check *ck)
{
	struct dns_probe *p = ck->probe;

	probe_close(p);
	event_free(p->deadline);
	free(p->query);
	free(p->buf);
	free(p);
	ck->probe = NULL;
}

static void
finish(struct hc_check *ck, struct hc_result *res)
{
	struct dns_probe	*p = ck->probe;
	uint64_t		 lat = ck->conf->u.dns.degraded_latency;

	res->bogus = p->bogus;
	if (res->status == HC_OK && lat && res->rtt_us > lat * 1000) {
		res->status = HC_DEGRADED;
		res->reason = HC_R_LATENCY;
		snprintf(res->detail, sizeof(res->detail), "latency %.1fms > "
		    "%llums", (double)res->rtt_us / 1000.0,
		    (unsigned long long)lat);
	}
	probe_free(ck);
	hc_report(ck, res);
}

static void
fail(struct hc_check *ck, enum hc_reason reason, const char *detail)
{
	struct hc_result res;

	memset(&res, 0, sizeof(res));
	res.status = HC_FAIL;
	res.reason = reason;
	snprintf(res.detail, sizeof(res.detail), "%s", detail);
	finish(ck, &res);
}

static int
open_io(struct hc_check *ck, int type, short what)
{
	struct dns_probe		*p = ck->probe;
	const struct dns_check_conf	*c = &ck->conf->u.dns;
	struct hc_result		 res;

	memset(&res, 0, sizeof(res));
	p->fd = check_sock_open(type, &ck->target, c->port, &c->source, &res);
	if (p->fd == -1) {
		finish(ck, &res);
		return -1;
	}
	p->tcp = type == SOCK_STREAM;
	p->io = event_new(ck->svc->engine->base, p->fd, what, dns_io, ck);
	if (p->io == NULL)
		fatalx_oom();
	event_add(p->io, NULL);
	return 0;
}

/* Judge a complete message; returns 1 when the probe is over. */
static int
judge(struct hc_check *ck, const uint8_t *msg, size_t len)
{
	struct dns_probe	*p = ck->probe;
	struct dns_query	 q;
	struct dns_expect	 e;
	struct hc_result	 res;
	int			 truncated = 0;

	spec(ck, p->id, &q, &e);
	memset(&res, 0, sizeof(res));
	dns_wire_judge(msg, len, &q, &e, &res, &truncated);
	if (res.reason == HC_R_BOGUS_ID || res.reason == HC_R_BOGUS_QUESTION ||
	    res.reason == HC_R_MALFORMED) {
		p->bogus++;
		p->bogus_reason = res.reason;
		/* Over UDP it may be spoofed: wait for the real answer.  Over
		 * TCP it came from the server itself: the probe fails. */
		if (!p->tcp) {
			log_debug("check %s/%s: ignored bogus answer: %s",
			    ck->svc->conf->name, ck->conf->name, res.detail);
			return 0;
		}
	}
	if (truncated && !p->tcp) {
		/* RFC 7766 section 5: retry the query over TCP. */
		probe_close(p);
		open_io(ck, SOCK_STREAM, EV_WRITE | EV_PERSIST);
		return 1;
	}
	res.rtt_us = hc_elapsed_us(ck);
	finish(ck, &res);
	return 1;
}

static void
udp_read(struct hc_check *ck)
{
	struct dns_probe	*p = ck->probe;
	ssize_t			 n;

	for (;;) {
		n = recv(p->fd, p->buf, DNS_MAX_MSG, 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			struct hc_result res;

			memset(&res, 0, sizeof(res));
			check_sock_error(errno, "udp", &res);
			finish(ck, &res);
			return;
		}
		if (judge(ck, p->buf, (size_t)n))
			return;
	}
}

/* RFC 1035 section 4.2.2: each message is preceded by a 2-byte length. */
static void
tcp_write(struct hc_check *ck)
{
	struct dns_probe	*p = ck->probe;
	struct hc_result	 res;
	socklen_t		 len = sizeof(int);
	int			 err = 0;
	ssize_t			 n;

	if (p->sent == 0 && (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err,
	    &len) == -1 || err)) {
		memset(&res, 0, sizeof(res));
		check_sock_error(err ? err : errno, "tcp connect", &res);
		finish(ck, &res);
		return;
	}
	n = send(p->fd, p->query + p->sent, p->qlen - p->sent, MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		memset(&res, 0, sizeof(res));
		check_sock_error(errno, "tcp send", &res);
		finish(ck, &res);
		return;
	}
	p->sent += (size_t)n;
	if (p->sent < p->qlen)
		return;
	event_free(p->io);
	p->io = event_new(ck->svc->engine->base, p->fd, EV_READ | EV_PERSIST,
	    dns_io, ck);
	if (p->io == NULL)
		fatalx_oom();
	event_add(p->io, NULL);
}

static void
tcp_read(struct hc_check *ck)
{
	struct dns_probe	*p = ck->probe;
	struct hc_result	 res;
	size_t			 want;
	ssize_t			 n;
	char			 d[64];

	n = recv(p->fd, p->buf + p->have, DNS_MAX_MSG + 2 - p->have, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		memset(&res, 0, sizeof(res));
		check_sock_error(errno, "tcp recv", &res);
		finish(ck, &res);
		return;
	}
	if (n == 0) {
		snprintf(d, sizeof(d), "tcp: connection closed after %zu bytes",
		    p->have);
		fail(ck, HC_R_MALFORMED, d);
		return;
	}
	p->have += (size_t)n;
	if (p->have < 2)
		return;
	want = 2 + ((size_t)p->buf[0] << 8 | p->buf[1]);
	if (p->have < want)
		return;
	judge(ck, p->buf + 2, want - 2);
}

static void
dns_io(evutil_socket_t fd, short what, void *arg)
{
	struct hc_check		*ck = arg;
	struct dns_probe	*p = ck->probe;

	(void)fd;
	if (!p->tcp)
		udp_read(ck);
	else if (what & EV_WRITE)
		tcp_write(ck);
	else
		tcp_read(ck);
}

static void
dns_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct hc_check		*ck = arg;
	struct dns_probe	*p = ck->probe;
	char			 d[160], t[32];

	(void)fd;
	(void)what;
	util_fmt_duration(ck->conf->timeout, t, sizeof(t));
	if (p->bogus)
		snprintf(d, sizeof(d), "timeout after %s%s (%u bogus answers "
		    "ignored: %s)", t, p->tcp ? " over tcp" : "", p->bogus,
		    hc_reason_name(p->bogus_reason));
	else
		snprintf(d, sizeof(d), "timeout after %s%s", t,
		    p->tcp ? " over tcp" : "");
	fail(ck, HC_R_TIMEOUT, d);
}

static void
dns_start(struct hc_check *ck)
{
	struct dns_probe	*p = xcalloc(1, sizeof(*p));
	struct dns_query	 q;
	struct dns_expect	 e;
	struct timeval		 tv = hc_tv(ck->conf->timeout);
	uint8_t			*wire;
	size_t			 len;

	p->fd = -1;
	p->id = (uint16_t)util_random();
	ck->probe = p;
	p->deadline = evtimer_new(ck->svc->engine->base, dns_deadline, ck);
	if (p->deadline == NULL)
		fatalx_oom();
	spec(ck, p->id, &q, &e);
	if (dns_wire_query(&q, &wire, &len) == -1 || len > DNS_MAX_MSG) {
		fail(ck, HC_R_SOCKET, "cannot build the query");
		return;
	}
	p->query = xmalloc(len + 2);
	p->query[0] = (uint8_t)(len >> 8);
	p->query[1] = (uint8_t)len;
	memcpy(p->query + 2, wire, len);
	p->qlen = len + 2;
	free(wire);
	p->buf = xmalloc(DNS_MAX_MSG + 2);
	evtimer_add(p->deadline, &tv);
	if (ck->conf->u.dns.tcp) {
		open_io(ck, SOCK_STREAM, EV_WRITE | EV_PERSIST);
		return;
	}
	if (open_io(ck, SOCK_DGRAM, EV_READ | EV_PERSIST) == -1)
		return;
	if (send(p->fd, p->query + 2, p->qlen - 2, 0) == -1) {
		struct hc_result res;

		memset(&res, 0, sizeof(res));
		check_sock_error(errno, "udp send", &res);
		finish(ck, &res);
	}
}

static void
dns_cancel(struct hc_check *ck)
{
	if (ck->probe)
		probe_free(ck);
}

const struct hc_ops check_dns_ops = { dns_start, dns_cancel };
