/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sys/procfs.h"

#define ROOT	"22 1 0:21 / / rw,relatime - ext4 /dev/vda rw\n"
#define PROC(o)	"82 22 0:21 / /proc rw,nosuid - proc proc " o "\n"

static void
test_hidepid_from_mountinfo(void **state)
{
	(void)state;
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw")), 0);
	/* systemd's ProtectProc=invisible with ProcSubset=pid */
	assert_int_equal(procfs_mountinfo_hides(ROOT
	    PROC("rw,hidepid=invisible,subset=pid")), 1);
	assert_int_equal(procfs_mountinfo_hides(ROOT
	    PROC("rw,hidepid=ptraceable")), 1);
	assert_int_equal(procfs_mountinfo_hides(ROOT
	    PROC("rw,hidepid=noaccess")), 1);
	/* Kernels before 5.8 print numbers. */
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw,hidepid=2")), 1);
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw,hidepid=0")), 0);
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw,hidepid=off")),
	    0);
	/* Only subset=pid: every process is still there. */
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw,subset=pid")),
	    0);
}

static void
test_the_last_proc_mount_counts(void **state)
{
	(void)state;
	/* A sandbox mounts its own /proc over the host's: the later one. */
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw")
	    "124 82 0:41 / /proc rw - proc proc rw,hidepid=invisible\n"), 1);
	assert_int_equal(procfs_mountinfo_hides(ROOT
	    PROC("rw,hidepid=invisible") PROC("rw")), 0);
	/* A /proc/sys bind or another file system's options do not count;
	 * optional fields come before the separator. */
	assert_int_equal(procfs_mountinfo_hides(ROOT PROC("rw")
	    "90 82 0:21 /sys /proc/sys ro shared:5 - proc proc "
	    "rw,hidepid=invisible\n"
	    "91 22 0:50 / /proc rw - tmpfs x rw,hidepid=invisible\n"), 0);
	assert_int_equal(procfs_mountinfo_hides(ROOT
	    "82 22 0:21 / /proc rw shared:12 master:3 - proc proc "
	    "rw,hidepid=invisible"), 1);
	/* No /proc at all, or nothing to read: cannot tell. */
	assert_int_equal(procfs_mountinfo_hides(ROOT), -1);
	assert_int_equal(procfs_mountinfo_hides(""), -1);
	assert_int_equal(procfs_mountinfo_hides("garbage\n\n - \n"), -1);
}

static void
test_this_process(void **state)
{
	(void)state;
	/* Whatever the machine, the answer is one of the three, and a
	 * mount table that this process can read gives 0 or 1. */
	assert_in_range(procfs_hides_others(), 0, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidepid_from_mountinfo),
		cmocka_unit_test(test_the_last_proc_mount_counts),
		cmocka_unit_test(test_this_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
