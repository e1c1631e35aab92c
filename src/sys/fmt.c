/* SPDX-License-Identifier: ISC */
/*
 * Values written for people.  Log lines are read by operators in a hurry:
 * "capabilities 0x1000" and "draining for 9987ms" make them reach for a
 * header file or a calculator.  And the milliseconds of the control
 * socket's JSON (status.c, bfd.c), printed as they were measured.
 */
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>

#include "sys/fmt.h"
#include "sys/util.h"

static const struct {
	int		 bit;
	const char	*name;
} cap_names[] = {
	{ CAP_CHOWN, "CAP_CHOWN" },
	{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" },
	{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
	{ CAP_FOWNER, "CAP_FOWNER" },
	{ CAP_KILL, "CAP_KILL" },
	{ CAP_SETGID, "CAP_SETGID" },
	{ CAP_SETUID, "CAP_SETUID" },
	{ CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	{ CAP_NET_RAW, "CAP_NET_RAW" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
};

void
fmt_caps(unsigned long long mask, char *buf, size_t len)
{
	size_t	 i, off = 0;
	int	 n;

	snprintf(buf, len, "none");
	for (i = 0; i < nitems(cap_names) && off < len; i++) {
		if (!(mask & (1ULL << cap_names[i].bit)))
			continue;
		mask &= ~(1ULL << cap_names[i].bit);
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
		    cap_names[i].name);
		if (n < 0)
			return;
		off += (size_t)n;
	}
	if (mask && off < len)	/* a bit without a name here: its number */
		snprintf(buf + off, len - off, "%s0x%llx", off ? "," : "",
		    mask);
}

void
fmt_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t tenths = (ms + 50) / 100;

	if (ms < 1000) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return;
	}
	if (tenths < 100 && tenths % 10 != 0) {
		snprintf(buf, len, "%llu.%llus", (unsigned long long)tenths / 10,
		    (unsigned long long)tenths % 10);
		return;
	}
	/* Whole seconds from here on: 9987 ms is "10s", not "9987ms". */
	util_fmt_duration((ms + 500) / 1000 * 1000, buf, len);
}

/* The number and the text it is printed as, which json-c would otherwise
 * print with all the digits of the double. */
json_object *
fmt_ms_json(uint64_t us)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu.%03llu",
	    (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
	return json_object_new_double_s((double)us / 1000.0, text);
}
