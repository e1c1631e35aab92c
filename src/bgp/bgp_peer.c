/* SPDX-License-Identifier: ISC */
/*
 * BGP sessions: the socket (TCP MD5, TTL or GTSM), framing of the byte
 * stream into messages, checking each message, and carrying out what
 * the FSM (bgp_fsm.c) decides.  Reconnects back off exponentially from
 * `connect retry` to a minute.  What to announce is bgp_out.c's job.
 *
 * No graceful restart (RFC 4724) is offered, on purpose: when anycastd
 * or its host dies, its routes must go at once, not be kept stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "bgp/bgp.h"

#define HOLD_LARGE_S	240	/* RFC 4271 8.2.2: 4 minutes in OpenSent */
#define RETRY_MAX_MS	60000
#define CONNECT_TIMEOUT_S 10
#define BFD_WAITING	"waiting for BFD to come Up"

static void	fsm_event(struct bgp_peer *, enum bgp_event);
static void	peer_read(struct bufferevent *, void *);
static void	peer_sock_event(struct bufferevent *, short, void *);
static void	local_address(struct bgp_peer *);

static uint32_t
router_id(const struct bgp_peer *p)
{
	const struct addr *a = p->conf->router_id.family ?
	    &p->conf->router_id : &p->engine->conf->router_id;

	return ntohl(a->u.v4.s_addr);
}

/*
 * A transport error.  After a protocol error (a NOTIFICATION, a wrong
 * AS) the resets that follow are shown after it, not instead of it: the
 * operator must see why, not only "Connection reset by peer".
 */
static void
set_error(struct bgp_peer *p, const char *fmt, const char *arg)
{
	char msg[sizeof(p->last_error)];

	snprintf(msg, sizeof(msg), fmt, arg);
	log_warn("bgp %s: %s", p->conf->name, msg);
	if (p->proto_error[0])
		snprintf(p->last_error, sizeof(p->last_error), "%.200s (then: "
		    "%.150s)", p->proto_error, msg);
	else
		snprintf(p->last_error, sizeof(p->last_error), "%s", msg);
}

/* last_error is a protocol error: keep it until the next Established. */
static void
keep_error(struct bgp_peer *p)
{
	snprintf(p->proto_error, sizeof(p->proto_error), "%s", p->last_error);
}

static void
arm(struct event *ev, uint64_t ms)
{
	struct timeval tv = util_tv(ms);

	evtimer_add(ev, &tv);
}

int
bgp_peer_send(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	if (p->bev == NULL)
		return -1;
	if (bufferevent_write(p->bev, msg, len) == -1)
		fatalx_oom();
	p->stats.msgs_out++;
	if (len > BGP_HEADER_LEN - 1 && msg[BGP_HEADER_LEN - 1] == BGP_UPDATE)
		p->stats.updates_out++;
	return 0;
}

/* ---- the socket ---- */

/* RFC 2385: sign the segments to and from this neighbor with its key. */
int
bgp_md5_set(int fd, const struct bgp_conf *c)
{
	struct tcp_md5sig	 md5;
	socklen_t		 slen;

	memset(&md5, 0, sizeof(md5));
	util_addr_to_sockaddr(&c->neighbor, 0, &md5.tcpm_addr, &slen);
	md5.tcpm_keylen = (uint16_t)strlen(c->password);
	memcpy(md5.tcpm_key, c->password, md5.tcpm_keylen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5));
}

/* RFC 2385 TCP MD5, and the TTL: 1 for eBGP unless multihop, or GTSM. */
static int
sock_options(struct bgp_peer *p, int fd)
{
	const struct bgp_conf	*c = p->conf;
	int			 v6 = c->neighbor.family == AF_INET6;
	int			 ttl = 0, min = 0;

	if (c->password && bgp_md5_set(fd, c) == -1) {
		set_error(p, "TCP MD5 signatures: %s (kernel without "
		    "CONFIG_TCP_MD5SIG?)", strerror(errno));
		return -1;
	}
	if (c->ttl_security)
		ttl = min = 255;	/* RFC 5082 3 */
	else if (c->local_as != c->remote_as)
		ttl = c->multihop ? (int)c->multihop : 1;
	if (ttl && setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl, sizeof(ttl)) == -1) {
		set_error(p, "setting the TTL: %s", strerror(errno));
		return -1;
	}
	if (min && setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_MINHOPCOUNT : IP_MINTTL, &min, sizeof(min)) == -1) {
		set_error(p, "ttl-security: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * RFC 9384: once BFD has seen the neighbour go, no session until BFD is
 * Up again; with `bfd strict`, none before BFD was ever Up.
 */
static int
bfd_blocks(struct bgp_peer *p)
{
	if (p->bfd == NULL || bfd_watch_up(p->bfd) ||
	    !(p->conf->bfd.strict || p->bfd_was_up))
		return 0;
	snprintf(p->last_error, sizeof(p->last_error), "%s%s", BFD_WAITING,
	    p->bfd_was_up ? "" : " (bfd strict)");
	return 1;
}

/*
 * The session's buffer on FD.  A wake-up takes up to STREAM_READ bytes
 * (read_more): after a pause (peer_read) all that arrived meanwhile is
 * taken in one wake-up.
 */
#define STREAM_READ	(256 * 1024)

static void
new_bev(struct bgp_peer *p, int fd)
{
	p->bev = bufferevent_socket_new(p->engine->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL ||
	    bufferevent_set_max_single_read(p->bev, STREAM_READ) == -1)
		fatalx_oom();
	bufferevent_setcb(p->bev, peer_read, NULL, peer_sock_event, p);
}

static void
peer_connect(struct bgp_peer *p)
{
	const struct bgp_conf	*c = p->conf;
	struct sockaddr_storage	 ss;
	struct timeval		 tv;
	socklen_t		 slen;
	int			 fd;

	if (bfd_blocks(p))
		return;

	fd = socket(c->neighbor.family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		set_error(p, "socket: %s", strerror(errno));
		return;
	}
	if (sock_options(p, fd) == -1)
		goto fail;
	if (c->source.family) {
		util_addr_to_sockaddr(&c->source, 0, &ss, &slen);
		if (bind(fd, (struct sockaddr *)&ss, slen) == -1) {
			set_error(p, "bind to source: %s", strerror(errno));
			goto fail;
		}
	}
	new_bev(p, fd);
	/* A neighbour that never answers the SYN: give up after a while of
	 * our own, not the kernel's two minutes, and back off. */
	tv.tv_sec = CONNECT_TIMEOUT_S;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(p->bev, NULL, &tv);
	util_addr_to_sockaddr(&c->neighbor, c->port, &ss, &slen);
	if (bufferevent_socket_connect(p->bev, (struct sockaddr *)&ss,
	    (int)slen) == -1) {
		set_error(p, "connect: %s", strerror(errno));
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
	return;
fail:
	close(fd);
}

/* A connection the listener accepted from this passive peer's address. */
int
bgp_peer_accept(struct bgp_peer *p, int fd)
{
	if (!p->conf->passive || p->state != BGP_ST_ACTIVE || p->bev ||
	    bfd_blocks(p))
		return -1;
	if (sock_options(p, fd) == -1)
		return -1;
	new_bev(p, fd);
	local_address(p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	fsm_event(p, BGP_EV_CONN_OPEN);
	return 0;
}

/*
 * Write out what is queued -- the last UPDATEs, the NOTIFICATION -- then
 * close.  Synchronously, with a deadline: the loop may already be
 * stopping, and RFC 4271 6 wants the NOTIFICATION on the wire before the
 * connection goes.
 */
static void
peer_close(struct bgp_peer *p)
{
	struct evbuffer	*out;
	struct timeval	 tv = { 2, 0 };
	evutil_socket_t	 fd;
	int		 flags;

	if (p->bev == NULL)
		return;
	fd = bufferevent_getfd(p->bev);
	out = bufferevent_get_output(p->bev);
	/* A bufferevent freezes the front of its output buffer. */
	evbuffer_unfreeze(out, 1);
	if (fd != -1 && evbuffer_get_length(out) > 0 &&
	    (flags = fcntl(fd, F_GETFL)) != -1 &&
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0)
		while (evbuffer_get_length(out) > 0 &&
		    evbuffer_write(out, fd) > 0)
			;
	bufferevent_free(p->bev);
	p->bev = NULL;
	evtimer_del(p->read_timer);
}

static int
sockaddr_is(const struct sockaddr *sa, const struct addr *a)
{
	if (sa == NULL || sa->sa_family != a->family)
		return 0;
	if (a->family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
		    a->u.v4.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr,
	    &a->u.v6, sizeof(a->u.v6)) == 0;
}

/*
 * RFC 2545 3: on a link shared with the peer, an IPv6 next hop goes
 * with the link-local address of our interface on that link.
 */
static void
link_local(struct bgp_peer *p)
{
	struct ifaddrs	*all, *i;
	char		 name[IF_NAMESIZE] = "";

	memset(&p->local_ll, 0, sizeof(p->local_ll));
	if (p->conf->multihop > 1 || getifaddrs(&all) == -1)
		return;
	for (i = all; i; i = i->ifa_next)
		if (sockaddr_is(i->ifa_addr, &p->local))
			snprintf(name, sizeof(name), "%s", i->ifa_name);
	for (i = all; i && name[0]; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(i->ifa_name, name) != 0)
			continue;
		if (IN6_IS_ADDR_LINKLOCAL(
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr)) {
			p->local_ll.family = AF_INET6;
			p->local_ll.u.v6 =
			    ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			break;
		}
	}
	freeifaddrs(all);
}

static void
local_address(struct bgp_peer *p)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 fd = bufferevent_getfd(p->bev);

	memset(&p->local, 0, sizeof(p->local));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		p->local.family = AF_INET;
		p->local.u.v4 = ((struct sockaddr_in *)&ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6) {
		p->local.family = AF_INET6;
		p->local.u.v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
	}
	link_local(p);
}

static void
peer_sock_event(struct bufferevent *bev, short what, void *arg)
{
	struct bgp_peer *p = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_set_timeouts(p->bev, NULL, NULL);
		local_address(p);
		bufferevent_enable(p->bev, EV_READ | EV_WRITE);
		fsm_event(p, BGP_EV_CONN_OPEN);
		return;
	}
	if (what & BEV_EVENT_EOF)
		set_error(p, "%s", "connection closed by the peer");
	else if (what & BEV_EVENT_TIMEOUT)
		/* A peer with another TCP MD5 key drops our SYNs silently. */
		set_error(p, "%s", p->conf->password ? "connect: no answer "
		    "(timed out); a password is set: a wrong TCP MD5 key on "
		    "either side looks exactly like this" :
		    "connect: no answer (timed out)");
	else
		set_error(p, "connection: %s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	fsm_event(p, BGP_EV_CONN_FAIL);
}

/* ---- received messages ---- */

static void
bad_msg(struct bgp_peer *p, const struct bgp_error *err)
{
	p->pending = *err;
	snprintf(p->last_error, sizeof(p->last_error), "sent NOTIFICATION "
	    "%s/%s for a bad message", bgp_errcode_name(err->code),
	    bgp_errsubcode_name(err->code, err->subcode));
	keep_error(p);
	log_warn("bgp %s: %s", p->conf->name, p->last_error);
	fsm_event(p, BGP_EV_BAD_MSG);
}

/* The OPEN was well-formed; is it the peer we expect (RFC 4271 6.2)? */
static int
accept_open(struct bgp_peer *p, const struct bgp_open *o)
{
	const struct bgp_conf	*c = p->conf;
	struct bgp_error	 err;
	uint8_t			 as[4];
	unsigned		 theirs = 0;

	if (o->asn != c->remote_as) {
		bgp_put32(as, o->asn);
		bgp_error_set(&err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS,
		    o->caps & BGP_CAP_AS4 ? as : as + 2,
		    o->caps & BGP_CAP_AS4 ? 4 : 2);
		bad_msg(p, &err);
		snprintf(p->last_error, sizeof(p->last_error), "peer sent AS "
		    "%u, configured %u", o->asn, c->remote_as);
		keep_error(p);
		log_warn("bgp %s: %s", c->name, p->last_error);
		return -1;
	}
	if (c->local_as == c->remote_as && o->bgpid == router_id(p)) {
		bgp_error_set(&err, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0);
		bad_msg(p, &err);
		return -1;
	}
	/* RFC 4760 8: no multiprotocol capability means IPv4 unicast. */
	if (o->caps & BGP_CAP_MP_IPV4)
		theirs |= CONF_AF_IPV4;
	if (o->caps & BGP_CAP_MP_IPV6)
		theirs |= CONF_AF_IPV6;
	if (!(o->caps & (BGP_CAP_MP_IPV4 | BGP_CAP_MP_IPV6)) && !o->mp_other)
		theirs = CONF_AF_IPV4;
	p->families = theirs & c->families;
	p->hold = (uint16_t)(c->hold_time / 1000);
	if (o->holdtime < p->hold)
		p->hold = o->holdtime;
	p->codec.as4 = (o->caps & BGP_CAP_AS4) != 0;
	p->codec.ibgp = c->local_as == c->remote_as;
	p->refresh = (o->caps & BGP_CAP_ROUTE_REFRESH) != 0;
	p->peer_id = o->bgpid;
	return 0;
}

static void
count_prefix(void *arg, int withdraw, const struct prefix *pfx)
{
	struct bgp_peer *p = arg;

	if (withdraw)
		p->stats.withdrawn_in++;
	else
		p->stats.prefixes_in++;
	p->rib_in_changed |= bgp_rib_in_update(p, withdraw, pfx);
}

/* RFC 7606: most errors only turn announcements into withdrawals. */
static void
handle_update(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	enum bgp_verdict v;

	p->stats.updates_in++;
	v = bgp_msg_decode_update(msg, len, &p->codec, p->upd, count_prefix,
	    p);
	if (v == BGP_UPD_NOTIFY) {
		bad_msg(p, &p->upd->err);
		return;
	}
	if (v != BGP_UPD_OK) {
		p->stats.taw_in++;
		log_warn("bgp %s: malformed UPDATE treated as withdraw "
		    "(RFC 7606): %s/%s", p->conf->name,
		    bgp_errcode_name(p->upd->err.code),
		    bgp_errsubcode_name(p->upd->err.code, p->upd->err.subcode));
	}
	/* The hold timer and last-site protection: once per read, in
	 * read_done(), not per message of a table. */
	p->updates_read++;
}

static void
handle_notification(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	struct bgp_notification	 n;
	struct bgp_error	 err;

	p->stats.notifications_in++;
	if (bgp_msg_decode_notification(msg, len, &n, &err) == -1) {
		set_error(p, "%s", "received a malformed NOTIFICATION");
		fsm_event(p, BGP_EV_RCVD_NOTIFICATION);
		return;
	}
	snprintf(p->last_error, sizeof(p->last_error), "received "
	    "NOTIFICATION %s/%s%s%s", bgp_errcode_name(n.code),
	    bgp_errsubcode_name(n.code, n.subcode),
	    n.shutdown == BGP_SHUTDOWN_VALID ? ": " : "",
	    n.shutdown == BGP_SHUTDOWN_VALID ? n.shutdown_msg : "");
	if (n.code == BGP_ERR_OPEN && n.subcode == BGP_ERR_OPEN_PEER_AS)
		snprintf(p->last_error + strlen(p->last_error),
		    sizeof(p->last_error) - strlen(p->last_error), " (the "
		    "peer expects another AS than our local as %u)",
		    p->conf->local_as);
	keep_error(p);
	log_warn("bgp %s: %s", p->conf->name, p->last_error);
	fsm_event(p, BGP_EV_RCVD_NOTIFICATION);
}

static void
handle(struct bgp_peer *p, uint8_t type, const uint8_t *msg, size_t len)
{
	struct bgp_open			 o;
	struct bgp_route_refresh	 rr;
	struct bgp_error		 err;

	p->stats.msgs_in++;
	switch (type) {
	case BGP_OPEN:
		if (bgp_msg_decode_open(msg, len, &o, &err) == -1)
			bad_msg(p, &err);
		else if (accept_open(p, &o) == 0)
			fsm_event(p, BGP_EV_RCVD_OPEN);
		break;
	case BGP_KEEPALIVE:
		if (bgp_msg_decode_keepalive(msg, len, &err) == -1)
			bad_msg(p, &err);
		else
			fsm_event(p, BGP_EV_RCVD_KEEPALIVE);
		break;
	case BGP_UPDATE:
		if (p->state != BGP_ST_ESTABLISHED)
			fsm_event(p, BGP_EV_RCVD_UPDATE);	/* FSM error */
		else
			handle_update(p, msg, len);
		break;
	case BGP_NOTIFICATION:
		handle_notification(p, msg, len);
		break;
	case BGP_ROUTE_REFRESH:
		if (bgp_msg_decode_route_refresh(msg, len, &rr, &err) == -1)
			bad_msg(p, &err);
		else
			fsm_event(p, BGP_EV_RCVD_REFRESH);
		break;
	}
}

/*
 * A peer sending its table writes UPDATE after UPDATE, and each wake-up
 * of the loop for the few that arrived costs more than decoding them
 * (bench/rib-in: 500,000 routes, 25,000 wake-ups at a 5 ms pause).
 * When one read brought at least STREAM_MSGS messages, reading pauses
 * for STREAM_PAUSE_US so that the next read takes a bigger batch; a
 * KEEPALIVE waits that long at most, far below any hold time.  20 ms
 * once closed a small-segment peer's window (210 s instead of 130 s for
 * the table), but that was libevent's 4 KiB per read (read_more): 4 KiB
 * per 20 ms is slower than GoBGP sends.  Up to STREAM_READ per 20 ms
 * is 12 MB/s, and what arrives meanwhile (GoBGP: ~100 UPDATEs) is far
 * inside the window.
 */
#define STREAM_MSGS	8
#define STREAM_PAUSE_US	20000

static void
read_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct bgp_peer *p = arg;

	(void)fd;
	(void)ev;
	if (p->bev)
		bufferevent_enable(p->bev, EV_READ);
}

/*
 * libevent 2.1 reads at most 4 KiB per readable event (EVBUFFER_MAX_READ
 * in its buffer.c, whatever bufferevent_set_max_single_read says): a
 * table streamed at us was taken 4 KiB per wake-up, megabytes waited in
 * the socket (bench/rib-in: 9 MB in Recv-Q) and the peer was slowed to
 * our reads.  Take what is queued, up to STREAM_READ, in one recv.
 * Only bytes the socket holds (FIONREAD) are asked for, so an EOF or an
 * error is left for libevent's own read to report.
 */
static void
read_more(struct bufferevent *bev, struct evbuffer *in)
{
	struct evbuffer_iovec	 v;
	evutil_socket_t		 fd = bufferevent_getfd(bev);
	size_t			 have = evbuffer_get_length(in), want;
	ssize_t			 r;
	int			 queued;

	if (fd == -1 || have >= STREAM_READ ||
	    ioctl(fd, FIONREAD, &queued) == -1 || queued <= 0)
		return;
	want = (size_t)queued < STREAM_READ - have ? (size_t)queued :
	    STREAM_READ - have;
	/* A bufferevent freezes the end of its input buffer: only its
	 * own reads add there. */
	evbuffer_unfreeze(in, 0);
	if (evbuffer_reserve_space(in, (ev_ssize_t)want, &v, 1) != 1)
		fatalx_oom();
	r = recv(fd, v.iov_base, want, MSG_DONTWAIT);
	v.iov_len = r > 0 ? (size_t)r : 0;
	if (evbuffer_commit_space(in, &v, 1) == -1)
		fatalx_oom();
	evbuffer_freeze(in, 0);
}

/*
 * What a read's UPDATEs call for, once for all of them: the hold timer
 * restarted (RFC 4271 8.2.2, Event 27) and, when what peers announce
 * about our prefixes changed, last-site protection looked at again.
 * Per message, a table of 500,000 UPDATEs re-armed a timer 500,000
 * times; the messages of one read arrive in the same turn of the loop.
 */
static void
read_done(struct bgp_peer *p)
{
	int changed = p->rib_in_changed, updates = p->updates_read;

	p->rib_in_changed = p->updates_read = 0;
	if (changed)
		bgp_protect_update(p->engine);
	if (updates)
		fsm_event(p, BGP_EV_RCVD_UPDATE);
}

/*
 * Frame the stream: RFC 4271 4.1, a header gives each message's length.
 * What was read is walked in one pass over one contiguous copy and
 * drained once, not copied out, pulled up and drained per message.
 */
static void
peer_read(struct bufferevent *bev, void *arg)
{
	struct bgp_peer		*p = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct bgp_header	 hdr;
	struct bgp_error	 err;
	struct timeval		 pause = { 0, STREAM_PAUSE_US };
	size_t			 len, off = 0;
	const uint8_t		*buf;
	int			 n = 0;

	p->rib_in_changed = p->updates_read = 0;
	read_more(bev, in);
	if ((len = evbuffer_get_length(in)) < BGP_HEADER_LEN)
		return;
	if ((buf = evbuffer_pullup(in, -1)) == NULL)
		fatalx_oom();
	while (len - off >= BGP_HEADER_LEN) {
		if (bgp_msg_header_decode(buf + off, BGP_HEADER_LEN, &hdr,
		    &err) == -1) {
			bad_msg(p, &err);
			return;
		}
		if (len - off < hdr.len)
			break;
		handle(p, hdr.type, buf + off, hdr.len);
		/* The handler may have closed the session and its buffer. */
		if (p->bev != bev)
			return;
		off += hdr.len;
		n++;
	}
	evbuffer_drain(in, off);
	read_done(p);
	if (p->bev == bev && n >= STREAM_MSGS) {
		bufferevent_disable(bev, EV_READ);
		evtimer_add(p->read_timer, &pause);
	}
}

/* ---- the FSM's actions ---- */

static void
send_open(struct bgp_peer *p)
{
	struct bgp_open	 o;
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	int		 n;

	memset(&o, 0, sizeof(o));
	o.asn = p->conf->local_as;
	o.holdtime = (uint16_t)(p->conf->hold_time / 1000);
	o.bgpid = router_id(p);
	o.caps = BGP_CAP_AS4 | BGP_CAP_ROUTE_REFRESH;
	if (p->conf->families & CONF_AF_IPV4)
		o.caps |= BGP_CAP_MP_IPV4;
	if (p->conf->families & CONF_AF_IPV6)
		o.caps |= BGP_CAP_MP_IPV6;
	if ((n = bgp_msg_encode_open(buf, sizeof(buf), &o)) > 0)
		bgp_peer_send(p, buf, (size_t)n);
}

static void
send_keepalive(struct bgp_peer *p)
{
	uint8_t	buf[BGP_KEEPALIVE_LEN];
	int	n;

	if ((n = bgp_msg_encode_keepalive(buf, sizeof(buf))) > 0)
		bgp_peer_send(p, buf, (size_t)n);
}

static void
send_notify(struct bgp_peer *p, const struct bgp_fsm_out *o)
{
	uint8_t	buf[BGP_MAX_MSG_LEN];
	int	n;

	if (o->code == BGP_ERR_CEASE && o->subcode != BGP_CEASE_BFD_DOWN)
		n = bgp_msg_encode_shutdown(buf, sizeof(buf), o->subcode,
		    p->engine->stop_msg);
	else if (o->code)
		n = bgp_msg_encode_notification(buf, sizeof(buf), o->code,
		    o->subcode, NULL, 0);
	else
		n = bgp_msg_encode_error(buf, sizeof(buf), &p->pending);
	if (n > 0) {
		p->stats.notifications_out++;
		bgp_peer_send(p, buf, (size_t)n);
	}
}

/* From connect retry, doubling to a minute (or connect retry, if more). */
static uint64_t
backoff(struct bgp_peer *p)
{
	uint64_t ms = p->conf->connect_retry;
	uint64_t max = ms > RETRY_MAX_MS ? ms : RETRY_MAX_MS;
	unsigned i;

	for (i = 0; i < p->retries && ms < max; i++)
		ms *= 2;
	p->retries++;
	return ms < max ? ms : max;
}

static void
do_actions(struct bgp_peer *p, const struct bgp_fsm_out *o)
{
	unsigned a = o->actions;

	if (a & BGP_A_SEND_NOTIFY)
		send_notify(p, o);
	if (a & BGP_A_CLOSE) {
		peer_close(p);
		evtimer_del(p->hold_timer);
		evtimer_del(p->keepalive_timer);
	}
	if (a & BGP_A_DOWN) {
		bgp_out_forget(p);
		bgp_rib_in_clear(p);
		p->stats.flaps++;
	}
	if (a & BGP_A_CONNECT)
		peer_connect(p);
	if (a & BGP_A_RETRY || ((a & BGP_A_CONNECT) && p->bev == NULL))
		arm(p->retry_timer, backoff(p));
	if (a & BGP_A_SEND_OPEN)
		send_open(p);
	if (a & BGP_A_HOLD_LARGE)
		arm(p->hold_timer, HOLD_LARGE_S * 1000);
	if (a & BGP_A_SEND_KEEPALIVE)
		send_keepalive(p);
	if (a & BGP_A_HOLD) {
		if (p->hold)
			arm(p->hold_timer, (uint64_t)p->hold * 1000);
		else
			evtimer_del(p->hold_timer);
	}
	if ((a & BGP_A_KEEPALIVE) && p->hold)
		arm(p->keepalive_timer, (uint64_t)p->hold * 1000 / 3);
	if (a & BGP_A_ESTABLISHED) {
		p->established_at = util_now_ms();
		p->retries = 0;
		p->last_error[0] = '\0';
		p->proto_error[0] = '\0';
		evtimer_del(p->retry_timer);
	}
	if (a & (BGP_A_ESTABLISHED | BGP_A_DOWN))
		bgp_protect_update(p->engine);
	if (a & (BGP_A_ESTABLISHED | BGP_A_RESEND)) {
		if (a & BGP_A_RESEND)
			bgp_out_forget(p);
		bgp_out_sync(p);
	}
}

static void
fsm_event(struct bgp_peer *p, enum bgp_event ev)
{
	struct bgp_fsm_out o = bgp_fsm(p->state, ev, p->conf->passive);

	log_debug("bgp %s: %s in %s", p->conf->name, bgp_event_name(ev),
	    bgp_state_name(p->state));
	if (o.state != p->state) {
		log_info("bgp %s: %s -> %s (%s)", p->conf->name,
		    bgp_state_name(p->state), bgp_state_name(o.state),
		    bgp_event_name(ev));
		p->state = o.state;
		p->state_at = util_now_ms();
	}
	do_actions(p, &o);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fsm_event(arg, BGP_EV_RETRY_TIMER);
}

static void
hold_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_peer *p = arg;

	(void)fd;
	(void)what;
	snprintf(p->last_error, sizeof(p->last_error), "hold timer expired "
	    "(%us without a message)", p->state == BGP_ST_OPENSENT ?
	    HOLD_LARGE_S : p->hold);
	log_warn("bgp %s: %s", p->conf->name, p->last_error);
	fsm_event(p, BGP_EV_HOLD_TIMER);
}

static void
keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fsm_event(arg, BGP_EV_KEEPALIVE_TIMER);
}

/* ---- BFD ---- */

static void
bfd_changed(void *arg, int up)
{
	struct bgp_peer			*p = arg;
	const struct bfd_session	*s = bfd_watch_session(p->bfd);

	if (up) {
		p->bfd_was_up = 1;
		if (strncmp(p->last_error, BFD_WAITING,
		    sizeof(BFD_WAITING) - 1) == 0)
			p->last_error[0] = '\0';
		/* Connect now rather than when the backoff says. */
		if ((p->state == BGP_ST_ACTIVE || p->state == BGP_ST_CONNECT) &&
		    !p->conf->passive && p->bev == NULL) {
			p->retries = 0;
			evtimer_del(p->retry_timer);
			fsm_event(p, BGP_EV_RETRY_TIMER);
		}
		return;
	}
	p->stats.bfd_downs++;
	if (p->state == BGP_ST_IDLE)
		return;
	snprintf(p->last_error, sizeof(p->last_error), "BFD down (%s)%s",
	    bfd_diag_name(s->last_down_diag), p->state >= BGP_ST_OPENSENT ?
	    ": sent NOTIFICATION Cease/BFD Down" : "");
	log_warn("bgp %s: %s", p->conf->name, p->last_error);
	fsm_event(p, BGP_EV_BFD_DOWN);
}

/* ---- peers and the engine ---- */

static struct bgp_peer *
peer_new(struct bgp_engine *e, const struct bgp_conf *c)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));

	p->engine = e;
	p->conf = c;
	p->state = BGP_ST_IDLE;
	p->state_at = util_now_ms();
	p->upd = xmalloc(sizeof(*p->upd));
	p->retry_timer = evtimer_new(e->base, retry_cb, p);
	p->hold_timer = evtimer_new(e->base, hold_cb, p);
	p->keepalive_timer = evtimer_new(e->base, keepalive_cb, p);
	p->read_timer = evtimer_new(e->base, read_resume, p);
	if (!p->retry_timer || !p->hold_timer || !p->keepalive_timer ||
	    !p->read_timer)
		fatalx_oom();
	if (c->bfd.enabled)
		p->bfd = bfd_watch(e->base, &c->neighbor, &c->source, &c->bfd,
		    bfd_changed, p);
	return p;
}

/* Stop the session with a Cease carrying MSG, and free the peer. */
static void
peer_free(struct bgp_peer *p, const char *msg)
{
	p->engine->stop_msg = msg;
	fsm_event(p, BGP_EV_STOP);
	bfd_unwatch(p->bfd);
	bgp_out_forget(p);
	bgp_rib_in_clear(p);
	event_free(p->retry_timer);
	event_free(p->hold_timer);
	event_free(p->keepalive_timer);
	event_free(p->read_timer);
	free(p->upd);
	free(p);
}

void
bgp_init(struct bgp_engine *e, struct event_base *base, struct hc_engine *hc)
{
	memset(e, 0, sizeof(*e));
	e->base = base;
	e->hc = hc;
}

/* The running peer for C, if its session can stay as it is. */
static struct bgp_peer *
take_peer(struct bgp_peer **list, const struct bgp_conf *c,
    const struct conf *old, const struct conf *conf)
{
	struct bgp_peer **pp, *p;

	for (pp = list; (p = *pp) != NULL; pp = &p->next)
		if (strcmp(p->conf->name, c->name) == 0 &&
		    conf_bgp_equal(p->conf, c) && (c->router_id.family ||
		    util_addr_eq(&old->router_id, &conf->router_id))) {
			*pp = p->next;
			p->next = NULL;
			return p;
		}
	return NULL;
}

void
bgp_configure(struct bgp_engine *e, const struct conf *conf)
{
	const struct bgp_conf	*c;
	const struct conf	*old_conf = e->conf;
	struct bgp_peer		*old = e->peers, *list = NULL, **tail = &list;
	struct bgp_peer		*p, *next;

	/* Peers stopped below still send their Cease with the old id. */
	for (c = conf->peers; c; c = c->next) {
		if (old_conf && (p = take_peer(&old, c, old_conf, conf)) != NULL)
			p->conf = c;
		else
			p = peer_new(e, c);
		*tail = p;
		tail = &p->next;
	}
	/* The engine's list first: stopping an old peer looks at the
	 * others (bgp_protect_update), never at one freed before it. */
	e->peers = list;
	for (p = old; p; p = next) {
		next = p->next;
		log_info("bgp %s: removed or changed by reload", p->conf->name);
		peer_free(p, "anycastd: configuration changed");
	}
	e->conf = conf;
	bgp_rib_in_configure(e);
	for (p = e->peers; p; p = p->next)
		if (p->state == BGP_ST_IDLE)
			fsm_event(p, BGP_EV_START);
	bgp_listen_configure(e);
	bgp_protect_update(e);
	bgp_sync_all(e);
}

void
bgp_sync_all(struct bgp_engine *e)
{
	struct bgp_peer *p;

	for (p = e->peers; p; p = p->next)
		if (p->state == BGP_ST_ESTABLISHED)
			bgp_out_sync(p);
}

void
bgp_shutdown(struct bgp_engine *e, const char *msg)
{
	struct bgp_peer *p, *next;

	/* Unlinked first: stopping one session looks at the others
	 * (bgp_protect_update), which must not see a freed one. */
	for (p = e->peers; p; p = next) {
		next = p->next;
		e->peers = next;
		peer_free(p, msg);
	}
	bgp_listen_configure(e);
	bgp_rib_in_shutdown(e);
}
