/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_FMT_H
#define ANYCASTD_FMT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/*
 * Values written for people, in log lines: capability masks by name,
 * durations in the largest sensible unit.
 */

/* "CAP_NET_ADMIN,CAP_NET_BIND_SERVICE"; "none" for 0. */
void	 fmt_caps(unsigned long long mask, char *, size_t);
/* 10000 -> "10s", 9987 -> "10s", 1500 -> "1.5s", 250 -> "250ms",
 * 90000 -> "1m30s". */
void	 fmt_duration(uint64_t ms, char *, size_t);
/* Microseconds as a JSON number of milliseconds, printed to the
 * microsecond: 258 -> 0.258, never 0.25800000000000001. */
json_object *fmt_ms_json(uint64_t us);

#endif
