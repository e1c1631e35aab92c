/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PROC_ORPHAN_H
#define ANYCASTD_PROC_ORPHAN_H

#include <sys/types.h>

/*
 * Orphans: the daemon is a child subreaper (PR_SET_CHILD_SUBREAPER), so
 * whatever a check or hook left running -- in a new session, with SIGTERM
 * ignored, double-forked -- becomes our child when its parent exits.
 * Every child of ours that proc.c did not start is such a leftover.
 */

/* Become the subreaper of everything we start; -1 if the kernel says no. */
int	proc_orphan_init(void);
/*
 * SIGKILL each child of this process for which TRACKED says no (and the
 * process group it leads).  Returns how many were killed.
 */
unsigned proc_orphan_kill(int (*tracked)(pid_t));

#endif
