/* SPDX-License-Identifier: ISC */
/*
 * Prefix sets: exact matches on family, length and address, through
 * growth and deletions (checked against a plain array).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "bgp/pfxset.h"

static struct prefix
v6(uint32_t i, uint8_t len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET6;
	p.addr.u.v6.s6_addr[0] = 0x20;
	p.addr.u.v6.s6_addr[1] = 0x01;
	p.addr.u.v6.s6_addr[2] = 0x0d;
	p.addr.u.v6.s6_addr[3] = 0xb8;
	p.addr.u.v6.s6_addr[4] = (uint8_t)(i >> 24);
	p.addr.u.v6.s6_addr[5] = (uint8_t)(i >> 16);
	p.addr.u.v6.s6_addr[6] = (uint8_t)(i >> 8);
	p.addr.u.v6.s6_addr[7] = (uint8_t)i;
	p.len = len;
	return p;
}

static struct prefix
v4(uint32_t a, uint8_t len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET;
	p.addr.u.v4.s_addr = a;
	p.len = len;
	return p;
}

static void
test_exact(void **state)
{
	struct pfxset	s;
	struct prefix	a = v4(0x350200c0, 32), b = v4(0x350200c0, 24);

	(void)state;
	pfxset_init(&s);
	assert_false(pfxset_has(&s, &a));
	assert_false(pfxset_del(&s, &a));
	assert_true(pfxset_add(&s, &a));
	assert_false(pfxset_add(&s, &a));
	assert_true(pfxset_has(&s, &a));
	assert_false(pfxset_has(&s, &b));	/* same address, other length */
	b = v6(0, 32);
	assert_false(pfxset_has(&s, &b));	/* other family */
	assert_true(pfxset_del(&s, &a));
	assert_false(pfxset_has(&s, &a));
	assert_int_equal(s.n, 0);
	pfxset_free(&s);
}

/* Adds and deletions in a scrambled order, against a reference. */
static void
test_against_reference(void **state)
{
	enum { N = 20000 };
	struct pfxset	 s;
	struct prefix	 p;
	unsigned char	*in = calloc(N, 1);
	uint32_t	 i, k, x = 12345;

	(void)state;
	assert_non_null(in);
	pfxset_init(&s);
	for (k = 0; k < 5 * N; k++) {
		x = x * 1103515245 + 12345;
		i = (x >> 8) % N;
		p = v6(i, 64);
		if ((x >> 4) & 1) {
			assert_int_equal(pfxset_add(&s, &p), !in[i]);
			in[i] = 1;
		} else {
			assert_int_equal(pfxset_del(&s, &p), in[i]);
			in[i] = 0;
		}
	}
	for (i = 0, k = 0; i < N; i++) {
		p = v6(i, 64);
		assert_int_equal(pfxset_has(&s, &p), in[i]);
		k += in[i];
	}
	assert_int_equal(s.n, k);
	pfxset_free(&s);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_against_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
