/* SPDX-License-Identifier: ISC */
/*
 * watch listener udp|tcp [ADDR] [port N]: the server's listening socket,
 * seen through sock_diag (SOCK_DIAG_BY_FAMILY with inet_diag): a TCP
 * socket in LISTEN, or an unconnected UDP socket, bound to ADDR (or to
 * the wildcard of its family, or to :: without IPV6_V6ONLY for an IPv4
 * ADDR) on the port.  None left is a failure: the server closed its port
 * without exiting, or exited.
 *
 * Event-driven where the kernel allows: one netlink socket joins the
 * sock_diag destroy groups (SKNLGRP_INET*_DESTROY, CAP_NET_ADMIN), which
 * tell each TCP or UDP socket destroyed in our network namespace; one on
 * a watched port makes that watch look again at once.  Many sockets may
 * share a port (SO_REUSEPORT, one per server thread, and every TCP
 * connection of the server), so a look is a dump, at most one per watch
 * every LOOK_GAP_MS.  A dump every check interval covers a kernel
 * without the groups.  Sockets are those of anycastd's own network
 * namespace: the watch is for a server on the same host.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "hc.h"
#include "watch.h"

static const struct timeval tv_now = { 0, 0 };

#define LOOK_GAP_MS	5
#define TCP_LISTEN_ST	10	/* include/net/tcp_states.h */
#define TCP_CLOSE_ST	7

struct wlisten {
	struct wlisten	*next;		/* all listener watches */
	struct watch	*w;
	struct event	*look;
	uint64_t	 last_look;	/* ms, monotonic */
	int		 look_due;	/* a look is scheduled */
};

static struct {
	struct mnl_socket *dump;	/* requests */
	struct mnl_socket *mon;		/* destroy events; NULL: none */
	struct event	*ev;
	struct wlisten	*list;
	int		 tried;
} sd;

struct scan {
	const struct addr	*addr;
	uint16_t		 port;
	int			 family;	/* of the dump */
	unsigned		 found;
};

/*
 * Whether a socket from a dump (its family, local address bytes, port
 * in host order, and IPV6_V6ONLY) serves ADDR port PORT.
 */
int
watch_listener_serves(int family, const void *src, uint16_t sport,
    int v6only, const struct addr *a, uint16_t port)
{
	static const uint8_t zero[16];

	if (sport != port)
		return 0;
	if (family == AF_INET) {
		if (a->family != AF_INET)
			return 0;
		return memcmp(src, zero, 4) == 0 ||
		    memcmp(src, &a->u.v4, 4) == 0;
	}
	if (family != AF_INET6)
		return 0;
	if (a->family == AF_INET6)
		return memcmp(src, zero, 16) == 0 ||
		    memcmp(src, &a->u.v6, 16) == 0;
	/* IPv4 on an IPv6 socket: the dual-stack wildcard, or mapped. */
	if (memcmp(src, zero, 16) == 0)
		return !v6only;
	return !v6only && memcmp(src, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) ==
	    0 && memcmp((const uint8_t *)src + 12, &a->u.v4, 4) == 0;
}

static int
attr_cb(const struct nlattr *attr, void *data)
{
	int *v6only = data;

	if (mnl_attr_get_type(attr) == INET_DIAG_SKV6ONLY &&
	    mnl_attr_get_payload_len(attr) >= 1)
		*v6only = *(const uint8_t *)mnl_attr_get_payload(attr);
	return MNL_CB_OK;
}

static int
dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct scan			*s = arg;
	const struct inet_diag_msg	*m = mnl_nlmsg_get_payload(nlh);
	int				 v6only = 0;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*m), attr_cb, &v6only);
	if (watch_listener_serves(m->idiag_family, m->id.idiag_src,
	    ntohs(m->id.idiag_sport), v6only, s->addr, s->port))
		s->found++;
	return MNL_CB_OK;
}

/* One family's dump; -1 with errno on failure. */
static int
dump(int family, int proto, struct scan *s)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2	*req;
	unsigned		 seq = (unsigned)time(NULL);
	ssize_t			 len;
	int			 ret;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)proto;
	req->idiag_states = 1u << (proto == IPPROTO_TCP ? TCP_LISTEN_ST :
	    TCP_CLOSE_ST);
	s->family = family;
	if (mnl_socket_sendto(sd.dump, nlh, nlh->nlmsg_len) == -1)
		return -1;
	while ((len = mnl_socket_recvfrom(sd.dump, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)len, seq,
		    mnl_socket_get_portid(sd.dump), dump_cb, s);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR)
			return -1;
	}
	return -1;
}

static void
look(struct wlisten *wl)
{
	struct watch	*w = wl->w;
	struct scan	 s = { watch_target(w), watch_port(w), 0, 0 };
	const char	*proto = w->conf->proto == IPPROTO_TCP ? "tcp" : "udp";
	char		 a[64];

	wl->last_look = util_now_ms();
	util_fmt_addr(s.addr, a, sizeof(a));
	if (s.addr->family == 0) {
		watch_set(w, 1, "no address to watch");
		return;
	}
	if (sd.dump == NULL || dump(s.addr->family, w->conf->proto, &s) == -1 ||
	    (s.addr->family == AF_INET &&
	    dump(AF_INET6, w->conf->proto, &s) == -1)) {
		/* Not the server's fault: say so, keep the verdict. */
		log_warn("watch listener %s %s port %u: sock_diag", proto, a,
		    s.port);
		return;
	}
	if (s.found == 0)
		watch_set(w, 1, "no %s socket %s on %s port %u", proto,
		    w->conf->proto == IPPROTO_TCP ? "listening" : "bound", a,
		    s.port);
	else
		watch_set(w, 0, "%u %s socket%s on %s port %u", s.found, proto,
		    s.found == 1 ? "" : "s", a, s.port);
}

static void
look_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wlisten	*wl = arg;
	struct timeval	 tv;

	(void)fd;
	(void)ev;
	wl->look_due = 0;
	look(wl);
	tv = hc_tv(wl->w->ck->conf->interval);
	evtimer_add(wl->look, &tv);
}

/* Look soon: at once, or when LOOK_GAP_MS since the last look is over. */
static void
look_soon(struct wlisten *wl)
{
	uint64_t	now = util_now_ms();
	struct timeval	tv = { 0, 0 };

	if (wl->look_due)
		return;
	if (now - wl->last_look < LOOK_GAP_MS)
		tv = hc_tv(LOOK_GAP_MS - (now - wl->last_look));
	wl->look_due = 1;
	evtimer_add(wl->look, &tv);
}

static int
destroy_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct inet_diag_msg	*m = mnl_nlmsg_get_payload(nlh);
	struct wlisten			*wl;

	(void)arg;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	for (wl = sd.list; wl; wl = wl->next)
		if (ntohs(m->id.idiag_sport) == watch_port(wl->w))
			look_soon(wl);
	return MNL_CB_OK;
}

static void
mon_cb(evutil_socket_t fd, short ev, void *arg)
{
	char	buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t	len;

	(void)fd;
	(void)ev;
	(void)arg;
	while ((len = mnl_socket_recvfrom(sd.mon, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)len, 0, 0, destroy_cb, NULL);
	if (len == -1 && errno == ENOBUFS) {
		struct wlisten *wl;

		for (wl = sd.list; wl; wl = wl->next)
			look_soon(wl);
	}
}

static void
mon_open(struct event_base *base)
{
	static const int groups[] = { SKNLGRP_INET_TCP_DESTROY,
	    SKNLGRP_INET_UDP_DESTROY, SKNLGRP_INET6_TCP_DESTROY,
	    SKNLGRP_INET6_UDP_DESTROY };
	size_t	i;
	int	fd;

	if ((sd.mon = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC |
	    SOCK_NONBLOCK)) == NULL ||
	    mnl_socket_bind(sd.mon, 0, MNL_SOCKET_AUTOPID) == -1)
		goto fail;
	for (i = 0; i < nitems(groups); i++)
		if (mnl_socket_setsockopt(sd.mon, NETLINK_ADD_MEMBERSHIP,
		    (void *)&groups[i], sizeof(groups[i])) == -1)
			goto fail;
	fd = mnl_socket_get_fd(sd.mon);
	if ((sd.ev = event_new(base, fd, EV_READ | EV_PERSIST, mon_cb, NULL))
	    == NULL)
		fatalx_oom();
	event_add(sd.ev, NULL);
	return;
fail:
	log_warn("watch listener: no socket destroy events from sock_diag; "
	    "listeners are looked at every check interval only");
	if (sd.mon)
		mnl_socket_close(sd.mon);
	sd.mon = NULL;
}

static void
listener_start(struct watch *w)
{
	struct wlisten *wl = xcalloc(1, sizeof(*wl));

	wl->w = w;
	w->impl = wl;
	if (sd.list == NULL) {
		if ((sd.dump = mnl_socket_open2(NETLINK_SOCK_DIAG,
		    SOCK_CLOEXEC)) == NULL ||
		    mnl_socket_bind(sd.dump, 0, MNL_SOCKET_AUTOPID) == -1) {
			log_warn("watch listener: sock_diag socket");
			if (sd.dump)
				mnl_socket_close(sd.dump);
			sd.dump = NULL;
		}
		if (!sd.tried)
			mon_open(w->base);
		sd.tried = 1;
	}
	wl->next = sd.list;
	sd.list = wl;
	if ((wl->look = evtimer_new(w->base, look_cb, wl)) == NULL)
		fatalx_oom();
	wl->look_due = 1;
	evtimer_add(wl->look, &tv_now);
}

static void
listener_stop(struct watch *w)
{
	struct wlisten *wl = w->impl, **pp;

	for (pp = &sd.list; *pp; pp = &(*pp)->next)
		if (*pp == wl) {
			*pp = wl->next;
			break;
		}
	event_free(wl->look);
	free(wl);
	if (sd.list != NULL)
		return;
	if (sd.ev)
		event_free(sd.ev);
	if (sd.mon)
		mnl_socket_close(sd.mon);
	if (sd.dump)
		mnl_socket_close(sd.dump);
	memset(&sd, 0, sizeof(sd));
}

const struct watch_ops watch_listener_ops = {
	.start = listener_start,
	.stop = listener_stop,
};
