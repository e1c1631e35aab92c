/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PROC_H
#define ANYCASTD_PROC_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdint.h>
#include <event2/event.h>

/*
 * Child processes (exec checks, hooks) without ever blocking the loop:
 * spawned with vfork in their own process group, their stderr framed
 * into the log, reaped from SIGCHLD, reported by callback.  Whatever a
 * child leaves behind is killed when it exits (proc_orphan.h).
 *
 * Exec checks take a slot: at most `exec limit` run at once, the rest
 * wait in a queue that is served at the loop's lowest priority, after
 * every timer, socket and signal that is ready.
 */

#define PROC_LIMIT_DEFAULT	16	/* exec checks in flight */
#define PROC_LIMIT_MAX		4096

/* LABEL: as given to proc_spawn. */
typedef void (*proc_exit_fn)(pid_t, int wstatus, const char *label,
    void *arg);

/* Waiting for a slot: READY is called with one held, and must spawn
 * with PROC_SLOT (or give up); LATE_MS is how long it waited. */
struct proc_wait {
	TAILQ_ENTRY(proc_wait)	 entry;
	void			(*ready)(struct proc_wait *, uint64_t late_ms);
	uint64_t		 since_ms;
	int			 queued;
};

#define PROC_SLOT	0x1	/* counts against the limit */

struct proc_stats {
	unsigned	limit;
	unsigned	running;	/* holding a slot */
	unsigned	queued;
	uint64_t	spawned;	/* since start */
	uint64_t	orphans_killed;
};

void	proc_init(struct event_base *);
void	proc_set_limit(unsigned);
/*
 * ENV: extra NAME=VALUE strings, NULL-terminated, or NULL.  LABEL names
 * the child in the log ("check dns/zones").  -1 on error.
 */
pid_t	proc_spawn(char *const argv[], char *const env[], const char *label,
	    int flags, proc_exit_fn, void *arg);
/* Kill the process group and drop the callback; it is still reaped. */
void	proc_kill(pid_t);
void	proc_wait_slot(struct proc_wait *);
void	proc_wait_cancel(struct proc_wait *);
void	proc_get_stats(struct proc_stats *);
/* Kill every child and everything they left, reap them all. */
void	proc_shutdown(void);

#endif
