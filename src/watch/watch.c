/* SPDX-License-Identifier: ISC */
/*
 * The watches of one check: started with it, freed with it, and kept
 * with it across a reload that does not change the check.  Each type
 * lives in its own file (watch_process.c, watch_unit.c,
 * watch_listener.c, watch_session.c) and only ever calls watch_set().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "check/hc.h"
#include "watch/watch.h"

static const struct watch_ops *const ops[] = {
	[WATCH_PROCESS] = &watch_process_ops,
	[WATCH_LISTENER] = &watch_listener_ops,
	[WATCH_TCP_SESSION] = &watch_session_ops,
};

static const struct watch_ops *
ops_of(const struct watch_conf *wc)
{
	if (wc->type == WATCH_PROCESS && wc->unit != NULL)
		return &watch_unit_ops;
	return ops[wc->type];
}

struct watch *
watch_list_start(struct hc_check *ck, struct event_base *base)
{
	const struct watch_conf	*wc;
	struct watch		*list = NULL, **tail = &list, *w;

	for (wc = ck->conf->watches; wc; wc = wc->next) {
		w = xcalloc(1, sizeof(*w));
		w->ck = ck;
		w->conf = wc;
		w->base = base;
		snprintf(w->detail, sizeof(w->detail), "starting");
		*tail = w;
		tail = &w->next;
		ops_of(wc)->start(w);
	}
	return list;
}

void
watch_list_free(struct watch *w)
{
	struct watch *next;

	for (; w; w = next) {
		next = w->next;
		ops_of(w->conf)->stop(w);
		free(w);
	}
}

void
watch_list_rebind(struct watch *w, const struct watch_conf *wc)
{
	/* The configs print alike, so the lists match one to one. */
	for (; w && wc; w = w->next, wc = wc->next)
		w->conf = wc;
}

const struct watch *
watch_list_failing(const struct watch *w)
{
	for (; w; w = w->next)
		if (w->failing)
			return w;
	return NULL;
}

void
watch_set(struct watch *w, int failing, const char *fmt, ...)
{
	va_list ap;
	int	changed = !w->told || w->failing != failing;

	va_start(ap, fmt);
	if (vsnprintf(w->detail, sizeof(w->detail), fmt, ap) < 0)
		w->detail[0] = '\0';
	va_end(ap);
	if (!changed)
		return;		/* the same verdict: only the words change */
	w->told = 1;
	w->failing = failing;
	if (failing)
		w->fired++;
	hc_watch_event(w->ck, w);
}

const struct addr *
watch_target(const struct watch *w)
{
	return w->conf->addr.family ? &w->conf->addr : &w->ck->target;
}

uint16_t
watch_port(const struct watch *w)
{
	const struct check_conf	*c = w->ck->conf;
	struct check_net	 n;

	if (w->conf->port)
		return w->conf->port;
	return conf_check_net(c, &n) == -1 ? 0 : *n.port;
}
