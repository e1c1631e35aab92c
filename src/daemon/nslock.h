/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_NSLOCK_H
#define ANYCASTD_NSLOCK_H

#include <stddef.h>

#include <event2/event.h>

/*
 * One anycastd per network namespace.  The lock is the abstract Unix
 * socket "@anycastd": abstract names live in the network namespace, not
 * in a file system, so the lock is the namespace's whatever mount
 * namespace, chroot or private /run each copy has (containers of one pod
 * share a network namespace but not their files), and the kernel frees it
 * when its holder dies, even by SIGKILL: there is never a stale lock to
 * clean.  Whoever connects to it is told "pid PID config PATH" of the
 * holder.
 */

/* Take the lock: the socket, kept for the process' life; -1 with err
 * naming the running anycastd (its PID and config) when it is held. */
int	nslock_take(const char *config, char *err, size_t errlen);
/* Answer those who ask who holds it, from the event loop. */
void	nslock_serve(struct event_base *, int fd);
void	nslock_close(void);

#endif
