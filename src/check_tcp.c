/* SPDX-License-Identifier: ISC */
/*
 * The tcp check: a connection to address:port established within the
 * timeout passes.  The connection is closed at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_sock.h"
#include "conf_int.h"
#include "hc.h"

struct tcp_probe {
	int		 fd;
	struct event	*ev;
};

static void
tcp_close(struct hc_check *ck)
{
	struct tcp_probe *p = ck->probe;

	event_free(p->ev);
	close(p->fd);
	free(p);
	ck->probe = NULL;
}

static void
tcp_event(evutil_socket_t fd, short what, void *arg)
{
	struct hc_check		*ck = arg;
	struct hc_result	 res;
	socklen_t		 len = sizeof(int);
	int			 err = 0;
	char			 d[32];

	memset(&res, 0, sizeof(res));
	if (what & EV_TIMEOUT) {
		res.status = HC_FAIL;
		res.reason = HC_R_TIMEOUT;
		util_fmt_duration(ck->conf->timeout, d, sizeof(d));
		snprintf(res.detail, sizeof(res.detail), "connect: timeout "
		    "after %s", d);
	} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0)
		check_sock_error(err ? err : errno, "connect", &res);
	else {
		res.status = HC_OK;
		res.rtt_us = hc_elapsed_us(ck);
		snprintf(res.detail, sizeof(res.detail), "connected");
	}
	tcp_close(ck);
	hc_report(ck, &res);
}

static void
tcp_start(struct hc_check *ck)
{
	const struct tcp_check_conf	*c = &ck->conf->u.tcp;
	struct tcp_probe		*p;
	struct hc_result		 res;
	struct timeval			 tv = util_tv(ck->conf->timeout);
	int				 fd;

	memset(&res, 0, sizeof(res));
	if ((fd = check_sock_open(SOCK_STREAM, &ck->target, c->port,
	    &c->source, &res)) == -1) {
		hc_report(ck, &res);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->fd = fd;
	p->ev = event_new(ck->svc->engine->base, fd, EV_WRITE, tcp_event, ck);
	if (p->ev == NULL)
		fatalx_oom();
	ck->probe = p;
	event_add(p->ev, &tv);
}

static void
tcp_cancel(struct hc_check *ck)
{
	if (ck->probe)
		tcp_close(ck);
}

/* ---- the descriptor (check_desc.h) ---- */

static const struct hc_ops tcp_ops = {
	.start = tcp_start,
	.cancel = tcp_cancel,
};

static void
tcp_init(struct check_conf *ck)
{
	ck->u.tcp.port = 53;
}

static void
tcp_net(struct check_conf *ck, struct check_net *n)
{
	n->server = &ck->u.tcp.server;
	n->port = &ck->u.tcp.port;
	n->source = &ck->u.tcp.source;
}

const struct check_desc check_desc_tcp = {
	.name = "tcp",
	.flags = CT_BLOCK,
	.interval = CONF_DEFAULT_INTERVAL,
	.timeout = CONF_DEFAULT_TIMEOUT,
	.rise = CONF_DEFAULT_RISE,
	.fall = CONF_DEFAULT_FALL,
	.init = tcp_init,
	.net = tcp_net,
	.ops = &tcp_ops,
};
