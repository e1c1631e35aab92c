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
 * a watched port makes the watches look again at once.  Many sockets
 * may share a port (SO_REUSEPORT, one per server thread, and every TCP
 * connection of the server), so a look is a dump, at most one every
 * LOOK_GAP_MS, and one dump serves every watch.  A dump every check
 * interval covers what destroys no socket (a listener shut with
 * SOCK_DESTROY) and a kernel without the groups.  Sockets are those of anycastd's own network
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
#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "check/hc.h"
#include "watch/watch.h"


#define LOOK_GAP_MS	5
#define TCP_LISTEN_ST	10	/* include/net/tcp_states.h */
#define TCP_CLOSE_ST	7

struct wlisten {
	struct wlisten	*next;		/* all listener watches */
	struct watch	*w;
};

/* One listening socket of a dump. */
struct sock_ent {
	uint8_t		 family;
	uint8_t		 v6only;
	uint16_t	 port;		/* host order */
	uint8_t		 addr[16];
};

struct snapshot {
	struct sock_ent	*v;
	size_t		 n, cap;
};

/*
 * One dump of the listening sockets serves every listener watch: the
 * cost of a look does not grow with the number of services.
 */
static struct {
	struct mnl_socket *dump;	/* requests */
	struct mnl_socket *mon;		/* destroy events; NULL: none */
	struct event	*ev;
	struct event	*scan;		/* the next look */
	struct wlisten	*list;
	uint64_t	 last_scan;	/* ms, monotonic */
	int		 scan_soon;	/* a look is due within LOOK_GAP_MS */
	struct snapshot	 snap[2];	/* udp, tcp */
} sd;

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
	struct snapshot			*snap = arg;
	const struct inet_diag_msg	*m = mnl_nlmsg_get_payload(nlh);
	struct sock_ent			*e;
	int				 v6only = 0;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*m), attr_cb, &v6only);
	if (snap->n == snap->cap) {
		snap->cap = snap->cap ? snap->cap * 2 : 64;
		snap->v = xreallocarray(snap->v, snap->cap, sizeof(*snap->v));
	}
	e = &snap->v[snap->n++];
	e->family = m->idiag_family;
	e->v6only = (uint8_t)v6only;
	e->port = ntohs(m->id.idiag_sport);
	memcpy(e->addr, m->id.idiag_src, 16);
	return MNL_CB_OK;
}

/* One family's listening sockets of PROTO into SNAP; -1 on failure. */
static int
dump(int family, int proto, struct snapshot *snap)
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
	if (mnl_socket_sendto(sd.dump, nlh, nlh->nlmsg_len) == -1)
		return -1;
	while ((len = mnl_socket_recvfrom(sd.dump, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)len, seq,
		    mnl_socket_get_portid(sd.dump), dump_cb, snap);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR)
			return -1;
	}
	return -1;
}

static int
is_tcp(const struct wlisten *wl)
{
	return wl->w->conf->proto == IPPROTO_TCP;
}

/* The watch's verdict from the last dumps. */
static void
judge(struct wlisten *wl)
{
	struct watch		*w = wl->w;
	const struct addr	*a = watch_target(w);
	const struct snapshot	*snap = &sd.snap[is_tcp(wl)];
	const char		*proto = is_tcp(wl) ? "tcp" : "udp";
	uint16_t		 port = watch_port(w);
	unsigned		 found = 0;
	size_t			 i;
	char			 buf[64];

	util_fmt_addr(a, buf, sizeof(buf));
	if (a->family == 0) {
		watch_set(w, 1, "no address to watch");
		return;
	}
	for (i = 0; i < snap->n; i++)
		found += (unsigned)watch_listener_serves(snap->v[i].family,
		    snap->v[i].addr, snap->v[i].port, snap->v[i].v6only, a,
		    port);
	if (found == 0)
		watch_set(w, 1, "no %s socket %s on %s port %u", proto,
		    is_tcp(wl) ? "listening" : "bound", buf, port);
	else
		watch_set(w, 0, "%u %s socket%s on %s port %u", found, proto,
		    found == 1 ? "" : "s", buf, port);
}

/* Dump what the watches need, then judge each; 0, or -1 on failure. */
static int
scan(void)
{
	struct wlisten	*wl;
	int		 need[2] = { 0, 0 }, p;

	for (wl = sd.list; wl; wl = wl->next)
		need[is_tcp(wl)] = 1;
	for (p = 0; p < 2; p++) {
		sd.snap[p].n = 0;
		if (need[p] && (sd.dump == NULL ||
		    dump(AF_INET, p ? IPPROTO_TCP : IPPROTO_UDP,
		    &sd.snap[p]) == -1 ||
		    dump(AF_INET6, p ? IPPROTO_TCP : IPPROTO_UDP,
		    &sd.snap[p]) == -1))
			return -1;
	}
	for (wl = sd.list; wl; wl = wl->next)
		judge(wl);
	return 0;
}

/* The shortest interval of the watches' checks: the periodic look. */
static uint64_t
period(void)
{
	const struct wlisten	*wl;
	uint64_t		 ms = UINT64_MAX;

	for (wl = sd.list; wl; wl = wl->next)
		if (wl->w->ck->conf->interval < ms)
			ms = wl->w->ck->conf->interval;
	return ms;
}

static void
scan_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval tv;

	(void)fd;
	(void)ev;
	(void)arg;
	sd.scan_soon = 0;
	sd.last_scan = util_now_ms();
	if (scan() == -1)
		/* Not the server's fault: say so, keep the verdicts. */
		log_warn("watch listener: sock_diag dump");
	if (sd.list == NULL)
		return;
	tv = util_tv(period());
	evtimer_add(sd.scan, &tv);
}

/* Look soon: at once, or when LOOK_GAP_MS since the last look is over. */
static void
scan_soon(void)
{
	uint64_t	now = util_now_ms();
	struct timeval	tv = { 0, 0 };

	if (sd.scan_soon)
		return;
	if (now - sd.last_scan < LOOK_GAP_MS)
		tv = util_tv(LOOK_GAP_MS - (now - sd.last_scan));
	sd.scan_soon = 1;
	evtimer_add(sd.scan, &tv);
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
		if (ntohs(m->id.idiag_sport) == watch_port(wl->w)) {
			scan_soon();
			break;
		}
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
	if (len == -1 && errno == ENOBUFS)
		scan_soon();	/* events lost: look */
}

/*
 * Only destroyed sockets on a watched port wake us: every socket of the
 * namespace is told (our own probes' sockets, a busy host's thousands),
 * and a socket filter drops the others in the kernel.  The port of an
 * inet_diag_msg is at byte 20 of the message: nlmsghdr (16), then
 * family, state, timer, retrans (4).
 */
#define FILTER_PORTS_MAX	32

static void
mon_filter(void)
{
	struct sock_filter	 code[FILTER_PORTS_MAX + 3];
	struct sock_fprog	 prog;
	const struct wlisten	*wl, *o;
	unsigned		 n = 0, i;
	uint16_t		 ports[FILTER_PORTS_MAX];

	if (sd.mon == NULL)
		return;
	for (wl = sd.list; wl; wl = wl->next) {
		for (o = sd.list; o != wl; o = o->next)
			if (watch_port(o->w) == watch_port(wl->w))
				break;
		if (o != wl)
			continue;
		if (n == FILTER_PORTS_MAX) {	/* every message, then */
			setsockopt(mnl_socket_get_fd(sd.mon), SOL_SOCKET,
			    SO_DETACH_FILTER, NULL, 0);
			return;
		}
		ports[n++] = watch_port(wl->w);
	}
	code[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20);
	for (i = 0; i < n; i++)
		code[1 + i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, ports[i], (uint8_t)(n - i), 0);
	code[n + 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	code[n + 2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    0xffffffff);
	prog.len = (unsigned short)(n + 3);
	prog.filter = code;
	if (setsockopt(mnl_socket_get_fd(sd.mon), SOL_SOCKET, SO_ATTACH_FILTER,
	    &prog, sizeof(prog)) == -1)
		log_warn("watch listener: socket filter; every destroyed "
		    "socket will be looked at");
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
		mon_open(w->base);
		if ((sd.scan = evtimer_new(w->base, scan_cb, NULL)) == NULL)
			fatalx_oom();
	}
	wl->next = sd.list;
	sd.list = wl;
	mon_filter();
	/* The first verdict from the event loop, as every watch. */
	scan_soon();
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
	free(wl);
	if (sd.list != NULL) {
		mon_filter();
		return;
	}
	if (sd.ev)
		event_free(sd.ev);
	if (sd.mon)
		mnl_socket_close(sd.mon);
	if (sd.dump)
		mnl_socket_close(sd.dump);
	event_free(sd.scan);
	free(sd.snap[0].v);
	free(sd.snap[1].v);
	memset(&sd, 0, sizeof(sd));
}

const struct watch_ops watch_listener_ops = {
	.start = listener_start,
	.stop = listener_stop,
};
