/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_METRICS_H
#define ANYCASTD_METRICS_H

#include <stdint.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "control/ctl.h"

/*
 * Prometheus metrics: the text exposition format (version 0.0.4) served
 * over HTTP by libevent's evhttp on the `metrics` address, at /metrics.
 * Everything is read from the engines at scrape time, except the count
 * of service state changes, which only the daemon's change callback sees.
 */

/* State changes of one service, kept across reloads by name. */
struct metrics_count {
	struct metrics_count	*next;
	char			 name[CONF_NAME_MAX];
	uint64_t		 n;
};

struct metrics;

struct metrics	*metrics_new(struct event_base *, struct ctl_daemon *);
/*
 * Listen on CONF's metrics address (none: stop listening).  An address
 * that did not change keeps its socket; when a new one cannot be bound
 * the old one stays and -1 says why.
 */
int		 metrics_configure(struct metrics *, const struct conf *,
		    char *err, size_t errlen);
/* A service changed state (not only its reason). */
void		 metrics_service_changed(struct metrics *, const char *service);
void		 metrics_free(struct metrics *);

/* metrics_text.c: the whole exposition, as of NOW (ms, monotonic). */
void		 metrics_render(struct evbuffer *, const struct ctl_daemon *,
		    const struct metrics_count *changes, uint64_t now);
/* metrics_fmt.c: the lines of the format. */
struct metrics_label {
	const char	*key;
	const char	*value;
};

/* A label value escaped as the format wants: \\, \" and \n. */
void		 metrics_escape(struct evbuffer *, const char *);
/* # HELP and # TYPE of the family NAME. */
void		 metrics_family(struct evbuffer *, const char *name,
		    const char *type, const char *help);
/* NAME{labels} VALUE; VALUE is already formatted. */
void		 metrics_sample(struct evbuffer *, const char *name,
		    const struct metrics_label *, size_t n, const char *value);
void		 metrics_sample_u64(struct evbuffer *, const char *name,
		    const struct metrics_label *, size_t n, uint64_t v);

#endif
