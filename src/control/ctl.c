/* SPDX-License-Identifier: ISC */
/*
 * The control socket server.  A request is one line of JSON; it is
 * checked (version, command, arguments) before anything is done, and
 * answered with one line.  Commands that change a service only set the
 * operator's flags and re-run its state machine: the outputs follow from
 * the state as they always do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "bgp/bgp.h"
#include "control/ctl.h"
#include "history.h"
#include "kernel/kout.h"

#define CTL_VERSION	1
#define CTL_MAX_LINE	(64 * 1024)
/* Replies waiting for a client that does not read: past this, its
 * requests wait too (the kernel's buffers then stop the client). */
#define CTL_MAX_OUTPUT	(1024 * 1024)
/* A longer drain than a year is a mistake, not a plan. */
#define CTL_MAX_FOR_MS	(366ull * 24 * 3600 * 1000)
/* accept() failing for lack of descriptors: wait, doubling, up to. */
#define CTL_BACKOFF_MIN_MS	100
#define CTL_BACKOFF_MAX_MS	5000
/*
 * Requests answered for one client per turn of the loop: a client
 * pipelining thousands of `status` requests yields to probes, BGP and
 * other clients after this many (bench/soak measures the probe gaps).
 */
#define CTL_BATCH		8
/*
 * Accepting stays at libevent's default priority, the probes', and the
 * backlog is the kernel's largest (net.core.somaxconn caps it), not 16
 * (issue #12: 50 clients connecting at once found the backlog full and
 * their connect() failed with EAGAIN).  An accept is cheap and bounded:
 * room_for() admits or refuses the connection at once, and everything
 * that costs -- reading requests, writing answers -- runs at the control
 * priority below.  Accepting at that lower priority would let a loop
 * busy with probes leave connections queued until the backlog fills,
 * which is the failure seen; the queue costs only kernel memory, no
 * descriptor of ours, and libevent takes what is queued until EAGAIN,
 * which the backlog bounds.
 */
#define CTL_BACKLOG		SOMAXCONN
/*
 * An answer in parts takes parts for up to this long per turn (µs): one
 * part a turn made 100,000 checks take 26 s on a busy loop, and a few
 * ms is well within what a probe's timing tolerates.
 */
#define CTL_STREAM_US		3000

struct ctl_client {
	struct ctl_client	*next;
	struct ctl		*ctl;
	struct bufferevent	*bev;
	struct event		*more;		/* lines left after a batch */
	int			 paused;	/* output over CTL_MAX_OUTPUT */
	int			 eof;		/* done writing, lines left */
	int			 streaming;	/* an answer in parts */
	struct status_stream	 stream;
	uint64_t		 active;	/* ms: connected or last request */
};

struct ctl {
	struct evconnlistener	*listener;
	struct ctl_daemon	*daemon;
	char			*path;
	struct ctl_client	*clients;
	unsigned		 nclients;
	int			 spare_fd;	/* given up to shed a connection */
	struct event		*resume;	/* re-enables the listener */
	unsigned		 backoff_ms;
};

static void
client_free(struct ctl_client *c)
{
	struct ctl_client	**cp;
	evutil_socket_t		  fd;

	for (cp = &c->ctl->clients; *cp != c; cp = &(*cp)->next)
		;
	*cp = c->next;
	c->ctl->nclients--;
	/*
	 * libevent closes a descriptor it owns only from a deferred
	 * finalizer, after this callback; its events are gone at once.  We
	 * close it now, so that a burst of accepts evicting idle clients
	 * never holds both the old descriptors and the new ones.
	 */
	fd = bufferevent_getfd(c->bev);
	event_free(c->more);
	bufferevent_free(c->bev);
	if (fd != -1)
		close(fd);
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

/*
 * "\u0000" is valid JSON, but every name here is a C string: "dns\u0000x"
 * would be read as "dns".  Such a request is refused whole.
 */
static int
has_nul(json_object *o)
{
	struct json_object_iterator	it, end;
	size_t				i;

	switch (json_object_get_type(o)) {
	case json_type_string:
		return strlen(json_object_get_string(o)) !=
		    (size_t)json_object_get_string_len(o);
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			if (has_nul(json_object_array_get_idx(o, i)))
				return 1;
		return 0;
	case json_type_object:
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if (has_nul(json_object_iter_peek_value(&it)))
				return 1;
		return 0;
	default:
		return 0;
	}
}

/*
 * An integer in MIN..MAX, or -1.  json-c saturates what does not fit in
 * 64 bits (2^64-1 reads as INT64_MAX, 2^70 too), so a bound below the
 * saturated values refuses those as well: nothing is clamped.
 */
static int
get_uint(json_object *v, uint64_t min, uint64_t max, uint64_t *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

/* drain, undrain, disable, enable. */
static json_object *
service_command(struct ctl_daemon *d, const char *cmd, json_object *req)
{
	struct hc_service	*svc;
	const char		*name = get_string(req, "service");
	json_object		*o, *v;
	uint64_t		 for_ms = 0;
	char			 msg[96];

	if (name == NULL)
		return reply_error("%s needs a \"service\" string", cmd);
	if ((svc = hc_service_find(d->hc, name)) == NULL)
		return reply_error("no such service: %s", name);
	if (json_object_object_get_ex(req, "for_ms", &v) &&
	    get_uint(v, 1, CTL_MAX_FOR_MS, &for_ms) == -1) {
		snprintf(msg, sizeof(msg), "for_ms must be an integer from 1 "
		    "to %llu (366 days)", (unsigned long long)CTL_MAX_FOR_MS);
		return reply_error("%s", msg);
	}
	if (strcmp(cmd, "drain") == 0) {
		svc->st.drain = 1;
		svc->st.drain_until = for_ms ? util_now_ms() + for_ms : 0;
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

/*
 * The answer to REQ, or NULL when it is one to write in parts: then
 * *stream says which (STREAM_STATUS, STREAM_CHECKS).
 */
enum { STREAM_NONE, STREAM_STATUS, STREAM_CHECKS };

static json_object *
dispatch(struct ctl_daemon *d, json_object *req, int *stream)
{
	static const char *const svc_cmds[] = { "drain", "undrain", "disable",
	    "enable" };
	json_object	*v;
	const char	*cmd;
	char		 err[512];
	size_t		 i;
	uint64_t	 version;

	if (!json_object_is_type(req, json_type_object))
		return reply_error("%s", "a request is one JSON object per line");
	if (has_nul(req))
		return reply_error("%s", "strings must not contain NUL "
		    "(\\u0000)");
	if (!json_object_object_get_ex(req, "version", &v) ||
	    get_uint(v, CTL_VERSION, CTL_VERSION, &version) == -1)
		return reply_error("%s", "unsupported protocol version "
		    "(this daemon speaks version 1)");
	if ((cmd = get_string(req, "command")) == NULL)
		return reply_error("%s", "missing \"command\" string");
	if (strcmp(cmd, "status") == 0) {
		*stream = STREAM_STATUS;
		return NULL;
	}
	if (strcmp(cmd, "show checks") == 0) {
		*stream = STREAM_CHECKS;
		return NULL;
	}
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
reply(struct ctl_client *c, const char *line)
{
	json_object	*req, *rep;
	const char	*text;
	int		 stream = STREAM_NONE;

	req = json_tokener_parse(line);
	rep = req ? dispatch(c->ctl->daemon, req, &stream) :
	    reply_error("%s", "not JSON");
	if (rep == NULL) {
		json_object_put(req);
		status_stream_start(&c->stream, c->ctl->daemon,
		    stream == STREAM_CHECKS, bufferevent_get_output(c->bev));
		c->streaming = 1;
		return;
	}
	json_object_object_add(rep, "version", json_object_new_int(CTL_VERSION));
	text = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
	bufferevent_write(c->bev, text, strlen(text));
	bufferevent_write(c->bev, "\n", 1);
	json_object_put(req);
	json_object_put(rep);
}

/*
 * Parts of the answer being written, for CTL_STREAM_US at most and while
 * the output is under the low watermark; at its end the envelope that
 * reply() adds to the others.  1 while there is more.
 */
static int
stream_part(struct ctl_client *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	uint64_t	 end = util_now_us() + CTL_STREAM_US;

	while (status_stream_next(&c->stream, c->ctl->daemon, out))
		if (util_now_us() >= end ||
		    evbuffer_get_length(out) > CTL_MAX_OUTPUT / 2)
			return 1;
	evbuffer_add_printf(out, ",\"ok\":true,\"version\":%d}\n",
	    CTL_VERSION);
	c->streaming = 0;
	return 0;
}

/*
 * Answer up to CTL_BATCH whole lines, unless the replies already waiting
 * exceed CTL_MAX_OUTPUT: then stop reading until client_written sees them
 * drained, so a client that writes without reading costs at most that.
 * Lines left after a batch are taken up on a later turn through c->more:
 * they are already read, so no socket event would bring them back.
 * An answer in parts (status, show checks) writes parts for a few ms a
 * turn, and only while less than the write low watermark waits: the parts follow
 * the client's reading, and probes run between them.
 */
static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer		*out = bufferevent_get_output(bev);
	struct evbuffer_ptr	 eol;
	char			*line;
	size_t			 len;
	int			 n;

	for (n = 0; n < CTL_BATCH; n++) {
		if (evbuffer_get_length(out) > (c->streaming ?
		    CTL_MAX_OUTPUT / 2 : CTL_MAX_OUTPUT)) {
			c->paused = 1;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		if (c->streaming) {
			if (stream_part(c)) {
				event_active(c->more, EV_READ, 0);
				return;
			}
			continue;
		}
		if ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) == NULL)
			break;
		c->active = util_now_ms();
		reply(c, line);
		free(line);
	}
	/* An answer begun last in the batch goes on as lines left do:
	 * no input may ever come to resume it. */
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (eol.pos != -1 || c->streaming)
		event_active(c->more, EV_READ, 0);
	else if (c->eof && evbuffer_get_length(out) == 0)
		client_free(c);
	else if (c->eof)	/* client_written closes once all is sent */
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	else if (evbuffer_get_length(in) > CTL_MAX_LINE) {
		log_warn("control: request longer than %d bytes, closing",
		    CTL_MAX_LINE);
		client_free(c);
	}
}

static void
client_more(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_client *c = arg;

	(void)fd;
	(void)ev;
	client_read(c->bev, c);
}

/* Called once the output is down to the low watermark. */
static void
client_written(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	if (c->eof && !c->paused && !c->streaming &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0 &&
	    evbuffer_search_eol(bufferevent_get_input(bev), NULL, NULL,
	    EVBUFFER_EOL_LF).pos == -1) {
		client_free(c);
		return;
	}
	if (!c->paused)
		return;
	c->paused = 0;
	if (!c->eof)
		bufferevent_enable(bev, EV_READ);
	client_read(bev, c);	/* the lines already read come first */
}

/*
 * Close when the client is done, but a client that wrote its requests
 * and shut down its side still gets the answers to the lines read.
 */
static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client	*c = arg;
	struct evbuffer_ptr	 eol;

	eol = evbuffer_search_eol(bufferevent_get_input(bev), NULL, NULL,
	    EVBUFFER_EOL_LF);
	if (what == (BEV_EVENT_READING | BEV_EVENT_EOF) &&
	    (eol.pos != -1 || c->streaming)) {
		c->eof = 1;
		return;
	}
	client_free(c);
}

/* Best effort, never blocking: the socket is new and the line short. */
static void
refuse(int fd, const char *why)
{
	char line[160];
	int n;

	n = snprintf(line, sizeof(line), "{\"ok\":false,\"error\":\"%s\","
	    "\"version\":%d}\n", why, CTL_VERSION);
	if (send(fd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_debug("control: refusing a client: %s", strerror(errno));
	close(fd);
}

/*
 * Nothing in flight: no request or reply buffered, and none waiting in
 * the socket (clients are served after the listener, so a busy client's
 * next request may not have been read yet).
 */
static int
is_idle(struct ctl_client *c)
{
	int pending = 0;

	return !c->paused && !c->streaming &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
	    ioctl(bufferevent_getfd(c->bev), FIONREAD, &pending) == 0 &&
	    pending == 0;
}

/* The client that has been idle the longest. */
static struct ctl_client *
idlest(struct ctl *ctl)
{
	struct ctl_client *c, *best = NULL;

	for (c = ctl->clients; c; c = c->next)
		if ((best == NULL || c->active < best->active) && is_idle(c))
			best = c;
	return best;
}

/* Descriptors kept for probes: CTL_FD_ROOM, or one per check if more. */
static rlim_t
probe_room(const struct ctl *ctl)
{
	const struct hc_service	*svc;
	rlim_t			 n = 0;

	for (svc = ctl->daemon->hc->services; svc; svc = svc->next)
		n += svc->nchecks;
	return n > CTL_FD_ROOM ? n : CTL_FD_ROOM;
}

/*
 * Probes come first: a client whose descriptor lands among the last
 * probe_room() of the table is one too many (but for the first
 * CTL_MIN_CLIENTS), as is one over the configured cap.  One too many
 * takes the place of a client that only holds its connection open, so
 * that idle connections never lock the operator out; else it is refused.
 */
static int
room_for(struct ctl *ctl, int fd)
{
	static struct log_rate	 rate;
	struct rlimit		 rl;
	struct ctl_client	*old;
	unsigned		 max = ctl->daemon->max_clients;
	const char		*why = NULL;

	if (max == 0)
		max = CTL_DEFAULT_CLIENTS;
	if (ctl->nclients >= max)
		why = "too many control clients";
	else if (ctl->nclients >= CTL_MIN_CLIENTS &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
	    && (rlim_t)fd + probe_room(ctl) >= rl.rlim_cur)
		why = "out of file descriptors";
	if (why == NULL)
		return 1;
	if ((old = idlest(ctl)) != NULL) {
		log_rated(&rate, LOG_LEVEL_WARN, "control: %s (%u clients, "
		    "descriptor %d): closing the one idle the longest", why,
		    ctl->nclients, fd);
		client_free(old);
		return 1;
	}
	log_rated(&rate, LOG_LEVEL_WARN, "control: %s (%u clients, "
	    "descriptor %d): refusing a client", why, ctl->nclients, fd);
	refuse(fd, why);
	return 0;
}

static void
client_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ctl		*ctl = arg;
	struct event_base	*base = evconnlistener_get_base(l);
	struct ctl_client	*c;
	struct bufferevent	*bev;
	/* The one above the last (bfd_event_base_new): probes, BGP and
	 * timers are served before any control client, and control clients
	 * before the exec machinery in the last. */
	int			 low = event_base_get_npriorities(base) > 2 ?
				    event_base_get_npriorities(base) - 2 : 0;

	(void)sa;
	(void)salen;
	ctl->backoff_ms = 0;
	if (!room_for(ctl, fd))
		return;
	bev = bufferevent_socket_new(base, fd, 0);
	if (bev == NULL || bufferevent_priority_set(bev, low) == -1) {
		if (bev)
			bufferevent_free(bev);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	c->bev = bev;
	if ((c->more = event_new(base, -1, 0, client_more, c)) == NULL ||
	    event_priority_set(c->more, low) == -1)
		fatalx_oom();
	c->active = util_now_ms();
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->nclients++;
	bufferevent_setcb(bev, client_read, client_written, client_event, c);
	bufferevent_setwatermark(bev, EV_WRITE, CTL_MAX_OUTPUT / 2, 0);
	/* libevent writes 16 KB a turn by default: a 45 MB answer would
	 * take 2,800 turns of a loop that probes keep busy. */
	bufferevent_set_max_single_write(bev, CTL_MAX_OUTPUT / 4);
	/* Lines wait their batch in the input; past this, in the socket. */
	bufferevent_setwatermark(bev, EV_READ, 0, 2 * CTL_MAX_LINE);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void
resume_listener(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl *ctl = arg;

	(void)fd;
	(void)ev;
	evconnlistener_enable(ctl->listener);
}

/*
 * accept() failed other than for a reason to retry at once, most often
 * EMFILE.  The connection stays queued and the listener readable, so
 * retrying now would spin: shed the connection with the spare
 * descriptor (the client sees a close, not a hang), then pause the
 * listener, doubling the pause while the failures go on.
 */
static void
accept_failed(struct evconnlistener *l, void *arg)
{
	static struct log_rate	 rate;
	struct ctl		*ctl = arg;
	struct timeval		 tv;
	int			 err = errno, fd;

	if (ctl->spare_fd != -1 && (err == EMFILE || err == ENFILE)) {
		close(ctl->spare_fd);
		fd = accept(evconnlistener_get_fd(l), NULL, NULL);
		if (fd != -1)
			close(fd);
		ctl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	ctl->backoff_ms = ctl->backoff_ms ? ctl->backoff_ms * 2 :
	    CTL_BACKOFF_MIN_MS;
	if (ctl->backoff_ms > CTL_BACKOFF_MAX_MS)
		ctl->backoff_ms = CTL_BACKOFF_MAX_MS;
	log_rated(&rate, LOG_LEVEL_ERROR, "control: accept: %s; not "
	    "accepting for %u ms", strerror(err), ctl->backoff_ms);
	evconnlistener_disable(l);
	tv.tv_sec = ctl->backoff_ms / 1000;
	tv.tv_usec = (ctl->backoff_ms % 1000) * 1000;
	evtimer_add(ctl->resume, &tv);
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
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, CTL_BACKLOG,
	    (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ctl->listener == NULL) {
		/* /run/anycastd is systemd's RuntimeDirectory=, absent when
		 * started by hand. */
		snprintf(err, errlen, "control socket %s: %s%s", path,
		    strerror(errno), errno == ENOENT ? " (create its "
		    "directory, or set `control` in the configuration)" : "");
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	evconnlistener_set_error_cb(ctl->listener, accept_failed);
	ctl->resume = evtimer_new(base, resume_listener, ctl);
	ctl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
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
	event_free(ctl->resume);
	if (ctl->spare_fd != -1)
		close(ctl->spare_fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
