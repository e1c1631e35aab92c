/* SPDX-License-Identifier: ISC */
/*
 * Small helpers every part uses: allocation that cannot fail silently,
 * the one monotonic clock (which unit tests freeze), durations with units,
 * and addresses and prefixes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sys/log.h"
#include "sys/util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatalx_oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		fatalx_oom();
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t sz)
{
	void *p = reallocarray(old, n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		fatalx_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatalx_oom();
	return p;
}

static uint64_t frozen_ms;

uint64_t
util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
util_now_ms(void)
{
	struct timespec ts;

	if (frozen_ms)
		return frozen_ms;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct timeval
util_tv(uint64_t ms)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	return tv;
}

void
util_clock_set(uint64_t ms)
{
	frozen_ms = ms;
}

/*
 * "1500ms", "2s", "1m30s", "1h": a sequence of number+unit pairs, at
 * most MAX ms in all.  A bare number is refused: a duration without a
 * unit is a mistake waiting to happen (seconds or milliseconds?).  The
 * config and anycastctl both parse with this, each with its own MAX.
 */
int
util_parse_duration_max(const char *s, uint64_t max, uint64_t *ms,
    const char **why)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 },
	};
	const char	*u;
	uint64_t	 total = 0, n, mult;
	size_t		 i, ulen;

	if (*s == '\0') {
		*why = "empty duration";
		return -1;
	}
	while (*s != '\0') {
		if (*s < '0' || *s > '9') {
			*why = "expected a number, as in 300ms, 10s, 5m, 1h "
			    "or 1m30s";
			return -1;
		}
		for (n = 0; *s >= '0' && *s <= '9'; s++) {
			if (n > (max - (uint64_t)(*s - '0')) / 10) {
				*why = "duration too long";
				return -1;
			}
			n = n * 10 + (uint64_t)(*s - '0');
		}
		if (*s == '.') {
			*why = "whole numbers only: write 1s500ms, not 1.5s";
			return -1;
		}
		for (u = s; (*s >= 'a' && *s <= 'z') || (*s >= 'A' &&
		    *s <= 'Z'); s++)
			;
		if ((ulen = (size_t)(s - u)) == 0) {
			*why = "number without a unit (ms, s, m, h or d)";
			return -1;
		}
		mult = 0;
		for (i = 0; i < nitems(units); i++)
			if (strlen(units[i].unit) == ulen &&
			    strncmp(units[i].unit, u, ulen) == 0)
				mult = units[i].ms;
		if (mult == 0) {
			*why = "unknown unit (use ms, s, m, h or d)";
			return -1;
		}
		if (n > (max - total) / mult) {
			*why = "duration too long";
			return -1;
		}
		total += n * mult;
	}
	*ms = total;
	return 0;
}

/* A config's duration: at most 2^32-1 seconds. */
int
util_parse_duration(const char *s, uint64_t *ms)
{
	const char *why;

	return util_parse_duration_max(s, (uint64_t)UINT32_MAX * 1000, ms,
	    &why);
}

/* The shortest exact form: 1500 -> "1500ms", 90000 -> "1m30s". */
void
util_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 },
		{ "s", 1000 }, { "ms", 1 },
	};
	size_t	 i, off = 0;

	if (ms == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	if (ms % 1000 != 0 && ms < 60000) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < nitems(units) && off < len; i++) {
		if (ms >= units[i].ms) {
			int n = snprintf(buf + off, len - off, "%llu%s",
			    (unsigned long long)(ms / units[i].ms),
			    units[i].unit);
			if (n < 0)
				return;
			off += (size_t)n;
			ms %= units[i].ms;
		}
	}
}

int
util_parse_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a->u.v6) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

static int
addr_bit(const struct addr *a, unsigned bit)
{
	const uint8_t *b = a->family == AF_INET ?
	    (const uint8_t *)&a->u.v4 : a->u.v6.s6_addr;

	return (b[bit / 8] >> (7 - bit % 8)) & 1;
}

/*
 * "192.0.2.53/32", or a bare address meaning a host prefix.  Host bits
 * beyond the length are refused rather than silently cleared: the
 * operator meant something else.
 */
int
util_parse_prefix(const char *s, struct prefix *p)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long	 len;
	unsigned	 max, bit;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (util_parse_addr(buf, &p->addr) == -1)
		return -1;
	max = p->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || errno || len > max)
			return -1;
	}
	p->len = (uint8_t)len;
	for (bit = p->len; bit < max; bit++)
		if (addr_bit(&p->addr, bit))
			return -1;
	return 0;
}

const char *
util_fmt_addr(const struct addr *a, char *buf, size_t len)
{
	if (a->family == 0 ||
	    inet_ntop(a->family, &a->u, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int
util_addr_eq(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
	return 1;
}

/* Two prefixes overlap when one contains the other. */
int
util_prefix_overlap(const struct prefix *a, const struct prefix *b)
{
	unsigned bit, len = a->len < b->len ? a->len : b->len;

	if (a->addr.family != b->addr.family)
		return 0;
	for (bit = 0; bit < len; bit++)
		if (addr_bit(&a->addr, bit) != addr_bit(&b->addr, bit))
			return 0;
	return 1;
}

void
util_addr_to_sockaddr(const struct addr *a, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *slen)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->u.v4;
		*slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->u.v6;
		*slen = sizeof(*sin6);
	}
}

uint32_t
util_random(void)
{
	static uint32_t	 pool[64];	/* 256 bytes: never a short read */
	static size_t	 left;
	uint32_t	 r;

	/*
	 * The kernel's random bytes, 64 numbers a call: a system call for
	 * each was 5 % of the CPU at 10,000 probes a second.  A number
	 * given out is wiped.  (A forked child execs before it asks.)
	 */
	if (left == 0) {
		if (getrandom(pool, sizeof(pool), 0) != sizeof(pool))
			fatal("getrandom: %s", strerror(errno));
		left = nitems(pool);
	}
	r = pool[--left];
	pool[left] = 0;
	return r;
}
