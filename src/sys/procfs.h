/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PROCFS_H
#define ANYCASTD_PROCFS_H

/*
 * What /proc shows us.  Under systemd's ProtectProc=invisible (the
 * shipped unit) or a /proc mounted with hidepid=, the processes of other
 * users are missing from /proc: a scan of /proc then cannot tell whether
 * a uid is in use, nor find a child that became another user.
 */

/* 1: /proc hides other users' processes; 0: it shows them all; -1: the
 * mount table cannot be read (callers assume the worst). */
int	procfs_hides_others(void);
/* The same, from the text of a /proc/self/mountinfo (unit tests). */
int	procfs_mountinfo_hides(const char *mountinfo);

#endif
