/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PROC_H
#define ANYCASTD_PROC_H

#include <sys/types.h>
#include <event2/event.h>

/*
 * Child processes (exec checks, hooks) without ever blocking the loop:
 * spawned in their own process group, reaped from SIGCHLD, reported by
 * callback.
 */

typedef void (*proc_exit_fn)(pid_t, int wstatus, void *arg);

void	proc_init(struct event_base *);
/* ENV: extra NAME=VALUE strings, NULL-terminated, or NULL. -1 on error. */
pid_t	proc_spawn(char *const argv[], char *const env[], proc_exit_fn,
	    void *arg);
/* Kill the process group and drop the callback; it is still reaped. */
void	proc_kill(pid_t);
void	proc_shutdown(void);

#endif
