/* SPDX-License-Identifier: ISC */
/*
 * watch tcp-session: one DNS-over-TCP connection to the check's server
 * kept open for as long as the server keeps it (RFC 7766 6.2.1), with
 * the EDNS TCP keepalive option in its queries (RFC 7828 3.1) to say we
 * mean to keep it.  A server that dies -- or closes its port -- ends the
 * session with a FIN or a RST, which we see the moment it arrives; it
 * works across the network, so a router sees a backend's server go.
 *
 * A server may also close a session on its own terms: idle timeout,
 * connection limits, a reload.  So an end is not a failure by itself:
 * we connect again at once, and only when that new connection is
 * refused, reset or not made within the check's timeout does the watch
 * fail.
 *
 * While the session is open, the check's probes are pipelined on it
 * (dns_pipe.h, watch_session_pipe(); RFC 7766 6.2.1.1): no socket per
 * probe, and a server that keeps answering them keeps the session busy.
 * When nothing went on it for SESSION_IDLE (or for an interval, if
 * longer), the check's own query goes, so that it does not look idle;
 * those answers are not judged (the probes do that), only read.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "dns/dns_pipe.h"
#include "dns/dns_wire.h"
#include "check/hc.h"
#include "watch/watch.h"

#define SESSION_IDLE	5000	/* ms between queries on the session */
#define SESSION_BUF	4096	/* what we read of answers; the rest skipped */

enum sess_st { S_CONNECTING, S_OPEN, S_WAIT };

struct wsess {
	struct watch	*w;
	enum sess_st	 st;
	int		 fd;		/* while connecting */
	int		 retry;		/* this connection replaces a closed one */
	struct event	*ev;		/* the socket, while connecting */
	struct dns_pipe	*pipe;		/* the open session */
	struct dns_pipe_user ka;	/* our own query on it */
	struct event	*timer;	/* connect timeout, next query, retry */
	uint8_t		*query;		/* 2-byte length, then the message */
	size_t		 qlen;
	uint16_t	 id;
	char		 closed[96];	/* how the last session ended */
};

static void	sess_connect(struct wsess *);

/*
 * A query of the check with the edns-tcp-keepalive option (code 11,
 * empty in a query: RFC 7828 3.1), with its two-byte length in front
 * (RFC 1035 4.2.2).  dns_wire_query() ends the message with an OPT
 * record with no options: its RDLENGTH is the last two bytes.
 */
int
watch_session_query(const struct dns_check_conf *d, uint16_t id,
    uint8_t **out, size_t *outlen)
{
	struct dns_query	 q;
	uint8_t			*msg, *buf;
	size_t			 len;

	memset(&q, 0, sizeof(q));
	q.qname = d->qname;
	q.qtype = d->qtype;
	q.qclass = d->qclass;
	q.id = id;
	q.edns = 1;
	q.rd = d->recursion;
	if (dns_wire_query(&q, &msg, &len) == -1)
		return -1;
	if (len < 12 + 11 || msg[len - 2] != 0 || msg[len - 1] != 0 ||
	    len + 4 > 0xffff) {
		free(msg);
		return -1;
	}
	buf = xmalloc(2 + len + 4);
	buf[0] = (uint8_t)((len + 4) >> 8);
	buf[1] = (uint8_t)(len + 4);
	memcpy(buf + 2, msg, len);
	buf[2 + len - 1] = 4;		/* RDLENGTH: one empty option */
	memcpy(buf + 2 + len, "\0\x0b\0\0", 4);
	free(msg);
	*out = buf;
	*outlen = 2 + len + 4;
	return 0;
}

static void
sess_close(struct wsess *s)
{
	dns_pipe_free(s->pipe, "closed by us");
	s->pipe = NULL;
	if (s->ev) {
		event_free(s->ev);
		s->ev = NULL;
	}
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	evtimer_del(s->timer);
}

static void
after(struct wsess *s, uint64_t ms)
{
	struct timeval tv = util_tv(ms);

	evtimer_add(s->timer, &tv);
}

static uint64_t
idle_ms(const struct wsess *s)
{
	uint64_t iv = s->w->ck->conf->interval;

	return iv > SESSION_IDLE ? iv : SESSION_IDLE;
}

/* The session could not be had: fail, and try again every interval. */
static void
sess_failed(struct wsess *s, const char *why)
{
	char a[64];

	sess_close(s);
	util_fmt_addr(watch_target(s->w), a, sizeof(a));
	if (s->closed[0])
		watch_set(s->w, 1, "session to %s port %u %s; a new one: %s",
		    a, watch_port(s->w), s->closed, why);
	else
		watch_set(s->w, 1, "no session to %s port %u: %s", a,
		    watch_port(s->w), why);
	s->st = S_WAIT;
	s->retry = 0;
	after(s, s->w->ck->conf->interval);
}

/* The server ended a working session: connect again at once. */
static void
sess_ended(struct wsess *s, const char *how)
{
	snprintf(s->closed, sizeof(s->closed), "%s", how);
	sess_close(s);
	if (s->retry) {		/* the replacement died at once too */
		sess_failed(s, how);
		return;
	}
	s->retry = 1;
	sess_connect(s);
}

/* Our own query: first on a new session, so that the server hears of
 * the keepalive at once, then when nothing else went on it for a
 * while. */
static void
sess_keepalive(struct wsess *s)
{
	uint64_t now = util_now_ms(), last = dns_pipe_last_send(s->pipe);

	if (now - last < idle_ms(s)) {
		after(s, idle_ms(s) - (now - last));
		return;
	}
	s->id = (uint16_t)util_random();
	s->query[2] = (uint8_t)(s->id >> 8);
	s->query[3] = (uint8_t)s->id;
	/* Only fails on a pipe that is ending: its end callback follows. */
	(void)dns_pipe_send(s->pipe, &s->ka, s->query, s->qlen);
	after(s, idle_ms(s));
}

static void
ka_answer(struct dns_pipe_user *u, const uint8_t *msg, size_t len)
{
	(void)msg;
	(void)len;
	dns_pipe_forget(u);
}

static void
ka_lost(struct dns_pipe_user *u, const char *why)
{
	(void)u;
	(void)why;
}

/* The server ended the session (dns_pipe.h): 0 for a FIN. */
static void
pipe_ended(void *arg, int err)
{
	struct wsess *s = arg;

	sess_ended(s, err == 0 ? "closed by the server (FIN)" :
	    err == ECONNRESET ? "reset by the server (RST)" : strerror(err));
}

static void
sess_open(struct wsess *s)
{
	char a[64];

	s->st = S_OPEN;
	util_fmt_addr(watch_target(s->w), a, sizeof(a));
	if (s->retry)
		log_debug("check %s/%s: watch tcp-session: %s, a new session "
		    "is open", s->w->ck->svc->conf->name, s->w->ck->conf->name,
		    s->closed);
	s->retry = 0;
	s->closed[0] = '\0';
	watch_set(s->w, 0, "session to %s port %u open", a, watch_port(s->w));
}

static void
sock_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wsess	*s = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (ev & EV_TIMEOUT) {
		sess_failed(s, "connect timed out");
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err) {
		sess_failed(s, err == ECONNREFUSED ? "refused" :
		    err == ECONNRESET ? "reset" : strerror(err));
		return;
	}
	event_free(s->ev);
	s->ev = NULL;
	s->pipe = dns_pipe_new(s->w->base, s->fd, pipe_ended, s);
	s->fd = -1;		/* the pipe's now */
	sess_open(s);
	sess_keepalive(s);
}

static void
sess_connect(struct wsess *s)
{
	const struct check_conf	*c = s->w->ck->conf;
	struct hc_result	 res;
	struct timeval		 tv = util_tv(c->timeout);

	memset(&res, 0, sizeof(res));
	s->st = S_CONNECTING;
	if ((s->ev = check_sock_connect(s->w->base, watch_target(s->w),
	    watch_port(s->w), &c->u.dns.source, &tv, sock_cb, s, &res)) ==
	    NULL) {
		sess_failed(s, res.detail);
		return;
	}
	s->fd = event_get_fd(s->ev);
}

static void
timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wsess *s = arg;

	(void)fd;
	(void)ev;
	if (s->st == S_OPEN)
		sess_keepalive(s);
	else if (s->st == S_WAIT)
		sess_connect(s);
}

static void
session_start(struct watch *w)
{
	struct wsess *s = xcalloc(1, sizeof(*s));

	s->w = w;
	w->impl = s;
	s->fd = -1;
	s->ka.answer = ka_answer;
	s->ka.lost = ka_lost;
	s->id = (uint16_t)util_random();
	if ((s->timer = evtimer_new(w->base, timer_cb, s)) == NULL)
		fatalx_oom();
	s->st = S_WAIT;
	/* The qname passed the parser: this is not expected to fail. */
	if (watch_session_query(&w->ck->conf->u.dns, s->id, &s->query,
	    &s->qlen) == -1) {
		log_warn("check %s: watch tcp-session: cannot build the "
		    "query; not watching", w->ck->conf->name);
		return;
	}
	/* The first connection from the event loop, as every watch. */
	after(s, 0);
}

static void
session_stop(struct watch *w)
{
	struct wsess *s = w->impl;

	sess_close(s);
	event_free(s->timer);
	free(s->query);
	free(s);
}

struct dns_pipe *
watch_session_pipe(const struct watch *w, int *has)
{
	const struct wsess *s;

	*has = 0;
	for (; w; w = w->next) {
		if (w->conf->type != WATCH_TCP_SESSION || w->impl == NULL)
			continue;
		*has = 1;
		s = w->impl;
		return s->st == S_OPEN ? s->pipe : NULL;
	}
	return NULL;
}

const struct watch_ops watch_session_ops = {
	.start = session_start,
	.stop = session_stop,
};
