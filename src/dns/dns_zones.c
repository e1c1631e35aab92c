/* SPDX-License-Identifier: ISC */
/*
 * The zone list of a dns check, asked over one connected UDP socket:
 * at most DNS_ZONES_WINDOW SOA queries in flight, the next sent as soon
 * as one is answered, so a thousand zones take one socket and a few
 * round trips' worth of time, and the server sees a short burst, not a
 * flood.  Each query carries its own random id; an answer is matched by
 * id to its query, then checked to be the answer to that question
 * (dns_wire_classify), else counted bogus and ignored.  A query not
 * answered within retry_ms is sent once more (a lost datagram must not
 * fail a thousand-zone probe).  The verdict of each answer comes from
 * dns_judge_zone(); the summary names the first failing zone of the
 * list and how many failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "dns/dns_judge.h"
#include "dns/dns_wire.h"
#include "dns/dns_xfer.h"
#include "dns/dns_zones.h"
#include "sys/log.h"

#define ZONES_MAX_MSG	65535

/* One query in flight. */
struct slot {
	int		 used;
	size_t		 zone;		/* index in the list */
	uint16_t	 id;
	unsigned	 tries;
	uint64_t	 sent_us;
};

struct dns_zones {
	struct event_base	*base;
	struct dns_zones_conf	 c;
	int			 fd;
	struct event		*io;
	struct event		*retry;
	struct slot		 slots[DNS_ZONES_WINDOW];
	size_t			 next;		/* next zone to ask */
	size_t			 answered;
	size_t			 failed;
	size_t			 first_failed;	/* lowest failing index */
	char			 first_why[96];
	unsigned		 bogus;
	uint64_t		 started_us;
	uint8_t			*buf;
	dns_zones_cb		 cb;
	void			*arg;
};

static void	zones_io(evutil_socket_t, short, void *);
static void	zones_retry(evutil_socket_t, short, void *);

void
dns_zones_free(struct dns_zones *z)
{
	if (z == NULL)
		return;
	if (z->io)
		event_free(z->io);
	if (z->retry)
		event_free(z->retry);
	if (z->fd != -1)
		close(z->fd);
	free(z->buf);
	free(z);
}

static void
query_of(const struct dns_zones *z, const struct slot *s, struct dns_query *q)
{
	memset(q, 0, sizeof(*q));
	q->qname = z->c.zone(z->arg, s->zone);
	q->qtype = 6;		/* SOA */
	q->qclass = 1;		/* IN */
	q->id = s->id;
	q->edns = z->c.edns;
}

/* Send (or resend) the query of S; -1 with RES filled on a socket error. */
static int
send_query(struct dns_zones *z, struct slot *s, struct hc_result *res)
{
	struct dns_query	 q;
	uint8_t			*wire;
	size_t			 len;
	ssize_t			 n;

	query_of(z, s, &q);
	if (dns_wire_query(&q, &wire, &len) == -1) {
		res->status = HC_FAIL;
		res->reason = HC_R_SOCKET;
		snprintf(res->detail, sizeof(res->detail), "zones: cannot "
		    "build the query for %.80s", q.qname);
		return -1;
	}
	n = send(z->fd, wire, len, 0);
	free(wire);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		check_sock_error(errno, "zones: udp send", res);
		return -1;
	}
	s->tries++;
	s->sent_us = util_now_us();
	return 0;
}

static int
id_in_flight(const struct dns_zones *z, uint16_t id)
{
	size_t i;

	for (i = 0; i < DNS_ZONES_WINDOW; i++)
		if (z->slots[i].used && z->slots[i].id == id)
			return 1;
	return 0;
}

/* Fill the free slots with the next zones; -1 on a socket error. */
static int
fill_window(struct dns_zones *z, struct hc_result *res)
{
	struct slot	*s;
	size_t		 i;
	uint16_t	 id;

	for (i = 0; i < DNS_ZONES_WINDOW && z->next < z->c.nzones; i++) {
		s = &z->slots[i];
		if (s->used)
			continue;
		memset(s, 0, sizeof(*s));
		do
			id = (uint16_t)util_random();
		while (id_in_flight(z, id));
		s->id = id;
		s->used = 1;
		s->zone = z->next++;
		if (send_query(z, s, res) == -1)
			return -1;
	}
	return 0;
}

static void
record(struct dns_zones *z, size_t zone, const struct hc_result *r)
{
	z->answered++;
	if (r->status == HC_OK)
		return;
	if (z->failed++ == 0 || zone < z->first_failed) {
		z->first_failed = zone;
		snprintf(z->first_why, sizeof(z->first_why), "%.90s", r->detail);
	}
}

/* The verdict once every zone is answered (or the deadline came). */
static void
summary(const struct dns_zones *z, struct hc_result *res)
{
	memset(res, 0, sizeof(*res));
	res->bogus = z->bogus;
	if (z->failed == 0) {
		res->status = HC_OK;
		res->reason = HC_R_OK;
		snprintf(res->detail, sizeof(res->detail), "%zu zone%s served "
		    "in %.1fms", z->c.nzones, z->c.nzones == 1 ? "" : "s",
		    (double)(util_now_us() - z->started_us) / 1000.0);
		return;
	}
	res->status = HC_FAIL;
	res->reason = HC_R_ZONES;
	snprintf(res->detail, sizeof(res->detail), "%zu of %zu zones not "
	    "served, first %.60s: %.60s", z->failed, z->c.nzones,
	    z->c.zone(z->arg, z->first_failed), z->first_why);
}

static void
finish(struct dns_zones *z, const struct hc_result *err)
{
	struct hc_result res;

	if (err != NULL) {
		res = *err;
		res.bogus = z->bogus;
	} else
		summary(z, &res);
	/* The callback may free Z: nothing after it. */
	z->cb(z->arg, &res);
}

/* One datagram: whose answer is it, and is the zone served? */
static void
answer(struct dns_zones *z, const uint8_t *msg, size_t len)
{
	struct dns_query	 q;
	struct hc_result	 r;
	struct slot		*s = NULL;
	uint16_t		 id;
	size_t			 i;

	if (len >= 2) {
		id = (uint16_t)(msg[0] << 8 | msg[1]);
		for (i = 0; i < DNS_ZONES_WINDOW && s == NULL; i++)
			if (z->slots[i].used && z->slots[i].id == id)
				s = &z->slots[i];
	}
	memset(&r, 0, sizeof(r));
	if (s != NULL)
		query_of(z, s, &q);
	if (s == NULL || dns_wire_classify(msg, len, &q, &r, NULL) ==
	    DNS_WIRE_NOT_OURS) {
		z->bogus++;
		return;
	}
	dns_judge_zone(msg, len, q.qname, &r);
	record(z, s->zone, &r);
	s->used = 0;
}

static void
zones_io(evutil_socket_t fd, short what, void *arg)
{
	struct dns_zones	*z = arg;
	struct hc_result	 err;
	ssize_t			 n;

	(void)fd;
	(void)what;
	memset(&err, 0, sizeof(err));
	for (;;) {
		n = recv(z->fd, z->buf, ZONES_MAX_MSG, 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			check_sock_error(errno, "zones: udp", &err);
			finish(z, &err);
			return;
		}
		answer(z, z->buf, (size_t)n);
	}
	if (z->answered == z->c.nzones) {
		finish(z, NULL);
		return;
	}
	if (fill_window(z, &err) == -1)
		finish(z, &err);
}

/* Resend what has waited retry_ms, once; then wait for the deadline. */
static void
zones_retry(evutil_socket_t fd, short what, void *arg)
{
	struct dns_zones	*z = arg;
	struct hc_result	 err;
	uint64_t		 now = util_now_us();
	struct timeval		 tv;
	size_t			 i;

	(void)fd;
	(void)what;
	memset(&err, 0, sizeof(err));
	for (i = 0; i < DNS_ZONES_WINDOW; i++) {
		struct slot *s = &z->slots[i];

		if (!s->used || s->tries >= DNS_ZONES_TRIES ||
		    now - s->sent_us < z->c.retry_ms * 1000)
			continue;
		if (send_query(z, s, &err) == -1) {
			finish(z, &err);
			return;
		}
	}
	tv.tv_sec = (time_t)(z->c.retry_ms / 2000);
	tv.tv_usec = (suseconds_t)(z->c.retry_ms / 2 % 1000) * 1000;
	evtimer_add(z->retry, &tv);
}

struct dns_zones *
dns_zones_start(struct event_base *base, const struct dns_zones_conf *c,
    dns_zones_cb cb, void *arg, struct hc_result *err)
{
	struct dns_zones	*z = xcalloc(1, sizeof(*z));
	struct timeval		 tv;

	z->base = base;
	z->c = *c;
	if (z->c.retry_ms < 2)
		z->c.retry_ms = 2;
	z->cb = cb;
	z->arg = arg;
	z->started_us = util_now_us();
	memset(err, 0, sizeof(*err));
	z->fd = check_sock_open(SOCK_DGRAM, c->target, c->port, c->source, err);
	if (z->fd == -1) {
		dns_zones_free(z);
		return NULL;
	}
	z->buf = xmalloc(ZONES_MAX_MSG);
	z->io = event_new(base, z->fd, EV_READ | EV_PERSIST, zones_io, z);
	z->retry = evtimer_new(base, zones_retry, z);
	if (z->io == NULL || z->retry == NULL)
		fatalx_oom();
	event_add(z->io, NULL);
	tv.tv_sec = (time_t)(z->c.retry_ms / 2000);
	tv.tv_usec = (suseconds_t)(z->c.retry_ms / 2 % 1000) * 1000;
	evtimer_add(z->retry, &tv);
	if (fill_window(z, err) == -1) {
		dns_zones_free(z);
		return NULL;
	}
	return z;
}

void
dns_zones_timeout(struct dns_zones *z, struct hc_result *res)
{
	struct hc_result	 t;
	size_t			 i;

	memset(&t, 0, sizeof(t));
	t.status = HC_FAIL;
	t.reason = HC_R_TIMEOUT;
	snprintf(t.detail, sizeof(t.detail), "timeout");
	for (i = 0; i < DNS_ZONES_WINDOW; i++)
		if (z->slots[i].used) {
			record(z, z->slots[i].zone, &t);
			z->slots[i].used = 0;
		}
	/* Never asked: the deadline came first, not their answer. */
	for (; z->next < z->c.nzones; z->next++)
		record(z, z->next, &t);
	summary(z, res);
}
