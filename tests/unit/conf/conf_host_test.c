/* SPDX-License-Identifier: ISC */
/*
 * conf_host_readable: whether the user anycastd becomes can read a config
 * file, from its owner, group and mode, as -t warns about it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf_host.h"

static void
test_readable_by_mode_and_group(void **state)
{
	char			 dir[] = "/tmp/conf_host_test.XXXXXX";
	char			 path[64];
	FILE			*f;
	gid_t			 other_group = getgid() + 1;
	struct conf_reader	 r = { "anycastd", NULL, getuid() + 1, getgid() + 1,
				    NULL, 0 };

	(void)state;
	if (getuid() == 0) {	/* root owns the file: reader must differ */
		r.uid = 12345;
		r.gid = 12345;
	}
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(conf_host_readable(path, &r), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(conf_host_readable(path, &r), 1);
	/* 0640 and the reader in the file's group: as the man page advises. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(conf_host_readable(path, &r), 0);
	r.gid = getgid();
	assert_int_equal(conf_host_readable(path, &r), 1);
	/* ... or the file's group among its supplementary groups. */
	r.gid = other_group;
	r.groups = (gid_t[]){ getgid() };
	r.ngroups = 1;
	assert_int_equal(conf_host_readable(path, &r), 1);
	/* A directory it cannot search hides a readable file. */
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(conf_host_readable(path, &r), 0);

	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readable_by_mode_and_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
