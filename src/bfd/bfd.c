/* SPDX-License-Identifier: ISC */
/*
 * BFD sessions on the wire, RFC 5881: Control packets to UDP port 3784
 * from a source port in 49152-65535, sent with TTL/hop limit 255 and
 * accepted only with 255 (IP_RECVTTL, IPV6_RECVHOPLIMIT), so nothing
 * beyond the link can speak for the neighbour.  One receiving socket per
 * address family, one connected sending socket per session.  The state
 * machine is bfd_session.c; this file runs its timers in the daemon's
 * event loop and tells the watchers when a session goes Up or Down.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bfd/bfd.h"
#include "sys/fmt.h"
#include "sys/log.h"

#define RX_BURST	64	/* packets read per wakeup */
#define TOS_CS6		0xc0	/* network control, as routers send BFD */
#define PORT_TRIES	64
#define PRIO_BFD	0	/* of bfd_event_base_new()'s five */
/* How long the rest may run before the loop looks for BFD's events
 * again: a time, not a count, so that a burst of cheap callbacks (10,000
 * checks starting) does not pay for a poll every few of them. */
#define OTHERS_MAX_US	5000

struct bfd_peer {
	struct bfd_peer		*next;
	struct addr		 addr;
	struct addr		 source;
	int			 fd;		/* -1: not yet opened */
	struct event		*tx_ev;
	struct event		*detect_ev;
	struct bfd_session	 s;
	struct bfd_watch	*watches;
	int			 up;		/* as last told */
	uint64_t		 state_at;	/* ms */
	uint64_t		 ups, downs;
	uint64_t		 pkts_in, pkts_out;
	/* RFC 5880 6.7.4: (meticulous) keyed SHA1, or auth 0: none. */
	int			 auth;
	uint8_t			 key_id;
	char			 key[BFD_SHA1_KEY_MAX + 1];
	uint32_t		 xmit_seq;
	uint32_t		 rcv_seq;
	int			 rcv_seq_known;
	uint64_t		 auth_fails;
};

struct bfd_watch {
	struct bfd_watch	*next;
	struct bfd_peer		*peer;
	bfd_cb			 cb;
	void			*arg;
};

/* One set of sockets for the whole daemon, like the kernel's. */
static struct {
	struct event_base	*base;
	int			 fd[2];		/* IPv4, IPv6 receivers */
	struct event		*ev[2];
	struct bfd_peer		*peers;
	uint64_t		 dropped;	/* failed 6.8.6 or the TTL */
} E = { NULL, { -1, -1 }, { NULL, NULL }, NULL, 0 };

static const char *
peer_name(const struct bfd_peer *p, char *buf, size_t len)
{
	return util_fmt_addr(&p->addr, buf, len);
}

static struct timeval
tv_us(uint64_t us)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	return tv;
}

/* Where the base has the priorities (not in tests with a plain base). */
static void
first(struct event *ev)
{
	(void)event_priority_set(ev, PRIO_BFD);
}

/* ---- sending ---- */

/* A socket of our own for the session: source port, TTL 255, connected. */
static int
tx_open(const struct bfd_peer *p)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	struct addr		 any;
	int			 v6 = p->addr.family == AF_INET6;
	int			 fd, one = 255, tos = TOS_CS6, i;

	fd = socket(p->addr.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_UNICAST_HOPS : IP_TTL, &one, sizeof(one)) == -1)
		goto fail;
	(void)setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_TCLASS : IP_TOS, &tos, sizeof(tos));
	memset(&any, 0, sizeof(any));
	any.family = p->addr.family;
	for (i = 0; i < PORT_TRIES; i++) {
		uint16_t port = (uint16_t)(BFD_SRC_PORT_MIN + util_random() %
		    (BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN + 1));

		util_addr_to_sockaddr(p->source.family ? &p->source : &any,
		    port, &ss, &slen);
		if (bind(fd, (struct sockaddr *)&ss, slen) == 0)
			break;
		if (errno != EADDRINUSE)
			goto fail;
	}
	if (i == PORT_TRIES)
		goto fail;
	util_addr_to_sockaddr(&p->addr, BFD_PORT_SINGLEHOP, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void
send_packet(struct bfd_peer *p, int final)
{
	struct bfd_pkt	 pkt;
	uint8_t		 buf[BFD_PKT_SHA1_LEN];
	char		 name[64];
	int		 n;

	if (p->fd == -1 && (p->fd = tx_open(p)) == -1) {
		log_debug("bfd %s: no socket to send from: %s",
		    peer_name(p, name, sizeof(name)), strerror(errno));
		return;
	}
	bfd_session_packet(&p->s, final, &pkt);
	/* Keyed SHA1 may keep its sequence number; we move it on anyway,
	 * as meticulous must, which both accept. */
	if (p->auth)
		n = bfd_pkt_sign(buf, sizeof(buf), &pkt, (uint8_t)p->auth,
		    p->key_id, p->xmit_seq++, p->key);
	else
		n = bfd_pkt_encode(buf, sizeof(buf), &pkt);
	if (n < 0)
		return;
	/* Unreachable now (ICMP said so) is what BFD is there to detect. */
	if (send(p->fd, buf, (size_t)n, 0) == n)
		p->pkts_out++;
}

static void
schedule_tx(struct bfd_peer *p)
{
	uint32_t	iv = bfd_session_tx_interval(&p->s);
	struct timeval	tv;

	if (iv == 0) {
		evtimer_del(p->tx_ev);
		return;
	}
	tv = tv_us(bfd_session_jitter(iv, p->s.mult, util_random()));
	evtimer_add(p->tx_ev, &tv);
}

static void
tx_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_peer *p = arg;

	(void)fd;
	(void)what;
	send_packet(p, 0);
	schedule_tx(p);
}

/* ---- what the state machine asked for ---- */

static void
notify(struct bfd_peer *p)
{
	struct bfd_watch	*w, *next;
	int			 up = p->s.state == BFD_UP;

	if (up == p->up)
		return;
	p->up = up;
	for (w = p->watches; w; w = next) {
		next = w->next;
		w->cb(w->arg, up);
	}
}

static void
carry_out(struct bfd_peer *p, unsigned act)
{
	char name[64];

	if (act & BFD_SA_STATE) {
		log_info("bfd %s: %s (%s; peer %s, %s, discriminator %u)",
		    peer_name(p, name, sizeof(name)),
		    bfd_state_name(p->s.state), bfd_diag_name(p->s.diag),
		    bfd_state_name(p->s.remote_state),
		    bfd_diag_name(p->s.remote_diag), p->s.remote_disc);
		p->state_at = util_now_ms();
		if (p->s.state == BFD_UP)
			p->ups++;
		else if (p->up)
			p->downs++;
	}
	/* The watchers first: a BGP session closed for BFD Down gets its
	 * Cease out (bgp_peer.c writes it before closing) before our Down
	 * packet makes the neighbour's BFD, and so its BGP, go down too. */
	if (act & BFD_SA_STATE)
		notify(p);
	/* 6.8.7: a Final at once; a new state need not wait either. */
	if (act & (BFD_SA_FINAL | BFD_SA_STATE))
		send_packet(p, (act & BFD_SA_FINAL) != 0);
	if (act & (BFD_SA_STATE | BFD_SA_TIMERS | BFD_SA_FINAL))
		schedule_tx(p);
}

static void
detect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_peer *p = arg;

	(void)fd;
	(void)what;
	p->rcv_seq_known = 0;	/* 6.8.1: silent long enough: any number */
	carry_out(p, bfd_session_expire(&p->s));
}

/* ---- receiving ---- */

static struct bfd_peer *
find_peer(const struct addr *from, uint32_t your_disc)
{
	struct bfd_peer *p;

	for (p = E.peers; p; p = p->next)
		if (util_addr_eq(&p->addr, from) && (your_disc == 0 ||
		    your_disc == p->s.local_disc))
			return p;
	return NULL;
}

/* 6.7.4: type, key, digest, and a sequence number in the window. */
static int
auth_check(struct bfd_peer *p, const uint8_t *buf, size_t len,
    const struct bfd_pkt *pkt)
{
	uint32_t	ahead;
	int		meticulous = p->auth == BFD_AUTH_METICULOUS_SHA1;

	if (pkt->auth_type != p->auth || pkt->auth_key_id != p->key_id ||
	    bfd_pkt_verify(buf, len, pkt, p->key) == -1)
		return -1;
	if (p->rcv_seq_known) {
		ahead = pkt->auth_seq - p->rcv_seq;	/* modulo 2^32 */
		if (ahead > 3u * pkt->mult || (meticulous && ahead == 0))
			return -1;
	}
	p->rcv_seq = pkt->auth_seq;
	p->rcv_seq_known = 1;
	return 0;
}

static void
receive(const struct addr *from, int ttl, const uint8_t *buf, size_t len)
{
	struct bfd_peer		*p;
	struct bfd_pkt		 pkt;
	enum bfd_pkt_err	 err;
	struct timeval		 tv;
	uint64_t		 detect;
	char			 name[64];

	if (ttl != 255) {		/* RFC 5881 5 */
		E.dropped++;
		log_debug("bfd: packet from %s with TTL %d, not 255: dropped",
		    util_fmt_addr(from, name, sizeof(name)), ttl);
		return;
	}
	if ((err = bfd_pkt_decode(buf, len, &pkt)) != BFD_PKT_OK) {
		E.dropped++;
		log_debug("bfd: packet from %s dropped: %s",
		    util_fmt_addr(from, name, sizeof(name)),
		    bfd_pkt_err_name(err));
		return;
	}
	/* 6.8.6: no session, or authentication we did not agree on. */
	if ((p = find_peer(from, pkt.your_disc)) == NULL ||
	    !(pkt.flags & BFD_F_AUTH) != !p->auth) {
		E.dropped++;
		return;
	}
	if (p->auth && auth_check(p, buf, len, &pkt) == -1) {
		p->auth_fails++;
		E.dropped++;
		return;
	}
	p->pkts_in++;
	carry_out(p, bfd_session_rx(&p->s, &pkt));
	if ((detect = bfd_session_detect_time(&p->s)) != 0) {
		tv = tv_us(detect);
		evtimer_add(p->detect_ev, &tv);
	}
}

static int
cmsg_ttl(struct msghdr *msg)
{
	struct cmsghdr	*c;
	int		 v;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	return -1;
}

static void
rx_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct addr		 from;
	uint8_t			 buf[512];
	union {
		struct cmsghdr	 h;
		uint8_t		 b[CMSG_SPACE(sizeof(int)) * 4];
	} cbuf;
	ssize_t			 n;
	int			 i;

	(void)what;
	(void)arg;
	for (i = 0; i < RX_BURST; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.b;
		msg.msg_controllen = sizeof(cbuf.b);
		if ((n = recvmsg(fd, &msg, 0)) == -1)
			return;
		memset(&from, 0, sizeof(from));
		if (ss.ss_family == AF_INET) {
			from.family = AF_INET;
			from.u.v4 = ((struct sockaddr_in *)&ss)->sin_addr;
		} else if (ss.ss_family == AF_INET6) {
			from.family = AF_INET6;
			from.u.v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
		} else
			continue;
		receive(&from, cmsg_ttl(&msg), buf, (size_t)n);
	}
}

static void
rx_open(int family)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	struct addr		 any;
	int			 i = family == AF_INET6, fd, one = 1;

	if (E.fd[i] != -1)
		return;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 &&
	    (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)) == -1 || setsockopt(fd, IPPROTO_IPV6,
	    IPV6_RECVHOPLIMIT, &one, sizeof(one)) == -1))
		goto fail;
	if (family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one,
	    sizeof(one)) == -1)
		goto fail;
	memset(&any, 0, sizeof(any));
	any.family = family;
	util_addr_to_sockaddr(&any, BFD_PORT_SINGLEHOP, &ss, &slen);
	if (bind(fd, (struct sockaddr *)&ss, slen) == -1)
		goto fail;
	E.ev[i] = event_new(E.base, fd, EV_READ | EV_PERSIST, rx_cb, NULL);
	if (E.ev[i] == NULL)
		fatalx_oom();
	first(E.ev[i]);
	event_add(E.ev[i], NULL);
	E.fd[i] = fd;
	return;
fail:
	log_warn("bfd: cannot receive %s on port %d: %s", family == AF_INET ?
	    "IPv4" : "IPv6", BFD_PORT_SINGLEHOP, strerror(errno));
	if (fd != -1)
		close(fd);
}

static void
rx_close_all(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (E.ev[i])
			event_free(E.ev[i]);
		if (E.fd[i] != -1)
			close(E.fd[i]);
		E.ev[i] = NULL;
		E.fd[i] = -1;
	}
}

/* ---- the event loop ---- */

struct event_base *
bfd_event_base_new(void)
{
	struct event_config	*cfg = event_config_new();
	struct event_base	*base;
	struct timeval		 tv = { 0, OTHERS_MAX_US };

	if (cfg == NULL)
		return NULL;
	/* After OTHERS_MAX_US of callbacks of priority 1, timers and sockets
	 * are looked at again, and BFD's run first. */
	if (event_config_set_max_dispatch_interval(cfg, &tv, -1,
	    PRIO_BFD + 1) == -1) {
		event_config_free(cfg);
		return NULL;
	}
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	/* Five, for libevent gives every event the middle one (2) unless
	 * told otherwise: BFD 0, (1 unused), the rest 2, control 3, the
	 * exec machinery 4.  With four, the middle was control's own, and
	 * 8 clients hammering `status` delayed a probe by 1.5 s
	 * (tests/integration/test_bounded.py). */
	if (base && event_base_priority_init(base, 5) == -1) {
		event_base_free(base);
		return NULL;
	}
	return base;
}

/* ---- sessions and watchers ---- */

static uint32_t
new_discriminator(void)
{
	struct bfd_peer	*p;
	uint32_t	 d;

	do {
		d = util_random();
		for (p = E.peers; p && p->s.local_disc != d; p = p->next)
			;
	} while (d == 0 || p != NULL);
	return d;
}

static struct bfd_peer *
peer_new(const struct addr *addr, const struct addr *source,
    const struct bfd_conf *c)
{
	struct bfd_peer	*p = xcalloc(1, sizeof(*p));
	uint32_t	 us = (uint32_t)(c->interval * 1000);
	struct timeval	 tv;

	p->addr = *addr;
	if (source)
		p->source = *source;
	p->fd = -1;
	p->state_at = util_now_ms();
	p->auth = c->auth;
	p->key_id = (uint8_t)c->key_id;
	snprintf(p->key, sizeof(p->key), "%s", c->key);
	p->xmit_seq = util_random();
	bfd_session_init(&p->s, new_discriminator(), us, us,
	    (uint8_t)c->multiplier);
	p->tx_ev = evtimer_new(E.base, tx_cb, p);
	p->detect_ev = evtimer_new(E.base, detect_cb, p);
	if (p->tx_ev == NULL || p->detect_ev == NULL)
		fatalx_oom();
	first(p->tx_ev);
	first(p->detect_ev);
	rx_open(addr->family);
	/* The first packet soon, but not all sessions at the same instant. */
	tv = tv_us(util_random() % 100000);
	evtimer_add(p->tx_ev, &tv);
	p->next = E.peers;
	E.peers = p;
	return p;
}

/* 6.8.16: say AdminDown, so the neighbour does not count it a failure. */
static void
peer_free(struct bfd_peer *p)
{
	struct bfd_peer **pp;

	bfd_session_admin_down(&p->s);
	send_packet(p, 0);
	for (pp = &E.peers; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	event_free(p->tx_ev);
	event_free(p->detect_ev);
	if (p->fd != -1)
		close(p->fd);
	free(p);
	if (E.peers == NULL)
		rx_close_all();
}

struct bfd_watch *
bfd_watch(struct event_base *base, const struct addr *addr,
    const struct addr *source, const struct bfd_conf *c, bfd_cb cb,
    void *arg)
{
	struct bfd_watch	*w = xcalloc(1, sizeof(*w));
	struct bfd_peer		*p;

	E.base = base;
	/* One session per neighbour: the first watcher's timers rule. */
	if ((p = find_peer(addr, 0)) == NULL)
		p = peer_new(addr, source, c);
	w->peer = p;
	w->cb = cb;
	w->arg = arg;
	w->next = p->watches;
	p->watches = w;
	return w;
}

void
bfd_unwatch(struct bfd_watch *w)
{
	struct bfd_peer		*p;
	struct bfd_watch	**ww;

	if (w == NULL)
		return;
	p = w->peer;
	for (ww = &p->watches; *ww != w; ww = &(*ww)->next)
		;
	*ww = w->next;
	free(w);
	if (p->watches == NULL)
		peer_free(p);
}

int
bfd_watch_up(const struct bfd_watch *w)
{
	return w->peer->s.state == BFD_UP;
}

const struct bfd_session *
bfd_watch_session(const struct bfd_watch *w)
{
	return &w->peer->s;
}

json_object *
bfd_watch_json(const struct bfd_watch *w)
{
	const struct bfd_peer		*p = w->peer;
	const struct bfd_session	*s = &p->s;
	json_object			*o = json_object_new_object();

#define ADD(k, v)	json_object_object_add(o, k, v)
	ADD("state", json_object_new_string(bfd_state_name(s->state)));
	ADD("remote_state", json_object_new_string(
	    bfd_state_name(s->remote_state)));
	ADD("since_ms", json_object_new_int64((int64_t)(util_now_ms() -
	    p->state_at)));
	ADD("local_discriminator", json_object_new_int64(s->local_disc));
	ADD("remote_discriminator", json_object_new_int64(s->remote_disc));
	ADD("multiplier", json_object_new_int(s->mult));
	ADD("remote_multiplier", json_object_new_int(s->remote_mult));
	ADD("tx_interval_ms", fmt_ms_json(bfd_session_tx_interval(s)));
	ADD("detect_time_ms", fmt_ms_json(bfd_session_detect_time(s)));
	ADD("desired_min_tx_ms", fmt_ms_json(s->desired_min_tx));
	ADD("required_min_rx_ms", fmt_ms_json(s->required_min_rx));
	ADD("remote_min_tx_ms", fmt_ms_json(s->remote_min_tx));
	ADD("remote_min_rx_ms", fmt_ms_json(s->remote_min_rx));
	ADD("diagnostic", json_object_new_string(bfd_diag_name(s->diag)));
	ADD("last_down", json_object_new_string(p->downs ?
	    bfd_diag_name(s->last_down_diag) : ""));
	ADD("ups", json_object_new_int64((int64_t)p->ups));
	ADD("downs", json_object_new_int64((int64_t)p->downs));
	ADD("packets_in", json_object_new_int64((int64_t)p->pkts_in));
	ADD("packets_out", json_object_new_int64((int64_t)p->pkts_out));
	ADD("authentication", json_object_new_string(p->auth ==
	    BFD_AUTH_KEYED_SHA1 ? "keyed-sha1" : p->auth ==
	    BFD_AUTH_METICULOUS_SHA1 ? "meticulous-keyed-sha1" : "none"));
	ADD("authentication_failures", json_object_new_int64(
	    (int64_t)p->auth_fails));
#undef ADD
	return o;
}
