/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/dns/dns_ident.c: one identity per server, shared by its
 * checks; asked every DNS_IDENT_EVERY_MS, or DNS_IDENT_RETRY_MS after a
 * loss; a lost answer keeps the last identity until DNS_IDENT_LOST_MAX
 * in a row; waiters told once.  The answers are CHAOS TXT messages
 * built with ldns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_ident.h"

#define KEEP	60000

static struct addr
v4(const char *s)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, &a.u.v4), 1);
	return a;
}

/* "id.server. CH TXT" answered with TXT (NULL: REFUSED, no answer). */
static uint8_t *
answer(const char *txt, size_t *len)
{
	ldns_pkt	*pkt = ldns_pkt_new();
	ldns_rr		*q = NULL, *rr = NULL;
	uint8_t		*wire;
	char		 text[128];

	assert_non_null(pkt);
	ldns_pkt_set_qr(pkt, 1);
	assert_int_equal(ldns_rr_new_question_frm_str(&q, "id.server. CH TXT",
	    NULL, NULL), LDNS_STATUS_OK);
	assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q));
	if (txt != NULL) {
		snprintf(text, sizeof(text), "id.server. 0 CH TXT \"%s\"", txt);
		assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
		    LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr));
	} else
		ldns_pkt_set_rcode(pkt, LDNS_RCODE_REFUSED);
	assert_int_equal(ldns_pkt2wire(&wire, pkt, len), LDNS_STATUS_OK);
	ldns_pkt_free(pkt);
	return wire;
}

static void
answered(struct dns_ident *d, const char *txt, uint64_t now)
{
	size_t	 len;
	uint8_t	*msg = answer(txt, &len);

	dns_ident_answer(d, msg, len, now);
	free(msg);
}

static void
lose(struct dns_ident *d)
{
	struct hc_result r;

	memset(&r, 0, sizeof(r));
	hc_result_set(&r, HC_FAIL, HC_R_TIMEOUT, "timeout after 500ms");
	dns_ident_lost(d, &r);
}

static struct hc_result
judge(struct dns_ident *d, const char *want, uint64_t now, char *note,
    size_t size)
{
	struct hc_result r;

	memset(&r, 0, sizeof(r));
	dns_ident_judge(d, want, now, &r, note, size);
	return r;
}

static int
teardown(void **state)
{
	(void)state;
	dns_ident_clear();
	return 0;
}

/* One entry per server, port and source: the checks of one share it. */
static void
test_shared_per_server(void **state)
{
	struct addr	 s = v4("192.0.2.53"), t = v4("192.0.2.54");
	struct addr	 any, src = v4("192.0.2.1");
	struct dns_ident *a, *b;

	(void)state;
	memset(&any, 0, sizeof(any));
	a = dns_ident_get(&s, 53, &any, 0, KEEP);
	b = dns_ident_get(&s, 53, &any, 10, KEEP);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, dns_ident_get(&t, 53, &any, 10, KEEP));
	assert_ptr_not_equal(a, dns_ident_get(&s, 5353, &any, 10, KEEP));
	assert_ptr_not_equal(a, dns_ident_get(&s, 53, &src, 10, KEEP));
}

/* Every 10 s while answered: fast re-probes and other checks do not ask. */
static void
test_rate(void **state)
{
	struct addr	 s = v4("192.0.2.53"), any;
	struct dns_ident *d;
	uint64_t	 t;
	unsigned	 due = 0;

	(void)state;
	memset(&any, 0, sizeof(any));
	d = dns_ident_get(&s, 53, &any, 0, KEEP);
	assert_true(dns_ident_due(d, 0));
	assert_false(dns_ident_due(d, 0));	/* in flight */
	assert_true(dns_ident_worth_waiting(d));
	answered(d, "site-c", 5);
	assert_false(dns_ident_worth_waiting(d));
	/* Two checks probing every 100 ms for a minute. */
	for (t = 100; t <= 60000; t += 100) {
		if (dns_ident_due(d, t)) {
			due++;
			answered(d, "site-c", t + 1);
		}
		assert_false(dns_ident_due(d, t + 50));
	}
	assert_int_equal(due, 60000 / DNS_IDENT_EVERY_MS);
	assert_int_equal(dns_ident_asked(d), 1 + due);
}

/* A loss is unknown, with a word, until three in a row; then failed. */
static void
test_lost_answers(void **state)
{
	struct addr	 s = v4("192.0.2.53"), any;
	struct dns_ident *d;
	struct hc_result r;
	char		 note[128];

	(void)state;
	memset(&any, 0, sizeof(any));
	d = dns_ident_get(&s, 53, &any, 0, KEEP);
	assert_true(dns_ident_due(d, 0));
	answered(d, "site-c", 0);
	r = judge(d, "site-c", 100, note, sizeof(note));
	assert_int_equal(r.status, HC_OK);
	assert_string_equal(note, "");

	assert_true(dns_ident_due(d, 10000));
	lose(d);
	r = judge(d, "site-c", 10500, note, sizeof(note));
	assert_int_equal(r.status, HC_OK);
	assert_string_equal(note, "id.server: 1 of 3 queries in a row "
	    "unanswered, identity as answered 10s ago");
	/* Another identity is still judged as another. */
	r = judge(d, "site-a", 10500, note, sizeof(note));
	assert_int_equal(r.status, HC_FAIL);
	assert_int_equal(r.reason, HC_R_IDENTITY);

	/* After a loss, the next query comes sooner, not at once. */
	assert_false(dns_ident_due(d, 10000 + DNS_IDENT_RETRY_MS - 1));
	assert_true(dns_ident_due(d, 10000 + DNS_IDENT_RETRY_MS));
	lose(d);
	assert_int_equal(judge(d, "site-c", 12500, note, sizeof(note)).status,
	    HC_OK);
	assert_true(dns_ident_due(d, 14000));
	lose(d);
	r = judge(d, "site-c", 14500, note, sizeof(note));
	assert_int_equal(r.status, HC_FAIL);
	assert_int_equal(r.reason, HC_R_TIMEOUT);
	assert_string_equal(r.detail, "id.server: the last 3 queries "
	    "unanswered (timeout after 500ms)");

	/* One answer and it is known again. */
	assert_true(dns_ident_due(d, 16000));
	answered(d, "site-c", 16001);
	assert_int_equal(judge(d, "site-c", 16002, note, sizeof(note)).status,
	    HC_OK);
	assert_string_equal(note, "");
}

/* Nothing known yet is no identity: the check cannot pass on it. */
static void
test_never_answered(void **state)
{
	struct addr	 s = v4("192.0.2.53"), any;
	struct dns_ident *d;
	struct hc_result r;
	char		 note[128];

	(void)state;
	memset(&any, 0, sizeof(any));
	d = dns_ident_get(&s, 53, &any, 0, KEEP);
	r = judge(d, "site-c", 0, note, sizeof(note));
	assert_int_equal(r.status, HC_FAIL);
	assert_string_equal(r.detail, "id.server: no answer yet");
	assert_true(dns_ident_due(d, 0));
	lose(d);
	r = judge(d, "site-c", 600, note, sizeof(note));
	assert_int_equal(r.status, HC_FAIL);
	assert_string_equal(r.detail, "id.server: never answered, 1 query "
	    "lost (timeout after 500ms)");
	/* A refusal is an answer: judged at once, not counted as lost. */
	assert_true(dns_ident_due(d, DNS_IDENT_RETRY_MS));
	answered(d, NULL, DNS_IDENT_RETRY_MS + 1);
	r = judge(d, "site-c", DNS_IDENT_RETRY_MS + 2, note, sizeof(note));
	assert_int_equal(r.status, HC_FAIL);
	assert_int_equal(r.reason, HC_R_IDENTITY);
	assert_string_equal(r.detail, "no id.server TXT (rcode REFUSED)");
}

struct woken {
	struct dns_ident	*d;
	struct dns_ident_wait	*other;	/* to unwait when woken */
	int			 n;
};

static void
wake_fn(void *arg)
{
	struct woken *w = arg;

	w->n++;
	if (w->other != NULL)
		dns_ident_unwait(w->d, w->other);
}

/* Waiters are told once; one gone (or removed by another) is not. */
static void
test_waiters(void **state)
{
	struct addr		 s = v4("192.0.2.53"), any;
	struct dns_ident	*d;
	struct dns_ident_wait	 wa, wb, wc;
	struct woken		 a, b, c;

	(void)state;
	memset(&any, 0, sizeof(any));
	d = dns_ident_get(&s, 53, &any, 0, KEEP);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	wa = (struct dns_ident_wait){ NULL, wake_fn, &a };
	wb = (struct dns_ident_wait){ NULL, wake_fn, &b };
	wc = (struct dns_ident_wait){ NULL, wake_fn, &c };
	assert_true(dns_ident_due(d, 0));
	dns_ident_wait(d, &wa);
	dns_ident_wait(d, &wb);
	dns_ident_wait(d, &wc);
	dns_ident_unwait(d, &wb);
	/* C is told first (last in); it unwaits A, as a probe freed may. */
	c.d = d;
	c.other = &wa;
	answered(d, "site-c", 10);
	assert_int_equal(a.n, 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(c.n, 1);
	/* Told once: a later answer tells nobody. */
	assert_true(dns_ident_due(d, DNS_IDENT_EVERY_MS + 10));
	answered(d, "site-c", DNS_IDENT_EVERY_MS + 20);
	assert_int_equal(c.n, 1);

	/* An abandoned query tells the waiters and is not a loss. */
	assert_true(dns_ident_due(d, 2 * DNS_IDENT_EVERY_MS + 20));
	c.other = NULL;
	dns_ident_wait(d, &wc);
	dns_ident_abandon(d);
	assert_int_equal(c.n, 2);
	assert_int_equal(judge(d, "site-c", 2 * DNS_IDENT_EVERY_MS + 30, NULL,
	    0).status, HC_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_shared_per_server, teardown),
		cmocka_unit_test_teardown(test_rate, teardown),
		cmocka_unit_test_teardown(test_lost_answers, teardown),
		cmocka_unit_test_teardown(test_never_answered, teardown),
		cmocka_unit_test_teardown(test_waiters, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
