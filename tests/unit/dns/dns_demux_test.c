/* SPDX-License-Identifier: ISC */
/*
 * The demultiplexer of a shared UDP probe socket: which query in flight
 * a datagram answers, and what is ignored and counted -- an id taken
 * twice, a wrong source, a wrong question, a late answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns_demux.h"

static struct dns_demux	 dm;
static struct addr	 server, other;

struct user {
	struct dns_demux_user	 d;
	struct dns_query	 q;
};

static int
setup(void **state)
{
	(void)state;
	memset(&dm, 0, sizeof(dm));
	assert_int_equal(util_parse_addr("192.0.2.53", &server), 0);
	assert_int_equal(util_parse_addr("198.51.100.7", &other), 0);
	return 0;
}

/* U asks NAME of TO:53 with id ID; returns the id it got. */
static uint16_t
add(struct user *u, const char *name, const struct addr *to, uint16_t id)
{
	int got;

	memset(u, 0, sizeof(*u));
	u->q.qname = name;
	u->q.qtype = 1;
	u->q.qclass = 1;
	u->d.q = &u->q;
	u->d.server = *to;
	u->d.port = 53;
	u->q.id = id;
	got = dns_demux_add(&dm, &u->d);
	assert_int_equal(got, u->q.id);
	return u->q.id;
}

/* The answer to Q (its query with QR set), with id ID and name NAME. */
static uint8_t *
answer(const struct user *u, uint16_t id, const char *name, size_t *len)
{
	struct dns_query	 q = u->q;
	uint8_t			*wire;

	q.id = id;
	q.qname = name;
	assert_int_equal(dns_wire_query(&q, &wire, len), 0);
	wire[2] |= 0x80;
	return wire;
}

static struct dns_demux_user *
deliver(const struct user *u, const struct addr *from, uint16_t port,
    uint16_t id, const char *name)
{
	struct dns_demux_user	*got;
	enum dns_wire_class	 c = DNS_WIRE_NOT_OURS;
	struct dns_msg		 read;
	uint8_t			*wire;
	size_t			 len;

	wire = answer(u, id, name, &len);
	got = dns_demux_match(&dm, from, port, wire, len, &c, &read);
	/* An answer ours is handed on as read, for the judge. */
	if (got != NULL) {
		assert_int_equal(c, DNS_WIRE_OURS);
		assert_ptr_equal(read.wire, wire);
		assert_int_equal(read.id, id);
	}
	free(wire);
	return got;
}

static void
test_answer_matched(void **state)
{
	struct user	 a, b;
	uint16_t	 ia, ib;

	(void)state;
	ia = add(&a, "a.example.test.", &server, 100);
	ib = add(&b, "b.example.test.", &server, 200);
	assert_int_equal(dm.live, 2);
	assert_ptr_equal(deliver(&b, &server, 53, ib, "b.example.test."),
	    &b.d);
	assert_ptr_equal(deliver(&a, &server, 53, ia, "a.example.test."),
	    &a.d);
	assert_int_equal(a.d.bogus + b.d.bogus, 0);
	assert_int_equal(dm.stray + dm.late, 0);
}

/* Two queries never share an id on one socket, even after one ended. */
static void
test_id_collision(void **state)
{
	struct user	 a, b, c;
	uint16_t	 ia, ib, ic;

	(void)state;
	ia = add(&a, "a.example.test.", &server, 7);
	ib = add(&b, "a.example.test.", &server, 7);
	assert_int_equal(ia, 7);
	assert_int_not_equal(ib, 7);
	dns_demux_end(&dm, &a.d);
	ic = add(&c, "a.example.test.", &server, 7);
	assert_int_not_equal(ic, 7);
	assert_int_not_equal(ic, ib);
	/* Each answer goes to its own query alone. */
	assert_ptr_equal(deliver(&b, &server, 53, ib, "a.example.test."),
	    &b.d);
	assert_ptr_equal(deliver(&c, &server, 53, ic, "a.example.test."),
	    &c.d);
}

/* The right id and question from another address or port: stray. */
static void
test_wrong_source(void **state)
{
	struct user	 a;
	uint16_t	 ia;

	(void)state;
	ia = add(&a, "a.example.test.", &server, 1);
	assert_null(deliver(&a, &other, 53, ia, "a.example.test."));
	assert_null(deliver(&a, &server, 5353, ia, "a.example.test."));
	assert_int_equal(dm.stray, 2);
	assert_int_equal(a.d.bogus, 0);
	assert_ptr_equal(deliver(&a, &server, 53, ia, "a.example.test."),
	    &a.d);
}

/* From the server, a wrong id or question: the query's bogus answer. */
static void
test_wrong_id_or_question(void **state)
{
	struct user	 a;
	uint16_t	 ia;

	(void)state;
	ia = add(&a, "a.example.test.", &server, 1);
	assert_null(deliver(&a, &server, 53, ia ^ 0x5a5a, "a.example.test."));
	assert_int_equal(a.d.bogus, 1);
	assert_int_equal(a.d.bogus_reason, HC_R_BOGUS_ID);
	assert_null(deliver(&a, &server, 53, ia, "other.test."));
	assert_int_equal(a.d.bogus, 2);
	assert_int_equal(a.d.bogus_reason, HC_R_BOGUS_QUESTION);
	assert_int_equal(dm.stray, 0);
	assert_int_equal(dm.live, 1);
	/* Still waiting: the real answer is taken. */
	assert_ptr_equal(deliver(&a, &server, 53, ia, "a.example.test."),
	    &a.d);
}

/* An answer after its query ended (the deadline): late, no one's. */
static void
test_late_answer(void **state)
{
	struct user	 a, b;
	uint16_t	 ia;

	(void)state;
	ia = add(&a, "a.example.test.", &server, 1);
	add(&b, "a.example.test.", &server, 2);	/* same server, same name */
	dns_demux_end(&dm, &a.d);
	assert_int_equal(dm.live, 1);
	assert_null(deliver(&a, &server, 53, ia, "a.example.test."));
	assert_int_equal(dm.late, 1);
	assert_int_equal(b.d.bogus, 0);
}

/* ICMP errors: to the query whose datagram came back, if in flight. */
static void
test_icmp_error(void **state)
{
	struct user	 a, b;
	uint8_t		*wire;
	size_t		 len;
	uint16_t	 ib;

	(void)state;
	add(&a, "a.example.test.", &other, 1);
	ib = add(&b, "b.example.test.", &server, 2);
	wire = answer(&b, ib, "b.example.test.", &len);
	assert_ptr_equal(dns_demux_error(&dm, &server, 53, wire, len), &b.d);
	assert_null(dns_demux_error(&dm, &other, 53, wire, len));
	/* Too little quoted for the id: a query to that server. */
	assert_ptr_equal(dns_demux_error(&dm, &server, 53, wire, 1), &b.d);
	dns_demux_end(&dm, &b.d);
	assert_null(dns_demux_error(&dm, &server, 53, wire, len));
	free(wire);
}

static void
test_full(void **state)
{
	struct user	*u = calloc(DNS_DEMUX_SLOTS + 1, sizeof(*u));
	size_t		 i;

	(void)state;
	for (i = 0; i < DNS_DEMUX_SLOTS; i++) {
		assert_false(dns_demux_full(&dm));
		add(&u[i], "a.example.test.", &server, 9);
	}
	assert_true(dns_demux_full(&dm));
	u[i].d.q = &u[i].q;
	assert_int_equal(dns_demux_add(&dm, &u[i].d), -1);
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_answer_matched, setup),
		cmocka_unit_test_setup(test_id_collision, setup),
		cmocka_unit_test_setup(test_wrong_source, setup),
		cmocka_unit_test_setup(test_wrong_id_or_question, setup),
		cmocka_unit_test_setup(test_late_answer, setup),
		cmocka_unit_test_setup(test_icmp_error, setup),
		cmocka_unit_test_setup(test_full, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
