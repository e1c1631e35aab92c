/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CTL_H
#define ANYCASTD_CTL_H

#include <json-c/json.h>

#include "check/hc.h"

/*
 * The control socket: line-delimited JSON, one request and one response
 * per line (docs/control.md).  It sees the daemon through this struct.
 */
struct bgp_engine;
struct kout;
struct output;

struct ctl_daemon {
	struct hc_engine	*hc;
	struct bgp_engine	*bgp;
	struct kout		*kout;
	const struct output	*outputs;	/* output.h, in order */
	size_t			 noutputs;
	const char		*config_path;
	uint64_t		 started;	/* ms, monotonic */
	unsigned		 reloads;
	char			 last_reload_error[512];	/* "" = none */
	int			(*reload)(char *err, size_t errlen);
	unsigned		 max_clients;	/* control clients; 0: default */
};

/* Control clients at once when the config does not say (control clients). */
#define CTL_DEFAULT_CLIENTS	32
/*
 * Descriptors at the top of RLIMIT_NOFILE not given to a control client
 * beyond the first CTL_MIN_CLIENTS: the probes' sockets and the exec
 * checks' pipes need them more.  One per check, at least CTL_FD_ROOM.
 */
#define CTL_FD_ROOM		32
#define CTL_MIN_CLIENTS		2

struct ctl;

struct ctl	*ctl_listen(struct event_base *, const char *path,
		    struct ctl_daemon *, char *err, size_t errlen);
void		 ctl_close(struct ctl *);

/*
 * The JSON documents of docs/control.md (status.c): `status` (checks 0)
 * or `show checks` (1) written in parts into an evbuffer, without its
 * closing brace (ctl.c adds "ok" and "version").
 * next writes a part and returns 1 while there is more, 0 at the end.
 */
struct evbuffer;
struct status_stream {
	int			 checks;
	const struct hc_service	*svc;		/* next, NULL: at the end */
	size_t			 nsvc;		/* services before svc */
	size_t			 i;		/* next check of svc */
	size_t			 items;		/* written so far */
	unsigned		 gen;		/* hc_engine.generation */
};
void		 status_stream_start(struct status_stream *,
		    const struct ctl_daemon *, int checks, struct evbuffer *);
int		 status_stream_next(struct status_stream *,
		    const struct ctl_daemon *, struct evbuffer *);

#endif
