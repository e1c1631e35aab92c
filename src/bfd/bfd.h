/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BFD_H
#define ANYCASTD_BFD_H

#include <event2/event.h>
#include <json-c/json.h>

#include "bfd/bfd_session.h"
#include "conf/conf.h"
#include "sys/util.h"

/*
 * BFD on the wire (RFC 5881 single hop, IPv4 and IPv6): the sockets,
 * the timers, and the sessions shared by whoever watches an address --
 * a BGP neighbour, a router-mode backend.  A session lives while it has
 * watchers; the sockets while there is a session.
 */

struct bfd_watch;

/*
 * The daemon's event base, made so that BFD goes first: BFD's timers and
 * sockets in the highest priority, libevent's default, the middle one
 * (probes, BGP, timers), next, control clients (ctl.c) after them, and
 * the exec machinery in the lowest (proc.c: queued checks, reaping, the
 * children's stderr), so that 2,000 exec checks do not keep `anycastctl`
 * waiting (tests/integration/test_exec_bounds.py).  The loop looks for
 * BFD's again after a few ms of callbacks of the rest (thousands of
 * checks firing together would otherwise delay a BFD packet by the whole
 * burst).
 */
struct event_base *bfd_event_base_new(void);

/* Called when the session goes Up (UP 1) or leaves Up (UP 0). */
typedef void	(*bfd_cb)(void *arg, int up);

/*
 * Watch the BFD session to PEER (made if new, with C's timers; SOURCE,
 * if set, is our address).  The callback is not called from here.
 */
struct bfd_watch *bfd_watch(struct event_base *, const struct addr *peer,
		    const struct addr *source, const struct bfd_conf *c,
		    bfd_cb, void *arg);
void		 bfd_unwatch(struct bfd_watch *);

int		 bfd_watch_up(const struct bfd_watch *);
/* Its session, for status; read only. */
const struct bfd_session *bfd_watch_session(const struct bfd_watch *);
/* State, timers, counters and the last down diagnostic. */
json_object	*bfd_watch_json(const struct bfd_watch *);

#endif
