/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HISTORY_H
#define ANYCASTD_HISTORY_H

#include <stdint.h>

#include <json-c/json.h>

/*
 * The last state transitions of services and checks, as IOS `show track`
 * keeps them: when, from, to, why.  A ring of HISTORY_MAX entries for the
 * whole daemon, and a count of changes per service and check that the
 * ring's turning does not lose; each entry says which change it was.
 */
#define HISTORY_MAX	256

/* CHECK NULL: the service itself changed. */
void		 history_add(const char *service, const char *check,
		    const char *from, const char *to, const char *reason);
/* Changes of SERVICE (CHECK NULL: of the service itself) since start. */
uint64_t	 history_changes(const char *service, const char *check);
/* {"history":[...oldest first...]}; SERVICE NULL: all. */
json_object	*history_json(const char *service);
void		 history_clear(void);

/* Wall-clock time of a monotonic ms instant, as "2026-12-04T17:50:01.123Z"
 * and as Unix seconds. */
void		 history_fmt_time(uint64_t mono_ms, char *, size_t);
double		 history_unix_time(uint64_t mono_ms);

#endif
