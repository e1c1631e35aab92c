/* SPDX-License-Identifier: ISC */
/*
 * The shared UDP probe sockets of the dns checks (dns_udp.h).
 *
 * Why not a fresh socket for every query, as before: at 10,000 queries a
 * second, making, registering and closing a socket each time was most
 * of anycastd's CPU (bench/findings.md).
 *
 * Why sharing keeps a spoofer out.  An answer is taken only from the
 * address and port the query went to, with the query's id and question
 * (dns_demux.h), on the socket it left from.  Each socket's source port
 * is the kernel's random pick (its first send, or its bind to port 0 on
 * a `source` address); it takes at most DNS_DEMUX_SLOTS (32) queries,
 * each with an id that no other query on it had, and takes them for at
 * most DNS_UDP_MAX_AGE_MS (1 s); then a new socket on a new random port
 * takes over, and the old one is closed when its last query is over.
 * An off-path spoofer's odds per forged datagram are those of a socket
 * per query: with K queries in flight he must hit one of K ports and
 * then the one id there, where here he hits the one port and then one of
 * K ids -- K/65,536 per port either way.  What sharing gives him is time:
 * a port he cannot see is worth guessing for at most 32 queries and a
 * second (plus a timeout), and at scale for a few milliseconds; one id is
 * never asked twice on a port, so a late answer cannot pass for a new
 * query's.
 *
 * ICMP errors.  Unconnected, a socket hears no "port unreachable"
 * unless IP_RECVERR (IPV6_RECVERR) is on: then the kernel queues each
 * ICMP error with the address it concerns and our datagram in it, which
 * names the query (dns_demux_error), so a refused query still fails at
 * once, as on a connected socket.  The same option also sets the
 * error as the socket's, which the next recv or send reports once: the
 * reader skips it, and a send tries again (dns_udp_send).
 *
 * One socket per family and `source` address is taking queries at a
 * time: a check with its own source address has its own sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/errqueue.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "dns/dns_udp.h"
#include "sys/log.h"

#define DNS_UDP_MAX_AGE_MS	1000
#define DNS_UDP_MAX_MSG		65535
#define DNS_UDP_READS		64	/* datagrams a wakeup, then the loop */
#define DNS_UDP_BATCH		8	/* datagrams a system call */

struct dns_udp_sock {
	struct dns_udp_pool	*pool;
	int			 fd;
	struct event		*ev;
	uint64_t		 born_ms;
	int			 current;	/* takes new queries */
	int			 reading;	/* in sock_read: keep it */
	struct dns_demux	 dm;
};

/* The sockets of one family and source address. */
struct dns_udp_pool {
	struct dns_udp_pool	*next;
	int			 family;
	struct addr		 source;	/* family 0: any */
	struct dns_udp_sock	*cur;
};

static struct dns_udp_pool	*pools;
/*
 * Buffers for every socket: the loop is single-threaded and each datagram
 * is judged before the next read.  Pages never written (most of each: an
 * answer is small) cost no memory.
 */
static uint8_t			 buf[DNS_UDP_BATCH][DNS_UDP_MAX_MSG];

static void	sock_read(evutil_socket_t, short, void *);

static void
sock_free_if_done(struct dns_udp_sock *s)
{
	if (s->current || s->reading || s->dm.live > 0)
		return;
	event_free(s->ev);
	close(s->fd);
	free(s);
}

static int
addr_of(const struct sockaddr_storage *ss, struct addr *a, uint16_t *port)
{
	const struct sockaddr_in	*in4 = (const void *)ss;
	const struct sockaddr_in6	*in6 = (const void *)ss;

	memset(a, 0, sizeof(*a));
	a->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		a->u.v4 = in4->sin_addr;
		*port = ntohs(in4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		a->u.v6 = in6->sin6_addr;
		*port = ntohs(in6->sin6_port);
	} else
		return -1;
	return 0;
}

static struct dns_udp_sock *
sock_open(struct event_base *base, struct dns_udp_pool *p,
    struct hc_result *err)
{
	struct dns_udp_sock	*s;
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	int			 fd, on = 1;

	fd = socket(p->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		check_sock_error(errno, "socket", err);
		return NULL;
	}
	if (p->family == AF_INET ?
	    setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)) == -1 :
	    setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)) == -1) {
		check_sock_error(errno, "setsockopt RECVERR", err);
		close(fd);
		return NULL;
	}
	/* Port 0: the kernel's random pick, as on an unbound first send. */
	if (p->source.family) {
		util_addr_to_sockaddr(&p->source, 0, &ss, &slen);
		if (bind(fd, (struct sockaddr *)&ss, slen) == -1) {
			check_sock_error(errno, "bind to source", err);
			close(fd);
			return NULL;
		}
	}
	s = xcalloc(1, sizeof(*s));
	s->pool = p;
	s->fd = fd;
	s->born_ms = util_now_ms();
	s->current = 1;
	s->ev = event_new(base, fd, EV_READ | EV_PERSIST, sock_read, s);
	if (s->ev == NULL)
		fatalx_oom();
	event_add(s->ev, NULL);
	return s;
}

static struct dns_udp_pool *
pool_of(int family, const struct addr *source)
{
	struct dns_udp_pool *p;

	for (p = pools; p != NULL; p = p->next)
		if (p->family == family && (source->family == 0 ?
		    p->source.family == 0 : util_addr_eq(&p->source, source)))
			return p;
	p = xcalloc(1, sizeof(*p));
	p->family = family;
	p->source = *source;
	p->next = pools;
	pools = p;
	return p;
}

/* The socket taking queries, a new one when the last has done its part. */
static struct dns_udp_sock *
current(struct event_base *base, int family, const struct addr *source,
    struct hc_result *err)
{
	struct dns_udp_pool	*p = pool_of(family, source);
	struct dns_udp_sock	*s = p->cur;

	if (s != NULL && (dns_demux_full(&s->dm) ||
	    util_now_ms() - s->born_ms >= DNS_UDP_MAX_AGE_MS)) {
		p->cur = NULL;
		s->current = 0;
		sock_free_if_done(s);
	}
	if (p->cur == NULL)
		p->cur = sock_open(base, p, err);
	return p->cur;
}

/* The ICMP errors queued on S (IP_RECVERR), each to its query. */
static void
read_errors(struct dns_udp_sock *s)
{
	struct sock_extended_err	 ee;
	struct dns_demux_user		*u;
	struct sockaddr_storage		 ss;
	struct msghdr			 m;
	struct iovec			 iov;
	struct cmsghdr			*c;
	struct addr			 to;
	uint8_t				 ctl[256];
	uint16_t			 port;
	ssize_t				 n;
	int				 i, found;

	for (i = 0; i < DNS_UDP_READS; i++) {
		memset(&m, 0, sizeof(m));
		iov.iov_base = buf[0];
		iov.iov_len = sizeof(buf[0]);
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		if ((n = recvmsg(s->fd, &m, MSG_ERRQUEUE)) == -1)
			return;
		found = 0;
		for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
			if ((c->cmsg_level == SOL_IP &&
			    c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == SOL_IPV6 &&
			    c->cmsg_type == IPV6_RECVERR)) {
				memcpy(&ee, CMSG_DATA(c), sizeof(ee));
				found = 1;
			}
		if (!found || (ee.ee_origin != SO_EE_ORIGIN_ICMP &&
		    ee.ee_origin != SO_EE_ORIGIN_ICMP6) ||
		    addr_of(&ss, &to, &port) == -1)
			continue;
		u = dns_demux_error(&s->dm, &to, port, buf[0], (size_t)n);
		if (u != NULL)
			((struct dns_udp_user *)u)->error(
			    (struct dns_udp_user *)u, (int)ee.ee_errno);
	}
}

static void
deliver(struct dns_udp_sock *s, const struct sockaddr_storage *ss,
    const uint8_t *msg, size_t len)
{
	struct dns_demux_user	*u;
	struct dns_udp_user	*uu;
	enum dns_wire_class	 class;
	struct dns_msg		 read;
	struct addr		 from;
	uint16_t		 port;
	char			 who[64];

	if (addr_of(ss, &from, &port) == -1)
		return;
	u = dns_demux_match(&s->dm, &from, port, msg, len, &class, &read);
	if (u == NULL) {
		log_debug("dns udp: ignored a datagram from %s port %u: not an "
		    "answer to a query in flight", util_fmt_addr(&from, who,
		    sizeof(who)), port);
		return;
	}
	uu = (struct dns_udp_user *)u;
	uu->answer(uu, msg, len, class, &read);
}

/*
 * What arrived, DNS_UDP_BATCH datagrams a recvmmsg(2): answers that came
 * together are read in one call, and fewer than asked means the queue
 * is empty, without a last call to hear EAGAIN.
 */
static void
sock_read(evutil_socket_t fd, short what, void *arg)
{
	struct dns_udp_sock	*s = arg;
	struct sockaddr_storage	 ss[DNS_UDP_BATCH];
	struct mmsghdr		 mm[DNS_UDP_BATCH];
	struct iovec		 iov[DNS_UDP_BATCH];
	int			 i, k, n, again;

	(void)what;
	s->reading = 1;
	for (i = 0; i < DNS_UDP_READS; i += n) {
		memset(mm, 0, sizeof(mm));
		for (k = 0; k < DNS_UDP_BATCH; k++) {
			iov[k].iov_base = buf[k];
			iov[k].iov_len = sizeof(buf[k]);
			mm[k].msg_hdr.msg_name = &ss[k];
			mm[k].msg_hdr.msg_namelen = sizeof(ss[k]);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, DNS_UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			/*
			 * The socket's error, reported once, or woken with
			 * nothing to read: ICMP errors are queued (poll says
			 * EPOLLERR while they are, which libevent calls
			 * readable), each saying whose.  Not looked for on
			 * every wakeup: a system call.
			 */
			again = errno == EAGAIN || errno == EWOULDBLOCK;
			if (!again || i == 0)
				read_errors(s);
			if (again)
				break;
			n = 1;
			continue;
		}
		for (k = 0; k < n; k++)
			deliver(s, &ss[k], buf[k], mm[k].msg_len);
		if (n < DNS_UDP_BATCH)
			break;
	}
	s->reading = 0;
	sock_free_if_done(s);
}

int
dns_udp_send(struct event_base *base, const struct addr *source,
    struct dns_udp_user *u, uint8_t *wire, size_t len, struct hc_result *err)
{
	struct dns_udp_sock	*s;
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	int			 id, tries;

	if ((s = current(base, u->d.server.family, source, err)) == NULL)
		return -1;
	u->d.q->id = (uint16_t)(wire[0] << 8 | wire[1]);
	if ((id = dns_demux_add(&s->dm, &u->d)) == -1) {
		/* Not so: current() replaces a full socket. */
		hc_result_set(err, HC_FAIL, HC_R_SOCKET, "udp: socket full");
		return -1;
	}
	wire[0] = (uint8_t)(id >> 8);
	wire[1] = (uint8_t)id;
	u->sock = s;
	util_addr_to_sockaddr(&u->d.server, u->d.port, &ss, &slen);
	/* A first failure may be another query's ICMP error (above). */
	for (tries = 0; tries < 2; tries++)
		if (sendto(s->fd, wire, len, 0, (struct sockaddr *)&ss,
		    slen) != -1)
			return 0;
	check_sock_error(errno, "udp send", err);
	dns_udp_forget(u);
	return -1;
}

void
dns_udp_forget(struct dns_udp_user *u)
{
	struct dns_udp_sock *s = u->sock;

	if (s == NULL)
		return;
	u->sock = NULL;
	dns_demux_end(&s->dm, &u->d);
	sock_free_if_done(s);
}
