/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_DNS_IDENT_H
#define ANYCASTD_DNS_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "check/hc_result.h"
#include "sys/util.h"

/*
 * A server's identity for `expect id.server`: the answer to "id.server.
 * CH TXT" (RFC 4892), asked at a low rate and shared by every check
 * probing the same server.  Identity changes seldom, and servers limit
 * CHAOS answers hard (BIND's built-in CHAOS view answers 3 a second per
 * client /24 and silently drops the rest), so asking on every probe --
 * and on every fast re-probe of a check in doubt -- would lose answers
 * and keep the check in doubt for ever.
 *
 * Per server (address, port, source): at most one query in flight; a new
 * one only DNS_IDENT_EVERY_MS after the last while answers come, or
 * DNS_IDENT_RETRY_MS after a lost one or before the first answer.  Each
 * check judges the last answer against its own expected text.  A lost
 * answer leaves the identity as last known (the check is not failed for
 * it) until DNS_IDENT_LOST_MAX queries in a row are lost; a server never
 * answered yet has no identity, which fails the check.
 *
 * Pure: no sockets, no clock; check_dns.c asks and tells.
 */

#define DNS_IDENT_EVERY_MS	10000
#define DNS_IDENT_RETRY_MS	2000
#define DNS_IDENT_LOST_MAX	3

struct dns_ident;

/* A probe waiting for the query another probe has in flight. */
struct dns_ident_wait {
	struct dns_ident_wait	*next;
	void			(*fn)(void *);
	void			*arg;
};

/*
 * The identity of SERVER/PORT asked from SOURCE (family 0: any), created
 * when missing.  Identities not used for KEEP_MS are freed.
 */
struct dns_ident *dns_ident_get(const struct addr *server, uint16_t port,
		    const struct addr *source, uint64_t now_ms,
		    uint64_t keep_ms);
/* 1 when a query is due now: the caller sends it, and owns it. */
int		 dns_ident_due(struct dns_ident *, uint64_t now_ms);
/* The query's outcome: an answer, lost (WHY), or abandoned unanswered. */
void		 dns_ident_answer(struct dns_ident *, const uint8_t *msg,
		    size_t len, uint64_t now_ms);
void		 dns_ident_lost(struct dns_ident *, const struct hc_result *);
void		 dns_ident_abandon(struct dns_ident *);
/* 1 while a query is in flight and nothing was ever answered. */
int		 dns_ident_worth_waiting(const struct dns_ident *);
/* Called (once) when the query in flight ends; unwait if gone first. */
void		 dns_ident_wait(struct dns_ident *, struct dns_ident_wait *);
void		 dns_ident_unwait(struct dns_ident *, struct dns_ident_wait *);
/*
 * The verdict for a check expecting WANT.  NOTE gets a word when the
 * verdict stands on an older answer because the last ones were lost.
 */
void		 dns_ident_judge(const struct dns_ident *, const char *want,
		    uint64_t now_ms, struct hc_result *, char *note,
		    size_t size);
/* Queries sent to the server, for tests and the man page's promise. */
uint64_t	 dns_ident_asked(const struct dns_ident *);
void		 dns_ident_clear(void);

#endif
