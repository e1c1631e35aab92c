/* SPDX-License-Identifier: ISC */
/*
 * Sockets for the network checks: TCP probes, and a dns check's zone
 * list.  Each gets a fresh socket, so the kernel picks a new random
 * source port each time, and a connected one, so the kernel drops
 * datagrams from any other source and reports ICMP port unreachable as
 * ECONNREFUSED.  A dns check's UDP queries share sockets (dns_udp.c).
 * The probes that connect over TCP (the tcp and dot checks, a
 * tcp-session watch) wait for it alike: check_sock_connect().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "sys/log.h"

void
check_sock_error(int err, const char *what, struct hc_result *res)
{
	res->status = HC_FAIL;
	switch (err) {
	case ECONNREFUSED:
		res->reason = HC_R_REFUSED;
		break;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case ECONNRESET:
	case EPIPE:
		res->reason = HC_R_UNREACH;
		break;
	default:
		res->reason = HC_R_SOCKET;
		break;
	}
	snprintf(res->detail, sizeof(res->detail), "%s: %s", what,
	    strerror(err));
}

int
check_sock_open(int type, const struct addr *target, uint16_t port,
    const struct addr *source, struct hc_result *res)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	int			 fd;

	fd = socket(target->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		check_sock_error(errno, "socket", res);
		return -1;
	}
	if (source->family) {
		util_addr_to_sockaddr(source, 0, &ss, &slen);
		if (bind(fd, (struct sockaddr *)&ss, slen) == -1) {
			check_sock_error(errno, "bind to source", res);
			close(fd);
			return -1;
		}
	}
	util_addr_to_sockaddr(target, port, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) == -1 &&
	    errno != EINPROGRESS) {
		check_sock_error(errno, "connect", res);
		close(fd);
		return -1;
	}
	return fd;
}

struct event *
check_sock_connect(struct event_base *base, const struct addr *target,
    uint16_t port, const struct addr *source, const struct timeval *tv,
    event_callback_fn cb, void *arg, struct hc_result *res)
{
	struct event	*ev;
	int		 fd;

	if ((fd = check_sock_open(SOCK_STREAM, target, port, source, res)) ==
	    -1)
		return NULL;
	if ((ev = event_new(base, fd, EV_WRITE, cb, arg)) == NULL)
		fatalx_oom();
	event_add(ev, tv);
	return ev;
}

int
check_sock_connected(int fd, const char *what, struct hc_result *res)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
		return 0;
	check_sock_error(err ? err : errno, what, res);
	return -1;
}
