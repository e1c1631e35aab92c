/* SPDX-License-Identifier: ISC */
/*
 * Pipelined DNS over one TCP connection (dns_pipe.h).  Queries are
 * written as they come, without waiting for earlier answers; answers are
 * read as length-prefixed messages (RFC 1035 4.2.2) and handed to the
 * query in flight with the same id.  An answer whose id matches nothing
 * -- a query given up at its deadline, or a server's mistake -- is
 * counted and dropped.  A write the socket cannot take at once waits in
 * the out buffer for EV_WRITE.
 *
 * Ending is deferred to the event loop when a send fails, so a caller of
 * dns_pipe_send() never sees its own query lost inside the call.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "dns/dns_pipe.h"
#include "sys/log.h"
#include "sys/util.h"

#define PIPE_MAX_MSG	65535

struct dns_pipe {
	struct event_base	*base;
	int			 fd;
	struct event		*rd, *wr;
	struct event		*ending;	/* a deferred end */
	int			 end_err;
	int			 ended;
	struct evbuffer		*in, *out;
	struct dns_pipe_user	*users;		/* in flight */
	size_t			 nusers;
	uint64_t		 last_send;
	uint64_t		 unmatched;
	int			 busy;		/* callbacks running */
	int			 dead;		/* freed: gone when not busy */
	dns_pipe_end_cb		 end;
	void			*arg;
};

static struct dns_pipe_user *
find(struct dns_pipe *p, uint16_t id)
{
	struct dns_pipe_user *u;

	for (u = p->users; u; u = u->next)
		if (u->id == id)
			return u;
	return NULL;
}

void
dns_pipe_forget(struct dns_pipe_user *u)
{
	struct dns_pipe_user **pp;

	if (u->pipe == NULL)
		return;
	for (pp = &u->pipe->users; *pp; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			u->pipe->nusers--;
			break;
		}
	u->pipe = NULL;
	u->next = NULL;
}

static void
destroy(struct dns_pipe *p)
{
	event_free(p->rd);
	event_free(p->wr);
	event_free(p->ending);
	evbuffer_free(p->in);
	evbuffer_free(p->out);
	close(p->fd);
	free(p);
}

/*
 * Around a user's callback, which may free the pipe: the memory stays
 * until the outermost callback returns, and then -1 says it is gone.
 */
static void
hold(struct dns_pipe *p)
{
	p->busy++;
}

static int
release(struct dns_pipe *p)
{
	if (--p->busy > 0 || !p->dead)
		return p->dead ? -1 : 0;
	destroy(p);
	return -1;
}

/* Every query in flight is lost; the users may send elsewhere. */
static int
lose_all(struct dns_pipe *p, const char *why)
{
	struct dns_pipe_user *u;

	hold(p);
	while ((u = p->users) != NULL) {
		dns_pipe_forget(u);
		u->lost(u, why);
	}
	return release(p);
}

/* The server ended it (or a write failed): tell the queries, then the
 * owner, who frees the pipe. */
static void
pipe_end(struct dns_pipe *p, int err)
{
	p->ended = 1;
	event_del(p->rd);
	event_del(p->wr);
	if (lose_all(p, err == 0 ? "closed by the server (FIN)" :
	    err == ECONNRESET ? "reset by the server (RST)" : strerror(err))
	    == -1)
		return;
	p->end(p->arg, err);
}

static void
ending_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_pipe *p = arg;

	(void)fd;
	(void)what;
	pipe_end(p, p->end_err);
}

/* The complete messages in the in buffer; -1 when the pipe went. */
static int
deliver(struct dns_pipe *p)
{
	struct dns_pipe_user	*u;
	uint8_t			 hdr[4], *msg;
	size_t			 len;

	while (evbuffer_copyout(p->in, hdr, 4) == 4) {
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (evbuffer_get_length(p->in) < 2 + len)
			break;
		msg = evbuffer_pullup(p->in, (ev_ssize_t)(2 + len));
		u = len >= 12 ? find(p, (uint16_t)(hdr[2] << 8 | hdr[3])) :
		    NULL;
		if (u == NULL) {
			p->unmatched++;
			log_debug("dns pipe: answer id %u matches no query in "
			    "flight, dropped", hdr[2] << 8 | hdr[3]);
			evbuffer_drain(p->in, 2 + len);
			continue;
		}
		/* The callback may free the pipe, or forget any user. */
		hold(p);
		u->answer(u, msg + 2, len);
		if (release(p) == -1)
			return -1;
		evbuffer_drain(p->in, 2 + len);
	}
	return 0;
}

/*
 * Read into the stack and keep only what is read: evbuffer_read() would
 * leave an empty 4 KB chain behind at EAGAIN, in each of a thousand
 * idle sessions.
 */
static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_pipe	*p = arg;
	uint8_t		 buf[4096];
	ssize_t		 n;

	(void)fd;
	(void)what;
	for (;;) {
		n = recv(p->fd, buf, sizeof(buf), 0);
		if (n > 0) {
			if (evbuffer_add(p->in, buf, (size_t)n) == -1)
				fatalx_oom();
			if (deliver(p) == -1)
				return;
			continue;
		}
		if (n == 0) {
			pipe_end(p, 0);
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		pipe_end(p, errno);
		return;
	}
}

/* Write what the socket takes; the rest waits for EV_WRITE.  Errors end
 * the pipe from the loop. */
static void
flush(struct dns_pipe *p)
{
	int n;

	while (evbuffer_get_length(p->out) > 0) {
		n = evbuffer_write(p->out, p->fd);
		if (n > 0)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR)) {
			event_add(p->wr, NULL);
			return;
		}
		p->end_err = n == 0 ? EPIPE : errno;
		if (p->end_err == EPIPE)
			p->end_err = ECONNRESET;
		p->ended = 1;
		event_active(p->ending, EV_TIMEOUT, 1);
		return;
	}
}

static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flush(arg);
}

struct dns_pipe *
dns_pipe_new(struct event_base *base, int fd, dns_pipe_end_cb end, void *arg)
{
	struct dns_pipe *p = xcalloc(1, sizeof(*p));

	p->base = base;
	p->fd = fd;
	p->end = end;
	p->arg = arg;
	p->in = evbuffer_new();
	p->out = evbuffer_new();
	p->rd = event_new(base, fd, EV_READ | EV_PERSIST, read_cb, p);
	p->wr = event_new(base, fd, EV_WRITE, write_cb, p);
	p->ending = evtimer_new(base, ending_cb, p);
	if (!p->in || !p->out || !p->rd || !p->wr || !p->ending)
		fatalx_oom();
	event_add(p->rd, NULL);
	return p;		/* last_send 0: nothing sent yet */
}

void
dns_pipe_free(struct dns_pipe *p, const char *why)
{
	if (p == NULL || p->dead)
		return;
	event_del(p->rd);
	event_del(p->wr);
	event_del(p->ending);
	p->ended = 1;
	p->dead = 1;
	/* Freed here, or by the outermost callback running. */
	(void)lose_all(p, why);
}

int
dns_pipe_send(struct dns_pipe *p, struct dns_pipe_user *u, uint8_t *wire,
    size_t len)
{
	uint16_t id;

	if (p->ended || len < 2 + 12 || len > 2 + PIPE_MAX_MSG)
		return -1;
	dns_pipe_forget(u);
	id = (uint16_t)(wire[2] << 8 | wire[3]);
	/* A fresh random id for one taken on this connection. */
	while (find(p, id) != NULL)
		id = (uint16_t)util_random();
	wire[2] = (uint8_t)(id >> 8);
	wire[3] = (uint8_t)id;
	u->id = id;
	u->pipe = p;
	u->next = p->users;
	p->users = u;
	p->nusers++;
	if (evbuffer_add(p->out, wire, len) == -1)
		fatalx_oom();
	p->last_send = util_now_ms();
	flush(p);
	return 0;
}

uint64_t
dns_pipe_last_send(const struct dns_pipe *p)
{
	return p->last_send;
}

size_t
dns_pipe_in_flight(const struct dns_pipe *p)
{
	return p->nusers;
}

uint64_t
dns_pipe_unmatched(const struct dns_pipe *p)
{
	return p->unmatched;
}
