/* SPDX-License-Identifier: ISC */
/*
 * Whether /proc hides other users' processes, from the mount options of
 * the /proc we see (the last proc mount on /proc in /proc/self/mountinfo:
 * a later mount covers an earlier one).  The kernel shows hidepid= among
 * the superblock options only when it is on, as a word ("invisible",
 * "noaccess", "ptraceable") or, before Linux 5.8, a number; "off" and 0
 * are treated as not hiding in case a kernel ever prints them.
 * Reading /proc/self/mountinfo needs nothing but our own pid directory,
 * so it works under ProcSubset=pid too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/procfs.h"

#define MOUNTINFO_MAX	(1024 * 1024)

/* FIELD number N (0-based, space-separated) of LINE, copied to BUF. */
static int
field(const char *line, int n, char *buf, size_t len)
{
	size_t	k;

	while (n-- > 0) {
		line = strchr(line, ' ');
		if (line == NULL)
			return -1;
		line++;
	}
	k = strcspn(line, " \n");
	if (k >= len)
		return -1;
	memcpy(buf, line, k);
	buf[k] = '\0';
	return 0;
}

/* hidepid= in the superblock options OPTS, other than off. */
static int
opts_hide(const char *opts)
{
	const char	*p = opts;
	size_t		 k;

	while (*p) {
		k = strcspn(p, ",");
		if (k > 8 && strncmp(p, "hidepid=", 8) == 0)
			return !((k == 11 && strncmp(p + 8, "off", 3) == 0) ||
			    (k == 9 && p[8] == '0'));
		p += k + (p[k] == ',');
	}
	return 0;
}

/* The proc mount on /proc in one line of mountinfo: 1 hides, 0 shows,
 * -1 not that mount. */
static int
line_hides(const char *line)
{
	const char	*sep;
	char		 mnt[64], fstype[32], opts[512];

	/* "ID PARENT DEV ROOT MOUNTPOINT ... - FSTYPE SOURCE SUPEROPTIONS" */
	if (field(line, 4, mnt, sizeof(mnt)) == -1 ||
	    strcmp(mnt, "/proc") != 0)
		return -1;
	if ((sep = strstr(line, " - ")) == NULL ||
	    field(sep + 3, 0, fstype, sizeof(fstype)) == -1 ||
	    strcmp(fstype, "proc") != 0 ||
	    field(sep + 3, 2, opts, sizeof(opts)) == -1)
		return -1;
	return opts_hide(opts);
}

int
procfs_mountinfo_hides(const char *text)
{
	const char	*line;
	char		*copy;
	size_t		 len;
	int		 found = -1, h;

	for (line = text; *line; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		if ((copy = strndup(line, len)) == NULL)
			return -1;
		if ((h = line_hides(copy)) != -1)
			found = h;
		free(copy);
	}
	return found;
}

int
procfs_hides_others(void)
{
	FILE	*f;
	char	*text;
	size_t	 n;
	int	 rv;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	if ((text = malloc(MOUNTINFO_MAX + 1)) == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(text, 1, MOUNTINFO_MAX, f);
	fclose(f);
	text[n] = '\0';
	rv = procfs_mountinfo_hides(text);
	free(text);
	return rv;
}
