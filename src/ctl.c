/* SPDX-License-Identifier: ISC */
/*
 * The control socket server.  A request is one line of JSON; it is
 * checked (version, command, arguments) before anything is done, and
 * answered with one line.  Commands that change a service only set the
 * operator's flags and re-run its state machine: the outputs follow from
 * the state as they always do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "bgp.h"
#include "ctl.h"
#include "history.h"
#include "kout.h"

#define CTL_VERSION	1
#define CTL_MAX_LINE	(64 * 1024)

struct ctl_client {
	struct ctl_client	*next;
	struct ctl		*ctl;
	struct bufferevent	*bev;
};

struct ctl {
	struct evconnlistener	*listener;
	struct ctl_daemon	*daemon;
	char			*path;
	struct ctl_client	*clients;
};

static void
client_free(struct ctl_client *c)
{
	struct ctl_client **cp;

	for (cp = &c->ctl->clients; *cp != c; cp = &(*cp)->next)
		;
	*cp = c->next;
	bufferevent_free(c->bev);
	free(c);
}

static json_object *
reply_error(const char *fmt, const char *arg)
{
	json_object	*o = json_object_new_object();
	char		 msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static const char *
get_string(json_object *req, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* drain, undrain, disable, enable. */
static json_object *
service_command(struct ctl_daemon *d, const char *cmd, json_object *req)
{
	struct hc_service	*svc;
	const char		*name = get_string(req, "service");
	json_object		*o, *v;
	int64_t			 for_ms = 0;

	if (name == NULL)
		return reply_error("%s needs a \"service\" string", cmd);
	if ((svc = hc_service_find(d->hc, name)) == NULL)
		return reply_error("no such service: %s", name);
	if (json_object_object_get_ex(req, "for_ms", &v)) {
		if (!json_object_is_type(v, json_type_int) ||
		    (for_ms = json_object_get_int64(v)) <= 0)
			return reply_error("%s", "for_ms must be a positive "
			    "integer");
	}
	if (strcmp(cmd, "drain") == 0) {
		svc->st.drain = 1;
		svc->st.drain_until = for_ms ? util_now_ms() + (uint64_t)for_ms
		    : 0;
	} else if (strcmp(cmd, "undrain") == 0)
		svc->st.drain = 0;
	else if (strcmp(cmd, "disable") == 0)
		svc->st.disabled = 1;
	else
		svc->st.disabled = 0;
	log_info("service %s: %s by operator", name, cmd);
	hc_service_eval(svc);
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "service", json_object_new_string(name));
	json_object_object_add(o, "state",
	    json_object_new_string(svc_state_name(svc->st.state)));
	return o;
}

static json_object *
ok_merge(json_object *o)
{
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

/* show history, of one service when the request names one. */
static json_object *
history_command(struct ctl_daemon *d, json_object *req)
{
	const char *name = get_string(req, "service");

	if (name && hc_service_find(d->hc, name) == NULL)
		return reply_error("no such service: %s", name);
	return ok_merge(history_json(name));
}

static json_object *
dispatch(struct ctl_daemon *d, json_object *req)
{
	static const char *const svc_cmds[] = { "drain", "undrain", "disable",
	    "enable" };
	json_object	*v;
	const char	*cmd;
	char		 err[512];
	size_t		 i;

	if (!json_object_is_type(req, json_type_object))
		return reply_error("%s", "a request is one JSON object per line");
	if (!json_object_object_get_ex(req, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != CTL_VERSION)
		return reply_error("%s", "unsupported protocol version "
		    "(this daemon speaks version 1)");
	if ((cmd = get_string(req, "command")) == NULL)
		return reply_error("%s", "missing \"command\" string");
	if (strcmp(cmd, "status") == 0)
		return ok_merge(status_json(d));
	if (strcmp(cmd, "show checks") == 0)
		return ok_merge(status_checks_json(d->hc));
	if (strcmp(cmd, "show history") == 0)
		return history_command(d, req);
	if (strcmp(cmd, "show peers") == 0)
		return ok_merge(bgp_peers_json(d->bgp));
	if (strcmp(cmd, "show routes") == 0) {
		json_object *o = bgp_routes_json(d->bgp);

		json_object_object_add(o, "kernel", kout_json(d->kout));
		return ok_merge(o);
	}
	for (i = 0; i < nitems(svc_cmds); i++)
		if (strcmp(cmd, svc_cmds[i]) == 0)
			return service_command(d, cmd, req);
	if (strcmp(cmd, "reload") == 0) {
		if (d->reload(err, sizeof(err)) == -1)
			return reply_error("%s", err);
		return ok_merge(json_object_new_object());
	}
	return reply_error("unknown command: %s", cmd);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;
	struct ctl		*ctl = c->ctl;
	struct evbuffer		*in = bufferevent_get_input(bev);
	json_object		*req, *rep;
	const char		*text;
	char			*line;
	size_t			 len;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		req = json_tokener_parse(line);
		rep = req ? dispatch(ctl->daemon, req) :
		    reply_error("%s", "not JSON");
		json_object_object_add(rep, "version",
		    json_object_new_int(CTL_VERSION));
		text = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
		bufferevent_write(bev, text, strlen(text));
		bufferevent_write(bev, "\n", 1);
		json_object_put(req);
		json_object_put(rep);
		free(line);
	}
	if (evbuffer_get_length(in) > CTL_MAX_LINE) {
		log_warn("control: request longer than %d bytes, closing",
		    CTL_MAX_LINE);
		client_free(c);
	}
}

/* Close once the last response is written, when the client is done. */
static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	client_free(arg);
}

static void
client_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ctl		*ctl = arg;
	struct ctl_client	*c;
	struct bufferevent	*bev;

	(void)sa;
	(void)salen;
	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	c->bev = bev;
	c->next = ctl->clients;
	ctl->clients = c;
	bufferevent_setcb(bev, client_read, NULL, client_event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* Refuse to take over the socket of a running daemon; remove a stale one. */
static int
claim_path(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, live;

	if (lstat(path, &st) == -1)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	live = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	if (live) {
		snprintf(err, errlen, "%s: another anycastd is listening", path);
		return -1;
	}
	unlink(path);
	return 0;
}

struct ctl *
ctl_listen(struct event_base *base, const char *path, struct ctl_daemon *d,
    char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct ctl		*ctl;
	mode_t			 old;

	if (claim_path(path, err, errlen) == -1)
		return NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->daemon = d;
	ctl->path = xstrdup(path);
	old = umask(0117);	/* 0660: root and its group only */
	ctl->listener = evconnlistener_new_bind(base, client_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ctl->listener == NULL) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	return ctl;
}

void
ctl_close(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->clients)
		client_free(ctl->clients);
	evconnlistener_free(ctl->listener);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
