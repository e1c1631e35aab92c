/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_SVC_H
#define ANYCASTD_SVC_H

#include <stdint.h>

#include "conf/conf.h"
#include "check/hc_track.h"

/*
 * The service state machine: its checks' states, combined as the config
 * says, delayed, damped, and overlaid with what the operator asked for.
 * Pure: it takes the time and the check states, and says what the state
 * is, why, and when it must be looked at again.
 */

enum svc_st {
	SVC_INIT, SVC_UP, SVC_DEGRADED, SVC_DRAINING, SVC_DOWN, SVC_DISABLED
};

/* What svc_eval needs of one check. */
struct svc_input {
	const char	*name;
	int		 backend;	/* its via, or -1 */
	enum check_type	 type;
	enum hc_state	 state;
	const char	*why;
};

struct svc_state {
	enum svc_st	 state;
	uint64_t	 since;
	char		 reason[320];

	enum svc_st	 health;	/* combined checks, after delays */
	enum svc_st	 pending;	/* combined checks, before delays */
	uint64_t	 pending_since;

	double		 penalty;	/* damping, as of penalty_at */
	uint64_t	 penalty_at;
	int		 suppressed;
	uint64_t	 suppressed_at;
	/* Suppression began or ended in this eval: a line for the log. */
	char		 damp_event[200];

	int		 drain;		/* operator drain */
	uint64_t	 drain_until;	/* 0: until undrain */
	int		 disabled;
	int		 shutdown;	/* the daemon is stopping */
	int		 drained;	/* draining for drain time: withdraw */
	int		 last_site;	/* set by BGP: no other site announces */
	int		 maint;		/* set by eval from file checks */
};

void		 svc_init(struct svc_state *, uint64_t now);
/* Returns 1 when the state changed; the reason is in st->reason. */
int		 svc_eval(struct svc_state *, const struct service_conf *,
		    const struct svc_input *, size_t, uint64_t now);
/* When svc_eval must run again even if no check changes; 0 = never. */
uint64_t	 svc_next_event(const struct svc_state *,
		    const struct service_conf *, uint64_t now);
/* Whether outputs announce: up, degraded, or draining within drain time. */
int		 svc_announced(const struct svc_state *);
double		 svc_penalty(const struct svc_state *,
		    const struct service_conf *, uint64_t now);
/*
 * The reason of the state as of NOW: st->reason, except that the
 * penalty of a damped service is the one of NOW, as in svc_penalty().
 */
void		 svc_reason(const struct svc_state *,
		    const struct service_conf *, uint64_t now, char *, size_t);
const char	*svc_state_name(enum svc_st);

#endif
