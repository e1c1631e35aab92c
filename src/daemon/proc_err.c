/* SPDX-License-Identifier: ISC */
/*
 * Framing a child's standard error.  Before this, a check's stderr was
 * the daemon's own: a line without a newline was glued to the next log
 * line, and a check could print something that looked like a daemon
 * line.  Now every line is one log line of its own, "<label>: stderr:
 * <escaped text>", so nothing a child writes can pass for the daemon.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/proc_err.h"

void
proc_err_init(struct proc_err *pe, const char *label, proc_err_out_fn out,
    void *arg)
{
	memset(pe, 0, sizeof(*pe));
	snprintf(pe->label, sizeof(pe->label), "%s", label);
	pe->out = out;
	pe->arg = arg;
}

size_t
proc_err_escape(char *dst, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 c;
	size_t		 i, n = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		if (c == '\\') {
			dst[n++] = '\\';
			dst[n++] = '\\';
		} else if (c == '\t') {
			dst[n++] = '\\';
			dst[n++] = 't';
		} else if (c == '\n') {
			dst[n++] = '\\';
			dst[n++] = 'n';
		} else if (c >= 0x20 && c < 0x7f)
			dst[n++] = (char)c;
		else {
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		}
	}
	dst[n] = '\0';
	return n;
}

static void
emit(struct proc_err *pe)
{
	char line[4 * PROC_ERR_LINE_MAX + 64];
	size_t n;

	if (pe->lines < PROC_ERR_LINES_MAX) {
		n = proc_err_escape(line, pe->buf, pe->len);
		if (pe->cut)
			snprintf(line + n, sizeof(line) - n, " [%zu more "
			    "bytes cut]", pe->cut);
		pe->out(pe->label, line, pe->arg);
		pe->lines++;
	} else
		pe->dropped += pe->len + pe->cut + 1;
	pe->len = 0;
	pe->cut = 0;
}

void
proc_err_feed(struct proc_err *pe, const char *p, size_t n)
{
	const char	*nl;
	size_t		 take, room;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		room = sizeof(pe->buf) - pe->len;
		if (take <= room) {
			memcpy(pe->buf + pe->len, p, take);
			pe->len += take;
		} else {
			memcpy(pe->buf + pe->len, p, room);
			pe->len += room;
			pe->cut += take - room;
		}
		if (nl == NULL)
			return;
		emit(pe);
		p += take + 1;
		n -= take + 1;
	}
}

void
proc_err_flush(struct proc_err *pe)
{
	char note[64];

	if (pe->len > 0 || pe->cut > 0)
		emit(pe);
	if (pe->dropped > 0) {
		snprintf(note, sizeof(note), "[%zu more bytes of stderr "
		    "dropped]", pe->dropped);
		pe->out(pe->label, note, pe->arg);
		pe->dropped = 0;
	}
}
