/* SPDX-License-Identifier: ISC */
/*
 * Which capabilities a config keeps after the drop, and how user names
 * resolve (root always exists; a made-up name does not).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/capability.h>

#include "priv.h"

#define BIT(c)	(1ull << (c))

static unsigned long long
caps_of(const char *text)
{
	struct conf		*c;
	char			 err[256];
	unsigned long long	 caps;

	c = conf_load_buffer("test.conf", text, strlen(text), err, sizeof(err));
	if (c == NULL)
		print_error("%s\n", err);
	assert_non_null(c);
	caps = priv_needed_caps(c);
	conf_free(c);
	return caps;
}

#define PEER(extra) "router-id 198.51.100.10;\n" \
	"bgp up { local as 65100; neighbor 198.51.100.1 as 65001; " extra " }\n"

static void
test_needed_caps(void **state)
{
	const unsigned long long admin = BIT(CAP_NET_ADMIN);
	const unsigned long long bind = BIT(CAP_NET_BIND_SERVICE);

	(void)state;
	assert_true(caps_of("") == admin);
	/* An active session connects out: any local port will do. */
	assert_true(caps_of(PEER("")) == admin);
	assert_true(caps_of(PEER("passive;")) == (admin | bind));
	assert_true(caps_of(PEER("passive; port 1179;")) == admin);
	assert_true(caps_of("metrics 127.0.0.1:9153;") == admin);
	assert_true(caps_of("metrics [::1]:443;") == (admin | bind));
}

static void
test_resolve(void **state)
{
	struct priv_user	 u;
	char			 err[256];

	(void)state;
	assert_int_equal(priv_resolve("root", &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(u.name, "root");
	assert_true(u.ngroups >= 1);
	priv_user_free(&u);
	assert_int_equal(priv_resolve("no-such-user-here", &u, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no such user: no-such-user-here");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needed_caps),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
