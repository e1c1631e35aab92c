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

#include <errno.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "daemon/priv.h"

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

static int
users_of(const char *text, struct priv_user *u, struct priv_user *x,
    char *err, size_t errlen)
{
	struct conf	*c;
	int		 rv;

	c = conf_load_buffer("test.conf", text, strlen(text), err, errlen);
	assert_non_null(c);
	rv = priv_resolve_users(c, u, x, err, errlen);
	conf_free(c);
	return rv;
}

/* Checks and hooks never get the daemon's uid; the default is nobody. */
static void
test_resolve_users(void **state)
{
	struct priv_user	 u, x;
	char			 err[256];

	(void)state;
	assert_int_equal(users_of("", &u, &x, err, sizeof(err)), 0);
	assert_string_equal(x.name, PRIV_EXEC_USER);
	assert_true(u.uid != 0 && u.uid != x.uid);
	if (strcmp(u.name, PRIV_DEFAULT_USER) != 0) {
		/* No account: a private uid, not shared with anyone. */
		assert_true(u.uid >= PRIV_PRIVATE_UID_FIRST &&
		    u.uid <= PRIV_PRIVATE_UID_LAST);
		assert_int_equal(u.gid, u.uid);
		assert_int_equal(u.ngroups, 0);
		assert_true(u.shared);
	} else
		assert_false(u.shared);
	priv_user_free(&u);
	priv_user_free(&x);

	assert_int_equal(users_of("user root;", &u, &x, err, sizeof(err)), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(x.name, PRIV_EXEC_USER);
	priv_user_free(&u);
	priv_user_free(&x);

	/* nobody is everybody's: never the socket's group. */
	assert_int_equal(users_of("user nobody; exec user root;", &u, &x, err,
	    sizeof(err)), 0);
	assert_true(u.shared);
	priv_user_free(&u);
	priv_user_free(&x);

	assert_int_equal(users_of("user nobody;", &u, &x, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "the daemon's own (user nobody)"));
	assert_int_equal(users_of("user root; exec user root;", &u, &x, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "uid 0, the daemon's own (user root)"));
	assert_int_equal(users_of("exec user no-such-user-here;", &u, &x, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no such user: no-such-user-here");
}

/*
 * In a child, since a filter is for life: after priv_setid_filter(N, N, 0)
 * only N may be switched to, and no supplementary group set.  Run as
 * root, the calls that are let through succeed.
 */
static int
filtered_child(void)
{
	const uid_t	n = 65534;
	gid_t		root = 0;
	int		root_run = geteuid() == 0;

	if (priv_setid_filter(n, n, 0) == -1)
		return 10;
	if (setresuid(0, 0, 0) != -1 || errno != EPERM)
		return 11;
	if (setuid(1) != -1 || errno != EPERM)
		return 12;
	if (setresgid(0, (gid_t)-1, (gid_t)-1) != -1 || errno != EPERM)
		return 13;
	if (setgroups(1, &root) != -1 || errno != EPERM)
		return 14;
	if (!root_run)
		return 0;
	if (setgroups(0, NULL) == -1)
		return 15;
	if (setresgid(n, n, n) == -1)
		return 16;
	if (setresuid(n, (uid_t)-1, n) == -1 || setresuid(n, n, n) == -1)
		return 17;
	return 0;
}

static void
test_setid_filter(void **state)
{
	pid_t	pid;
	int	status;

	(void)state;
	if ((pid = fork()) == 0)
		_exit(filtered_child());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needed_caps),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_users),
		cmocka_unit_test(test_setid_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
