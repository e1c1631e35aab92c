/* SPDX-License-Identifier: ISC */
/*
 * The tcp check: a connection to address:port established within the
 * timeout passes.  The connection is closed at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check_sock.h"
#include "conf/conf_int.h"
#include "check/hc.h"

/* The probe is the connect's event (check_sock.h); its fd is the socket. */
static void
tcp_close(struct hc_check *ck)
{
	int fd = event_get_fd(ck->probe);

	event_free(ck->probe);
	close(fd);
	ck->probe = NULL;
}

static void
tcp_event(evutil_socket_t fd, short what, void *arg)
{
	struct hc_check		*ck = arg;
	struct hc_result	 res;
	char			 d[32];

	memset(&res, 0, sizeof(res));
	if (what & EV_TIMEOUT) {
		util_fmt_duration(ck->conf->timeout, d, sizeof(d));
		hc_result_set(&res, HC_FAIL, HC_R_TIMEOUT, "connect: timeout "
		    "after %s", d);
	} else if (check_sock_connected(fd, "connect", &res) == 0) {
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
	struct hc_result		 res;
	struct timeval			 tv = util_tv(ck->conf->timeout);

	memset(&res, 0, sizeof(res));
	ck->probe = check_sock_connect(ck->svc->engine->base, &ck->target,
	    c->port, &c->source, &tv, tcp_event, ck, &res);
	if (ck->probe == NULL)
		hc_report(ck, &res);
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
