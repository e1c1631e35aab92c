/* SPDX-License-Identifier: ISC */
/*
 * Probes in flight, bounded (hc_slots.h).  The queue is served by an
 * event at the default priority, not from inside hc_report(): a probe
 * may end within its own start (a socket that cannot open), and a
 * probe started from the report of another would run inside it.
 */
#include <string.h>

#include "check/hc.h"
#include "check/hc_slots.h"
#include "check/check_desc.h"
#include "sys/util.h"

static void
pump(evutil_socket_t fd, short what, void *arg)
{
	struct hc_slots	*s = arg;
	struct hc_check	*ck;

	(void)fd;
	(void)what;
	while (s->inflight < s->limit && (ck = TAILQ_FIRST(&s->queue))) {
		TAILQ_REMOVE(&s->queue, ck, slot_entry);
		s->nwaiting--;
		ck->slot = SLOT_HELD;
		s->inflight++;
		s->start(ck);
	}
}

void
hc_slots_init(struct hc_slots *s, struct event_base *base,
    void (*start)(struct hc_check *))
{
	memset(s, 0, sizeof(*s));
	s->limit = HC_PROBE_LIMIT_DEFAULT;
	s->base = base;
	s->start = start;
	TAILQ_INIT(&s->queue);
}

void
hc_slots_free(struct hc_slots *s)
{
	if (s->pump != NULL)
		event_free(s->pump);
	s->pump = NULL;
}

static void
wake(struct hc_slots *s)
{
	if (s->nwaiting == 0 || s->inflight >= s->limit)
		return;
	if (s->pump == NULL && (s->pump = event_new(s->base, -1, 0, pump,
	    s)) == NULL)
		fatalx_oom();
	event_active(s->pump, EV_TIMEOUT, 1);
}

void
hc_slots_set_limit(struct hc_slots *s, unsigned limit)
{
	s->limit = limit ? limit : HC_PROBE_LIMIT_DEFAULT;
	wake(s);
}

/* Whether CK's type takes a slot at all. */
static int
used_by(const struct hc_check *ck)
{
	return !(check_desc_of(ck->conf->type)->flags & (CT_SLOTS | CT_MAINT));
}

int
hc_slots_take(struct hc_slots *s, struct hc_check *ck)
{
	if (!used_by(ck))
		return 1;
	if (s->inflight < s->limit && s->nwaiting == 0) {
		ck->slot = SLOT_HELD;
		s->inflight++;
		return 1;
	}
	ck->slot = SLOT_WAITING;
	TAILQ_INSERT_TAIL(&s->queue, ck, slot_entry);
	s->nwaiting++;
	s->waited++;
	wake(s);
	return 0;
}

void
hc_slots_release(struct hc_slots *s, struct hc_check *ck)
{
	if (ck->slot == SLOT_WAITING) {
		TAILQ_REMOVE(&s->queue, ck, slot_entry);
		s->nwaiting--;
	} else if (ck->slot == SLOT_HELD) {
		s->inflight--;
		wake(s);
	}
	ck->slot = SLOT_NONE;
}
