/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HC_H
#define ANYCASTD_HC_H

#include <event2/event.h>

#include "conf/conf.h"
#include "check/hc_slots.h"
#include "check/hc_track.h"
#include "svc.h"

/*
 * The health-check engine: runs every check on its timer, feeds each
 * result through rise/fall (hc_track) and the service state machine
 * (svc), logs each change with its reason, and tells the outputs.
 */

struct hc_check;
struct hc_service;

/*
 * The engine's half of a check type's descriptor (check_desc.h): start a
 * probe, which ends by calling hc_report() once; abandon one in flight.
 * A check's own state (hc_check.state: the dns check's p95 window, the
 * BFD session) is made by the type when it first needs it, kept with
 * the check across a reload that keeps the check (as its counters are),
 * and freed by state_free (NULL: it has none).
 */
struct hc_ops {
	void	(*start)(struct hc_check *);
	void	(*cancel)(struct hc_check *);	/* abandon a probe in flight */
	void	(*state_free)(struct hc_check *);
};

struct hc_check {
	struct hc_service	*svc;
	const struct check_conf	*conf;
	const struct hc_ops	*ops;
	struct addr		 target;	/* dns/tcp: who is probed */
	struct hc_track		 track;
	struct event		*timer;
	void			*probe;		/* the type's in-flight state */
	void			*state;		/* the type's own, see hc_ops */
	struct watch		*watches;	/* watch.h */
	int			 running;
	int			 phased;	/* moved to a random phase */
	uint64_t		 due_us;	/* when the next (or running)
						 * probe is due, monotonic */
	uint64_t		 started_at;
	/* How long probes waited for a slot (hc_slots.h; exec: proc.h). */
	uint64_t		 late_last_ms, late_max_ms, late_sum_ms;
	TAILQ_ENTRY(hc_check)	 slot_entry;	/* waiting for a slot */
	uint8_t			 slot;		/* hc_slots.c */
};

struct hc_service {
	struct hc_service	*next;
	struct hc_engine	*engine;
	const struct service_conf *conf;
	struct svc_state	 st;
	struct hc_check		**checks;
	size_t			 nchecks;
	struct event		*timer;		/* delays, drain --for, damping */
};

typedef void (*hc_change_fn)(struct hc_service *, enum svc_st old);

#define HC_COMMON_MAX	32

struct hc_engine {
	struct event_base	*base;
	struct hc_service	*services;
	hc_change_fn		 on_change;
	unsigned		 generation;	/* services replaced: +1 */
	/* libevent's common timeouts, one per duration (hc_timer_add) */
	struct {
		uint64_t		 ms;
		const struct timeval	*tv;
	}			 common[HC_COMMON_MAX];
	size_t			 ncommon;
	struct hc_slots		 slots;		/* `probe limit` */
};

void	 hc_init(struct hc_engine *, struct event_base *, hc_change_fn);
/* Take CONF's services; checks equal to running ones keep their state. */
void	 hc_configure(struct hc_engine *, const struct conf *);
void	 hc_shutdown(struct hc_engine *);	/* cancel and free all */
void	 hc_report(struct hc_check *, const struct hc_result *);
/* Re-run the state machine of a service (after an operator command). */
void	 hc_service_eval(struct hc_service *);
struct hc_service *hc_service_find(struct hc_engine *, const char *);

/*
 * Add timer EV for MS.  OFTEN: a duration that many timers share (a
 * check's interval or timeout), which goes in a common-timeout queue.
 */
void	 hc_timer_add(struct hc_engine *, struct event *, uint64_t ms,
	    int often);

uint64_t hc_elapsed_us(const struct hc_check *);
/* A probe that waited before it started: its RTT counts from now. */
void	 hc_clock_restart(struct hc_check *);
/* A probe started LATE_MS after it was due, having waited for a slot
 * (hc_slots.h, proc.h): for `show checks` and the metrics. */
void	 hc_note_late(struct hc_check *, uint64_t late_ms);

#endif
