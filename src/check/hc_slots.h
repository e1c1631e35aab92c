/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HC_SLOTS_H
#define ANYCASTD_HC_SLOTS_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

/*
 * How many probes are in flight at once (`probe limit`).  A probe that is
 * due while every slot is taken waits, first come first served, and
 * starts when one frees.  Without a bound, every check has a probe in
 * flight at start-up -- each probing at its fast interval until it
 * rises, against a server that cannot answer 100,000 checks' worth at
 * once -- and the memory of that burst stayed with the daemon for good:
 * 100,000 checks held 476 MB after start-up (issue 15).  In steady state
 * a few probes are in flight; the bound only matters in a burst, or with
 * more checks than slots timing out together, when probes start late
 * rather than all at once (their lateness is counted, as for exec
 * checks, hc.h).  Exec checks have their own slots (proc.h), maintenance
 * files none: reading a file ends at once.
 */

#define HC_PROBE_LIMIT_DEFAULT	4096

struct hc_check;

/* hc_check.slot */
enum { SLOT_NONE, SLOT_HELD, SLOT_WAITING };

TAILQ_HEAD(hc_slot_queue, hc_check);

struct hc_slots {
	size_t			 limit;
	size_t			 inflight;
	size_t			 nwaiting;
	uint64_t		 waited;	/* probes that waited, ever */
	struct hc_slot_queue	 queue;
	struct event		*pump;		/* starts waiting probes */
	struct event_base	*base;
	void			(*start)(struct hc_check *);	/* a waiter */
};

void	hc_slots_init(struct hc_slots *, struct event_base *,
	    void (*start)(struct hc_check *));
void	hc_slots_free(struct hc_slots *);
/* LIMIT 0: the default.  A smaller one lets no new probe start until
 * the probes in flight are fewer. */
void	hc_slots_set_limit(struct hc_slots *, unsigned limit);
/* 1: CK may start now (it holds a slot); 0: it waits for one. */
int	hc_slots_take(struct hc_slots *, struct hc_check *);
/* CK's probe ended, or CK is going: its slot or its place in the queue. */
void	hc_slots_release(struct hc_slots *, struct hc_check *);

#endif
