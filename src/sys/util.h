/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_UTIL_H
#define ANYCASTD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* An IPv4 or IPv6 address, without port. */
struct addr {
	int		 family;	/* AF_INET or AF_INET6, 0 = unset */
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} u;
};

struct prefix {
	struct addr	 addr;
	uint8_t		 len;
};

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

/* Monotonic milliseconds; tests may freeze it with util_clock_set(). */
uint64_t util_now_ms(void);
/* Monotonic microseconds, for round trips and lateness (never frozen). */
uint64_t util_now_us(void);
/* A duration in ms as a timeval, for libevent's timers. */
struct timeval util_tv(uint64_t ms);
void	 util_clock_set(uint64_t ms);	/* 0 = back to the real clock */

int	 util_parse_duration(const char *, uint64_t *ms);
/* The same with a limit, saying why a string is refused. */
int	 util_parse_duration_max(const char *, uint64_t max, uint64_t *ms,
	    const char **why);
void	 util_fmt_duration(uint64_t ms, char *, size_t);
int	 util_parse_addr(const char *, struct addr *);
int	 util_parse_prefix(const char *, struct prefix *);
const char *util_fmt_addr(const struct addr *, char *, size_t);
int	 util_addr_eq(const struct addr *, const struct addr *);
int	 util_prefix_overlap(const struct prefix *, const struct prefix *);
void	 util_addr_to_sockaddr(const struct addr *, uint16_t port,
	    struct sockaddr_storage *, socklen_t *);
uint32_t util_random(void);

#endif
