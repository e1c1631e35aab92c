/* SPDX-License-Identifier: ISC */
/*
 * Listening sockets for `passive` peers: one per address family and
 * port, carrying the MD5 keys of every passive peer it serves.  A
 * connection is handed to the passive peer it comes from when that peer
 * is waiting for one; any other connection is closed at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "bgp/bgp.h"

struct bgp_listener {
	struct bgp_listener	*next;
	int			 family;
	uint16_t		 port;
	struct evconnlistener	*l;
};

static int
from_addr(const struct sockaddr *sa, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		a->u.v4 = ((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		a->u.v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr;
	} else
		return -1;
	return 0;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct bgp_engine	*e = arg;
	struct bgp_peer		*p;
	struct addr		 from;
	char			 buf[64];

	(void)l;
	(void)salen;
	if (from_addr(sa, &from) == 0)
		for (p = e->peers; p; p = p->next)
			if (util_addr_eq(&p->conf->neighbor, &from) &&
			    bgp_peer_accept(p, fd) == 0)
				return;
	log_info("bgp: refused a connection from %s: no passive peer is "
	    "waiting for it", util_fmt_addr(&from, buf, sizeof(buf)));
	close(fd);
}

static struct bgp_listener *
listener_new(struct bgp_engine *e, int family, uint16_t port)
{
	struct bgp_listener	*bl;
	struct bgp_peer		*p;
	struct sockaddr_storage	 ss;
	struct addr		 any;
	socklen_t		 slen;
	int			 fd, on = 1;

	memset(&any, 0, sizeof(any));
	any.family = family;
	util_addr_to_sockaddr(&any, port, &ss, &slen);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	for (p = e->peers; p; p = p->next)
		if (p->conf->passive && p->conf->password &&
		    p->conf->neighbor.family == family &&
		    bgp_md5_set(fd, p->conf) == -1)
			goto fail;
	if (bind(fd, (struct sockaddr *)&ss, slen) == -1 || listen(fd, 8) == -1)
		goto fail;
	bl = xcalloc(1, sizeof(*bl));
	bl->family = family;
	bl->port = port;
	bl->l = evconnlistener_new(e->base, accept_cb, e,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (bl->l == NULL)
		fatalx_oom();
	return bl;
fail:
	log_error("bgp: cannot listen on %s port %u: %s",
	    family == AF_INET ? "IPv4" : "IPv6", port, strerror(errno));
	if (fd != -1)
		close(fd);
	return NULL;
}

void
bgp_listen_configure(struct bgp_engine *e)
{
	struct bgp_listener	*bl, *next;
	struct bgp_peer		*p;

	for (bl = e->listeners; bl; bl = next) {
		next = bl->next;
		evconnlistener_free(bl->l);
		free(bl);
	}
	e->listeners = NULL;
	for (p = e->peers; p; p = p->next) {
		if (!p->conf->passive)
			continue;
		for (bl = e->listeners; bl; bl = bl->next)
			if (bl->family == p->conf->neighbor.family &&
			    bl->port == p->conf->port)
				break;
		if (bl || (bl = listener_new(e, p->conf->neighbor.family,
		    p->conf->port)) == NULL)
			continue;
		bl->next = e->listeners;
		e->listeners = bl;
	}
}
