/* SPDX-License-Identifier: ISC */
/*
 * The metrics endpoint: libevent's evhttp on the `metrics` address,
 * answering GET (and HEAD) /metrics with the exposition of
 * metrics_text.c.  It only reads: nothing a scraper sends can change the
 * daemon.  Requests are small and short-lived (headers capped, no body,
 * a 10 s timeout), so a stuck or hostile client costs one socket.
 *
 * On reload a changed address is bound before the old one is closed; if
 * the new one cannot be bound, the old one goes on serving.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/listener.h>

#include "control/metrics.h"

#define METRICS_TIMEOUT		10	/* seconds, per request */
#define METRICS_MAX_HEADERS	8192
#define METRICS_PATH		"/metrics"
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics {
	struct event_base	*base;
	struct ctl_daemon	*daemon;
	struct evhttp		*http;		/* NULL: not listening */
	struct addr		 addr;
	uint16_t		 port;
	struct metrics_count	*changes;
};

static void
reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, body);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct metrics		*m = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	struct evbuffer		*body;

	if (path == NULL || (strcmp(path, METRICS_PATH) != 0 &&
	    strcmp(path, "/") != 0)) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	if ((body = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (strcmp(path, "/") == 0) {
		evbuffer_add_printf(body, "anycastd %s: metrics at %s\n",
		    ANYCASTD_VERSION, METRICS_PATH);
		reply(req, HTTP_OK, "OK", "text/plain; charset=utf-8", body);
	} else {
		metrics_render(body, m->daemon, m->changes, util_now_ms());
		reply(req, HTTP_OK, "OK", METRICS_CONTENT_TYPE, body);
	}
	evbuffer_free(body);
}

static struct evhttp *
http_listen(struct metrics *m, const struct addr *a, uint16_t port,
    char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	struct evconnlistener	*l;
	struct evhttp		*http;
	char			 buf[64];

	util_addr_to_sockaddr(a, port, &ss, &slen);
	l = evconnlistener_new_bind(m->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&ss, (int)slen);
	if (l == NULL) {
		snprintf(err, errlen, "metrics: cannot listen on %s port %u: "
		    "%s", util_fmt_addr(a, buf, sizeof(buf)), port,
		    strerror(errno));
		return NULL;
	}
	if ((http = evhttp_new(m->base)) == NULL ||
	    evhttp_bind_listener(http, l) == NULL)
		fatalx_oom();
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(http, METRICS_TIMEOUT);
	evhttp_set_max_headers_size(http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_gencb(http, handle, m);
	return http;
}

struct metrics *
metrics_new(struct event_base *base, struct ctl_daemon *d)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->base = base;
	m->daemon = d;
	return m;
}

/* Forget the counts of services the new config no longer has. */
static void
prune_changes(struct metrics *m, const struct conf *c)
{
	struct metrics_count		**cp, *x;
	const struct service_conf	*s;

	for (cp = &m->changes; (x = *cp) != NULL; ) {
		for (s = c->services; s; s = s->next)
			if (strcmp(s->name, x->name) == 0)
				break;
		if (s) {
			cp = &x->next;
			continue;
		}
		*cp = x->next;
		free(x);
	}
}

int
metrics_configure(struct metrics *m, const struct conf *c, char *err,
    size_t errlen)
{
	struct evhttp	*http;
	char		 buf[64];

	prune_changes(m, c);
	if (m->http && c->have_metrics && m->port == c->metrics_port &&
	    util_addr_eq(&m->addr, &c->metrics_addr))
		return 0;
	if (!c->have_metrics) {
		if (m->http) {
			log_info("metrics: no longer listening");
			evhttp_free(m->http);
		}
		m->http = NULL;
		return 0;
	}
	if ((http = http_listen(m, &c->metrics_addr, c->metrics_port, err,
	    errlen)) == NULL)
		return -1;
	if (m->http)
		evhttp_free(m->http);
	m->http = http;
	m->addr = c->metrics_addr;
	m->port = c->metrics_port;
	log_info("metrics: listening on %s port %u",
	    util_fmt_addr(&m->addr, buf, sizeof(buf)), m->port);
	return 0;
}

void
metrics_service_changed(struct metrics *m, const char *service)
{
	struct metrics_count *x;

	if (m == NULL)
		return;
	for (x = m->changes; x; x = x->next)
		if (strcmp(x->name, service) == 0)
			break;
	if (x == NULL) {
		x = xcalloc(1, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", service);
		x->next = m->changes;
		m->changes = x;
	}
	x->n++;
}

void
metrics_free(struct metrics *m)
{
	struct metrics_count *x, *next;

	if (m == NULL)
		return;
	if (m->http)
		evhttp_free(m->http);
	for (x = m->changes; x; x = next) {
		next = x->next;
		free(x);
	}
	free(m);
}
