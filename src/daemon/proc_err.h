/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PROC_ERR_H
#define ANYCASTD_PROC_ERR_H

#include <stddef.h>

/*
 * A child's standard error, framed for the daemon's log: cut into lines,
 * each prefixed with who wrote it, every byte that is not printable ASCII
 * escaped (so a check cannot forge a log line or a terminal sequence),
 * each line capped, and only so many lines per run.
 */

#define PROC_ERR_LINE_MAX	256	/* bytes of one line that are logged */
#define PROC_ERR_LINES_MAX	20	/* lines logged per run */

typedef void (*proc_err_out_fn)(const char *label, const char *line,
    void *arg);

struct proc_err {
	char		 label[160];	/* "check dns/zones", "service dns: hook" */
	char		 buf[PROC_ERR_LINE_MAX];
	size_t		 len;
	size_t		 cut;		/* bytes of this line not kept */
	unsigned	 lines;		/* lines logged so far */
	size_t		 dropped;	/* bytes past the line cap */
	proc_err_out_fn	 out;
	void		*arg;
};

void	proc_err_init(struct proc_err *, const char *label, proc_err_out_fn,
	    void *arg);
void	proc_err_feed(struct proc_err *, const char *, size_t);
/* At the end of the run: the last line without a newline, and a note of
 * what was dropped. */
void	proc_err_flush(struct proc_err *);
/* DST (at least 4 * LEN + 1 bytes): SRC with \\, \n, \t, \xNN escapes. */
size_t	proc_err_escape(char *dst, const char *src, size_t len);

#endif
