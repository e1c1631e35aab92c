/* SPDX-License-Identifier: ISC */
/*
 * Finding leftovers.  Linux has no cheap list of a process's children
 * (/proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN, often off),
 * so this reads the parent pid of every process from /proc/N/stat.  It
 * costs a few milliseconds with a few hundred processes; proc.c runs it
 * only after a child exited, and at most every PROC_SWEEP_MS.
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

#include "proc_orphan.h"

int
proc_orphan_init(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* Parent and process group of PID from /proc/PID/stat; -1 if gone. */
static int
stat_of(const char *pid, pid_t *ppid, pid_t *pgid)
{
	char	 path[64], buf[512], *p;
	ssize_t	 n;
	int	 fd, pp, pg;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid pgrp ...": comm may hold anything. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %d %d", &pp, &pg) != 2)
		return -1;
	*ppid = pp;
	*pgid = pg;
	return 0;
}

unsigned
proc_orphan_kill(int (*tracked)(pid_t))
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 self = getpid(), mygroup = getpgrp(), pid, ppid, pgid;
	unsigned	 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (stat_of(de->d_name, &ppid, &pgid) == -1 || ppid != self)
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (tracked(pid))
			continue;
		/* A leftover leading its own group (setsid) takes the
		 * group with it; never our own group. */
		if (pgid == pid && pgid != mygroup)
			kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		n++;
	}
	closedir(d);
	return n;
}
