/* SPDX-License-Identifier: ISC */
/*
 * The identity of each probed server, asked seldom and shared
 * (dns_ident.h says why).  A plain list: one entry per server address
 * that some check expects an id.server of, which is a few, or one per
 * backend in router mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_ident.h"
#include "dns/dns_judge.h"

#define GC_EVERY_MS	60000

struct dns_ident {
	struct dns_ident	*next;
	struct addr		 server, source;
	uint16_t		 port;
	uint64_t		 used_ms, keep_ms;

	int			 asking;	/* a query in flight */
	uint64_t		 asked_ms;	/* when the last one went out */
	uint64_t		 asked;		/* queries sent, ever */
	uint8_t			*msg;		/* the last answer */
	size_t			 len;
	uint64_t		 answered_ms;
	unsigned		 lost;		/* queries lost in a row */
	struct hc_result	 why_lost;	/* the last loss */
	struct dns_ident_wait	*waiters;
};

static struct dns_ident	*idents;
static uint64_t		 gc_at;

static void
ident_free(struct dns_ident *d)
{
	free(d->msg);
	free(d);
}

static void
gc(uint64_t now_ms)
{
	struct dns_ident **pp, *d;

	for (pp = &idents; (d = *pp) != NULL;) {
		if (!d->asking && d->waiters == NULL &&
		    now_ms - d->used_ms > d->keep_ms) {
			*pp = d->next;
			ident_free(d);
		} else
			pp = &d->next;
	}
}

static int
same_source(const struct addr *a, const struct addr *b)
{
	if (a->family == 0 || b->family == 0)
		return a->family == b->family;
	return util_addr_eq(a, b);
}

struct dns_ident *
dns_ident_get(const struct addr *server, uint16_t port,
    const struct addr *source, uint64_t now_ms, uint64_t keep_ms)
{
	struct dns_ident *d;

	if (now_ms >= gc_at) {
		gc(now_ms);
		gc_at = now_ms + GC_EVERY_MS;
	}
	for (d = idents; d != NULL; d = d->next)
		if (d->port == port && util_addr_eq(&d->server, server) &&
		    same_source(&d->source, source))
			break;
	if (d == NULL) {
		d = xcalloc(1, sizeof(*d));
		d->server = *server;
		d->source = *source;
		d->port = port;
		d->next = idents;
		idents = d;
	}
	d->used_ms = now_ms;
	if (keep_ms > d->keep_ms)
		d->keep_ms = keep_ms;
	return d;
}

int
dns_ident_due(struct dns_ident *d, uint64_t now_ms)
{
	uint64_t gap = d->msg != NULL && d->lost == 0 ? DNS_IDENT_EVERY_MS :
	    DNS_IDENT_RETRY_MS;

	if (d->asking || (d->asked > 0 && now_ms - d->asked_ms < gap))
		return 0;
	d->asking = 1;
	d->asked_ms = now_ms;
	d->asked++;
	return 1;
}

/* Tell the waiters, one at a time: a waiter may unwait another. */
static void
wake(struct dns_ident *d)
{
	struct dns_ident_wait *w;

	while ((w = d->waiters) != NULL) {
		d->waiters = w->next;
		w->next = NULL;
		w->fn(w->arg);
	}
}

void
dns_ident_answer(struct dns_ident *d, const uint8_t *msg, size_t len,
    uint64_t now_ms)
{
	free(d->msg);
	d->msg = xreallocarray(NULL, len ? len : 1, 1);
	memcpy(d->msg, msg, len);
	d->len = len;
	d->answered_ms = now_ms;
	d->lost = 0;
	d->asking = 0;
	wake(d);
}

void
dns_ident_lost(struct dns_ident *d, const struct hc_result *why)
{
	d->lost++;
	d->why_lost = *why;
	d->asking = 0;
	wake(d);
}

void
dns_ident_abandon(struct dns_ident *d)
{
	d->asking = 0;
	wake(d);
}

int
dns_ident_worth_waiting(const struct dns_ident *d)
{
	return d->asking && d->msg == NULL;
}

void
dns_ident_wait(struct dns_ident *d, struct dns_ident_wait *w)
{
	w->next = d->waiters;
	d->waiters = w;
}

void
dns_ident_unwait(struct dns_ident *d, struct dns_ident_wait *w)
{
	struct dns_ident_wait **pp;

	for (pp = &d->waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			w->next = NULL;
			return;
		}
}

void
dns_ident_judge(const struct dns_ident *d, const char *want,
    uint64_t now_ms, struct hc_result *res, char *note, size_t size)
{
	char age[32];

	if (size > 0)
		note[0] = '\0';
	if (d->lost >= DNS_IDENT_LOST_MAX) {
		hc_result_set(res, HC_FAIL, d->why_lost.reason, "id.server: "
		    "the last %u queries unanswered (%s)", d->lost,
		    d->why_lost.detail);
		return;
	}
	if (d->msg == NULL && d->lost > 0) {
		hc_result_set(res, HC_FAIL, d->why_lost.reason, "id.server: "
		    "never answered, %u %s lost (%s)", d->lost,
		    d->lost == 1 ? "query" : "queries", d->why_lost.detail);
		return;
	}
	if (d->msg == NULL) {
		hc_result_set(res, HC_FAIL, HC_R_IDENTITY, "id.server: no "
		    "answer yet");
		return;
	}
	dns_judge_id_server(d->msg, d->len, want, res);
	if (d->lost > 0 && size > 0) {
		/* Whole seconds: "10s", not "10512ms". */
		util_fmt_duration((now_ms - d->answered_ms) / 1000 * 1000, age,
		    sizeof(age));
		snprintf(note, size, "id.server: %u of %u queries in a row "
		    "unanswered, identity as answered %s ago", d->lost,
		    DNS_IDENT_LOST_MAX, age);
	}
}

uint64_t
dns_ident_asked(const struct dns_ident *d)
{
	return d->asked;
}

void
dns_ident_clear(void)
{
	struct dns_ident *d;

	while ((d = idents) != NULL) {
		idents = d->next;
		ident_free(d);
	}
	gc_at = 0;
}
