/* SPDX-License-Identifier: ISC */
/*
 * A check type's own state (hc.h; the dns check's p95 window, check_dns.c)
 * goes with its check: a reload that keeps the check keeps the state, as
 * it keeps the counters; a check whose config changed starts without it,
 * and the old one is freed with its check (ASan's leak check sees it).
 * The engine runs on a real event base, never dispatched: no probe is
 * sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check/check_dns.h"
#include "dns/dns_window.h"
#include "check/hc.h"

#define P95_CONF(window) \
	"service dns {\n" \
	"\tprefix 192.0.2.53/32;\n" \
	"\tcheck dns auth {\n" \
	"\t\tquery example.test SOA;\n" \
	"\t\tdegraded latency p95 100ms window " window ";\n" \
	"\t}\n" \
	"\tcheck tcp port53 { }\n" \
	"}\n"

static struct conf *
load(const char *text)
{
	char		 err[256];
	struct conf	*c = conf_load_buffer("hc_state_test.conf", text,
			    strlen(text), err, sizeof(err));

	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

static struct hc_check *
check_named(struct hc_engine *e, const char *name)
{
	struct hc_service	*svc = hc_service_find(e, "dns");
	size_t			 i;

	assert_non_null(svc);
	for (i = 0; i < svc->nchecks; i++)
		if (strcmp(svc->checks[i]->conf->name, name) == 0)
			return svc->checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

/* What check_dns.c makes on the first answer, with a sample in it. */
static struct dns_check_state *
give_window(struct hc_check *ck, unsigned cap)
{
	struct dns_check_state *st = xcalloc(1, sizeof(*st));

	st->window = xcalloc(1, sizeof(*st->window));
	dns_window_init(st->window, cap);
	dns_window_add(st->window, 42000);
	ck->state = st;
	return st;
}

static void
test_state_follows_check(void **state)
{
	struct event_base	*base = event_base_new();
	struct hc_engine	 e;
	struct conf		*c1 = load(P95_CONF("20"));
	struct conf		*c2 = load(P95_CONF("20"));
	struct conf		*c3 = load(P95_CONF("30"));
	struct hc_check		*ck, *tcp;
	struct dns_check_state	*w;

	(void)state;
	assert_non_null(base);
	hc_init(&e, base, NULL);
	hc_configure(&e, c1);
	ck = check_named(&e, "auth");
	tcp = check_named(&e, "port53");
	assert_null(ck->state);		/* made on first use */
	assert_null(tcp->state);	/* a tcp check has none */
	w = give_window(ck, 20);

	/* The same config: the same check, its window and its samples. */
	hc_configure(&e, c2);
	conf_free(c1);
	assert_ptr_equal(check_named(&e, "auth"), ck);
	assert_ptr_equal(ck->state, w);
	assert_int_equal(w->window->n, 1);
	assert_ptr_equal(ck->conf, c2->services->checks);

	/* Another window size: a new check, which starts with none; the
	 * old window went with the old check.  The tcp check is kept. */
	hc_configure(&e, c3);
	conf_free(c2);
	assert_null(check_named(&e, "auth")->state);
	assert_ptr_equal(check_named(&e, "port53"), tcp);

	give_window(check_named(&e, "auth"), 30);
	hc_shutdown(&e);		/* frees the state of every check */
	conf_free(c3);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_follows_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
