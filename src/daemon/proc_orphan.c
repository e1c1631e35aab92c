/* SPDX-License-Identifier: ISC */
/*
 * Finding leftovers: the children of this process that proc.c did not
 * start.  The kernel lists each thread's children in
 * /proc/self/task/TID/children (CONFIG_PROC_CHILDREN, on in Debian's
 * kernels); that file is our own, so it answers also when /proc hides
 * other users' processes (ProtectProc=invisible in the shipped unit) and
 * the leftovers, which run as the exec user, have no visible /proc entry.
 * A kernel without it gets the old way: the parent pid of every process
 * from /proc/N/stat, which sees only the processes /proc shows.  Either
 * costs little; proc.c runs it only after a child exited, and at most
 * every PROC_SWEEP_MS.
 *
 * Killing by pid is safe from reuse: a child of ours keeps its pid until
 * we reap it, and reaping happens only in the loop, not during a sweep.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sys/log.h"
#include "daemon/proc_orphan.h"
#include "sys/procfs.h"

static int	no_children_file;	/* the kernel lacks it: scan /proc */

/* Kill PID, a child of ours, unless TRACKED says it is one we started. */
static unsigned
leftover(pid_t pid, int (*tracked)(pid_t))
{
	pid_t	pgid;

	if (tracked(pid))
		return 0;
	/* A leftover leading its own group (setsid) takes the group with
	 * it; never our own group.  getpgid needs no /proc. */
	pgid = getpgid(pid);
	if (pgid == pid && pgid != getpgrp())
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	return 1;
}

/* The children of every thread of ours; -1 when the kernel has no
 * children file. */
static int
from_children_files(int (*tracked)(pid_t), unsigned *n)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*f;
	char		 path[300];
	int		 pid, opened = 0;

	if ((d = opendir("/proc/self/task")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
		    de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;	/* a thread that ended, or no file */
		opened = 1;
		while (fscanf(f, "%d", &pid) == 1)
			*n += leftover((pid_t)pid, tracked);
		fclose(f);
	}
	closedir(d);
	return opened ? 0 : -1;
}

/* Parent of PID from /proc/PID/stat; -1 if gone or hidden. */
static pid_t
parent_of(const char *pid)
{
	char	 path[64], buf[512], *p;
	ssize_t	 n;
	int	 fd, pp;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold anything. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1, " %*c %d",
	    &pp) != 1)
		return -1;
	return (pid_t)pp;
}

static void
from_proc_scan(int (*tracked)(pid_t), unsigned *n)
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 self = getpid();

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]) &&
		    parent_of(de->d_name) == self)
			*n += leftover((pid_t)atoi(de->d_name), tracked);
	closedir(d);
}

int
proc_orphan_init(void)
{
	char	path[64];

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	    (int)getpid());
	no_children_file = access(path, R_OK) == -1;
	if (no_children_file && procfs_hides_others() != 0)
		log_warn("this kernel has no /proc/PID/task/TID/children "
		    "(CONFIG_PROC_CHILDREN) and /proc hides other users' "
		    "processes: what exec checks and hooks leave running "
		    "in a session of its own cannot be found and killed");
	return 0;
}

unsigned
proc_orphan_kill(int (*tracked)(pid_t))
{
	unsigned n = 0;

	if (no_children_file || from_children_files(tracked, &n) == -1)
		from_proc_scan(tracked, &n);
	return n;
}
