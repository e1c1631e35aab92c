/* SPDX-License-Identifier: ISC */
/*
 * One query and its answer, for the dns check.  Over UDP the query goes
 * from one of a few shared sockets on random ports, replaced often
 * (dns_udp.c says why that is safe), which takes an answer only from the
 * server, with the query's random id and question (dns_demux.h), and
 * reports ICMP port unreachable as a refusal.  TCP, for a retry when the
 * answer is truncated (RFC 7766 5) or when asked, has a fresh connected
 * socket.  A datagram that is not the answer to our question is counted
 * as bogus and ignored, so a spoofed or stray packet can neither pass nor
 * end the exchange.  Over TCP the peer is the server itself: whatever it
 * sends is its answer, bogus or not.
 *
 * With a kept session (dns_xfer_conf.pipe) the query is pipelined on it
 * instead: no socket of its own.  There an answer is ours when its id
 * and question are (several queries share the connection, so another
 * question is ignored as bogus, not an end); if the session ends before
 * the answer, the query is sent again the usual way.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "dns/dns_udp.h"
#include "dns/dns_xfer.h"
#include "sys/log.h"

#define DNS_MAX_MSG	65535

struct dns_xfer {
	struct event_base	*base;
	struct addr		 target;
	struct addr		 source;
	uint16_t		 port;
	int			 tcp;
	int			 want_tcp;	/* the usual way is TCP only */
	struct dns_pipe_user	 pu;		/* on the kept session */
	int			 piped;		/* sent on it */
	struct dns_udp_user	 uu;		/* on a shared UDP socket */
	struct dns_query	 q;
	char			*qname;		/* q.qname points here */
	size_t			 qname_size;
	uint8_t			 qwire[DNS_NAME_MAX];	/* q.qname_wire */
	int			 fd;
	struct event		*io;
	uint8_t			*query;		/* TCP form: 2-byte length first */
	size_t			 qlen, query_size;
	size_t			 sent;
	uint8_t			*buf;
	size_t			 have;
	uint64_t		 started_us;
	dns_xfer_cb		 cb;
	void			*arg;
};

static void	xfer_io(evutil_socket_t, short, void *);

static void
xfer_close(struct dns_xfer *x)
{
	dns_pipe_forget(&x->pu);
	dns_udp_forget(&x->uu);
	if (x->io)
		event_free(x->io);
	x->io = NULL;
	if (x->fd != -1)
		close(x->fd);
	x->fd = -1;
	x->have = 0;
	x->sent = 0;
}

/*
 * Exchanges that ended, kept with their name and query buffers for the
 * next ones, as check_dns.c keeps its probes (and for the same reason:
 * malloc's share of the CPU at 10,000 checks a second); at most
 * XFERS_KEPT, more than are in flight at that rate.  A TCP exchange's
 * 64 KB buffer is not kept.
 */
#define XFERS_KEPT	64

static struct dns_xfer	*xfers_kept[XFERS_KEPT];
static size_t		 nxfers_kept;

static struct dns_xfer *
xfer_new(void)
{
	struct dns_xfer	*x;
	char		*qname;
	uint8_t		*query;
	size_t		 qname_size, query_size;

	if (nxfers_kept == 0)
		return xcalloc(1, sizeof(*x));
	x = xfers_kept[--nxfers_kept];
	qname = x->qname;
	qname_size = x->qname_size;
	query = x->query;
	query_size = x->query_size;
	memset(x, 0, sizeof(*x));
	x->qname = qname;
	x->qname_size = qname_size;
	x->query = query;
	x->query_size = query_size;
	return x;
}

/* BUF, or a new one when it holds fewer than WANT bytes (*SIZE). */
static void *
reserve(void *buf, size_t *size, size_t want)
{
	if (*size >= want)
		return buf;
	free(buf);
	*size = want;
	return xmalloc(want);
}

void
dns_xfer_free(struct dns_xfer *x)
{
	if (x == NULL)
		return;
	xfer_close(x);
	free(x->buf);
	x->buf = NULL;
	if (nxfers_kept < XFERS_KEPT) {
		xfers_kept[nxfers_kept++] = x;
		return;
	}
	free(x->qname);
	free(x->query);
	free(x);
}

unsigned
dns_xfer_bogus(const struct dns_xfer *x)
{
	return x->uu.d.bogus;
}

/* The end: the socket closed first, then the callback, nothing after. */
static void
complete(struct dns_xfer *x, const uint8_t *msg, size_t len,
    const struct dns_msg *read, const struct hc_result *err)
{
	struct dns_xfer_result r;

	memset(&r, 0, sizeof(r));
	r.msg = msg;
	r.len = len;
	r.read = msg != NULL ? read : NULL;
	r.id = x->q.id;
	r.rtt_us = util_now_us() - x->started_us;
	r.piped = x->piped && msg != NULL;
	if (r.rtt_us == 0)
		r.rtt_us = 1;		/* 0 means "no RTT" */
	if (err != NULL)
		r.err = *err;
	r.err.bogus = x->uu.d.bogus;
	xfer_close(x);
	x->cb(x->arg, &r);
}

static void
complete_errno(struct dns_xfer *x, int err, const char *what)
{
	struct hc_result res;

	memset(&res, 0, sizeof(res));
	check_sock_error(err, what, &res);
	complete(x, NULL, 0, NULL, &res);
}

/* A TCP connection; UDP datagrams are read by the pool (dns_udp.c). */
static int
open_tcp(struct dns_xfer *x, struct hc_result *err)
{
	x->fd = check_sock_open(SOCK_STREAM, &x->target, x->port, &x->source,
	    err);
	if (x->fd == -1)
		return -1;
	x->tcp = 1;
	if (x->buf == NULL)
		x->buf = xmalloc(DNS_MAX_MSG + 2);
	x->io = event_new(x->base, x->fd, EV_WRITE | EV_PERSIST, xfer_io, x);
	if (x->io == NULL)
		fatalx_oom();
	event_add(x->io, NULL);
	return 0;
}

static struct dns_xfer *
of_udp(struct dns_udp_user *u)
{
	return (struct dns_xfer *)(void *)((char *)u -
	    offsetof(struct dns_xfer, uu));
}

/* Our answer on the shared socket (dns_demux.h judged it ours). */
static void
udp_answer(struct dns_udp_user *u, const uint8_t *msg, size_t len,
    enum dns_wire_class c, const struct dns_msg *read)
{
	struct dns_xfer		*x = of_udp(u);
	struct hc_result	 res;

	if (c != DNS_WIRE_TRUNCATED) {
		complete(x, msg, len, read, NULL);
		return;
	}
	/* RFC 7766 5: retry the query over TCP. */
	xfer_close(x);
	memset(&res, 0, sizeof(res));
	if (open_tcp(x, &res) == -1)
		complete(x, NULL, 0, NULL, &res);
}

/* An ICMP error for our query: refused, unreachable. */
static void
udp_error(struct dns_udp_user *u, int err)
{
	complete_errno(of_udp(u), err, "udp");
}

/* A complete message over TCP: the server's answer, ours or not. */
static void
tcp_judge(struct dns_xfer *x, const uint8_t *msg, size_t len)
{
	struct hc_result	 res;
	struct dns_msg		 read;

	memset(&res, 0, sizeof(res));
	if (dns_wire_classify(msg, len, &x->q, &res, &read) ==
	    DNS_WIRE_NOT_OURS) {
		x->uu.d.bogus++;
		x->uu.d.bogus_reason = res.reason;
		complete(x, NULL, 0, NULL, &res);
		return;
	}
	/* Truncated even over TCP: the judge of the answer says so. */
	complete(x, msg, len, &read, NULL);
}

/* RFC 1035 4.2.2: each message is preceded by a 2-byte length. */
static void
tcp_write(struct dns_xfer *x)
{
	struct hc_result	 res;
	ssize_t			 n;

	memset(&res, 0, sizeof(res));
	if (x->sent == 0 && check_sock_connected(x->fd, "tcp connect",
	    &res) == -1) {
		complete(x, NULL, 0, NULL, &res);
		return;
	}
	n = send(x->fd, x->query + x->sent, x->qlen - x->sent, MSG_NOSIGNAL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			complete_errno(x, errno, "tcp send");
		return;
	}
	x->sent += (size_t)n;
	if (x->sent < x->qlen)
		return;
	event_free(x->io);
	x->io = event_new(x->base, x->fd, EV_READ | EV_PERSIST, xfer_io, x);
	if (x->io == NULL)
		fatalx_oom();
	event_add(x->io, NULL);
}

static void
tcp_read(struct dns_xfer *x)
{
	struct hc_result	 res;
	size_t			 want;
	ssize_t			 n;

	n = recv(x->fd, x->buf + x->have, DNS_MAX_MSG + 2 - x->have, 0);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			complete_errno(x, errno, "tcp recv");
		return;
	}
	if (n == 0) {
		memset(&res, 0, sizeof(res));
		res.status = HC_FAIL;
		res.reason = HC_R_MALFORMED;
		snprintf(res.detail, sizeof(res.detail), "tcp: connection "
		    "closed after %zu bytes", x->have);
		complete(x, NULL, 0, NULL, &res);
		return;
	}
	x->have += (size_t)n;
	if (x->have < 2)
		return;
	want = 2 + ((size_t)x->buf[0] << 8 | x->buf[1]);
	if (x->have < want)
		return;
	tcp_judge(x, x->buf + 2, want - 2);
}

static void
xfer_io(evutil_socket_t fd, short what, void *arg)
{
	struct dns_xfer *x = arg;

	(void)fd;
	if (what & EV_WRITE)
		tcp_write(x);
	else
		tcp_read(x);
}

int
dns_xfer_wire(const struct dns_query *q, uint8_t **out, size_t *outlen)
{
	uint8_t	*wire;
	size_t	 len;

	if (dns_wire_query(q, &wire, &len) == -1 || len > DNS_MAX_MSG) {
		if (len > DNS_MAX_MSG)
			free(wire);
		return -1;
	}
	*out = xmalloc(len + 2);
	(*out)[0] = (uint8_t)(len >> 8);
	(*out)[1] = (uint8_t)len;
	memcpy(*out + 2, wire, len);
	*outlen = len + 2;
	free(wire);
	return 0;
}

/* The query in TCP form, built, or a copy of WIRE with Q's id. */
static int
build(struct dns_xfer *x, const struct dns_query *q, const uint8_t *wire,
    size_t wlen)
{
	size_t	 n = strlen(q->qname) + 1;
	int	 nw;

	x->q = *q;
	x->qname = reserve(x->qname, &x->qname_size, n);
	memcpy(x->qname, q->qname, n);
	x->q.qname = x->qname;
	/* Each answer's question is compared with it (dns_wire.c). */
	nw = dns_msg_name(x->qname, x->qwire);
	x->q.qname_wire = nw == -1 ? NULL : x->qwire;
	x->q.qname_wlen = nw == -1 ? 0 : (size_t)nw;
	if (wire == NULL) {
		free(x->query);
		x->query = NULL;
		x->query_size = 0;
		if (dns_xfer_wire(&x->q, &x->query, &x->qlen) == -1)
			return -1;
		x->query_size = x->qlen;
		return 0;
	}
	if (wlen < 4)
		return -1;
	x->query = reserve(x->query, &x->query_size, wlen);
	memcpy(x->query, wire, wlen);
	x->query[2] = (uint8_t)(q->id >> 8);
	x->query[3] = (uint8_t)q->id;
	x->qlen = wlen;
	return 0;
}

/* Open the usual transport and send (TCP sends once connected). */
static int
transport_start(struct dns_xfer *x, struct hc_result *err)
{
	if (x->want_tcp)
		return open_tcp(x, err);
	x->tcp = 0;
	x->uu.d.q = &x->q;
	x->uu.d.server = x->target;
	x->uu.d.port = x->port;
	x->uu.answer = udp_answer;
	x->uu.error = udp_error;
	/* The id may change (dns_udp_send): in the TCP form too. */
	return dns_udp_send(x->base, &x->source, &x->uu, x->query + 2,
	    x->qlen - 2, err);
}

static struct dns_xfer *
of_user(struct dns_pipe_user *u)
{
	return (struct dns_xfer *)(void *)((char *)u -
	    offsetof(struct dns_xfer, pu));
}

/* An answer with our id on the session: ours if its question is too. */
static void
pipe_answer(struct dns_pipe_user *u, const uint8_t *msg, size_t len)
{
	struct dns_xfer		*x = of_user(u);
	struct hc_result	 res;
	struct dns_msg		 read;

	memset(&res, 0, sizeof(res));
	if (dns_wire_classify(msg, len, &x->q, &res, &read) ==
	    DNS_WIRE_NOT_OURS) {
		x->uu.d.bogus++;
		x->uu.d.bogus_reason = res.reason;
		log_debug("dns %s: ignored bogus answer on the tcp session: "
		    "%s", x->qname, res.detail);
		return;
	}
	/* Truncated even over TCP: the judge of the answer says so. */
	complete(x, msg, len, &read, NULL);
}

/* The session ended before our answer: ask again the usual way. */
static void
pipe_lost(struct dns_pipe_user *u, const char *why)
{
	struct dns_xfer		*x = of_user(u);
	struct hc_result	 err;

	x->piped = 0;
	log_debug("dns %s: tcp session %s before the answer: asked again "
	    "over %s", x->qname, why, x->want_tcp ? "tcp" : "udp");
	memset(&err, 0, sizeof(err));
	if (transport_start(x, &err) == -1)
		complete(x, NULL, 0, NULL, &err);
}

struct dns_xfer *
dns_xfer_start(struct event_base *base, const struct dns_xfer_conf *c,
    const struct dns_query *q, dns_xfer_cb cb, void *arg,
    struct hc_result *err)
{
	struct dns_xfer *x = xfer_new();

	x->base = base;
	x->fd = -1;
	x->target = *c->target;
	x->port = c->port;
	if (c->source != NULL)
		x->source = *c->source;
	x->cb = cb;
	x->arg = arg;
	x->started_us = util_now_us();
	memset(err, 0, sizeof(*err));
	if (q->qname == NULL || build(x, q, c->wire, c->wlen) == -1) {
		err->status = HC_FAIL;
		err->reason = HC_R_SOCKET;
		snprintf(err->detail, sizeof(err->detail), "cannot build the "
		    "query");
		dns_xfer_free(x);
		return NULL;
	}
	x->want_tcp = c->tcp;
	if (c->pipe != NULL) {
		x->pu.answer = pipe_answer;
		x->pu.lost = pipe_lost;
		if (dns_pipe_send(c->pipe, &x->pu, x->query, x->qlen) == 0) {
			x->q.id = x->pu.id;	/* maybe changed */
			x->piped = 1;
			x->tcp = 1;
			return x;
		}
	}
	if (transport_start(x, err) == 0)
		return x;
	dns_xfer_free(x);
	return NULL;
}

static const char *
over(const struct dns_xfer *x)
{
	if (x->piped)
		return " on the tcp session";
	return x->tcp ? " over tcp" : "";
}

void
dns_xfer_timeout(const struct dns_xfer *x, uint64_t timeout_ms,
    struct hc_result *res)
{
	char t[32];

	memset(res, 0, sizeof(*res));
	res->status = HC_FAIL;
	res->reason = HC_R_TIMEOUT;
	res->bogus = x->uu.d.bogus;
	util_fmt_duration(timeout_ms, t, sizeof(t));
	if (x->uu.d.bogus)
		snprintf(res->detail, sizeof(res->detail), "timeout after %s%s "
		    "(%u bogus answers ignored: %s)", t, over(x), x->uu.d.bogus,
		    hc_reason_name(x->uu.d.bogus_reason));
	else
		snprintf(res->detail, sizeof(res->detail), "timeout after %s%s",
		    t, over(x));
}
