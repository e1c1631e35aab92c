/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_SOCK_H
#define ANYCASTD_CHECK_SOCK_H

#include <event2/event.h>

#include "check/hc_result.h"
#include "sys/util.h"

/*
 * A fresh non-blocking socket connected (or connecting) to TARGET:PORT,
 * bound to SOURCE when it is set.  Returns the fd, or -1 with RES filled.
 */
int	check_sock_open(int type, const struct addr *target, uint16_t port,
	    const struct addr *source, struct hc_result *res);
/*
 * A TCP connect as the probes make it: check_sock_open(SOCK_STREAM, ...)
 * and an event on BASE that runs CB once, when the connect has ended
 * (check_sock_connected says how) or, when TV is set, at the timeout.
 * Returns the event, whose fd (event_get_fd) the caller closes after
 * freeing it; NULL with RES filled.
 */
struct event	*check_sock_connect(struct event_base *base,
		    const struct addr *target, uint16_t port,
		    const struct addr *source, const struct timeval *tv,
		    event_callback_fn cb, void *arg, struct hc_result *res);
/* 0 when the connect on FD succeeded, else -1 with RES filled. */
int	check_sock_connected(int fd, const char *what, struct hc_result *res);
/* Fill RES for a socket error: refused, unreachable, ... */
void	check_sock_error(int err, const char *what, struct hc_result *res);

#endif
