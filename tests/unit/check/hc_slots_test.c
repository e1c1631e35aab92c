/* SPDX-License-Identifier: ISC */
/*
 * The probe slots (`probe limit`): who holds one, who waits, in what
 * order waiting probes start, on a real event base and made-up checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/hc.h"
#include "check/hc_slots.h"

#define NCHECKS	6

static struct event_base	*base;
static struct hc_slots		 slots;
static struct check_conf	 confs[NCHECKS];
static struct hc_check		 checks[NCHECKS];
static struct hc_check		*started[NCHECKS];
static size_t			 nstarted;

/* The engine's start of a waiting probe: noted, in order. */
static void
start(struct hc_check *ck)
{
	started[nstarted++] = ck;
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	base = event_base_new();
	memset(confs, 0, sizeof(confs));
	memset(checks, 0, sizeof(checks));
	for (i = 0; i < NCHECKS; i++) {
		confs[i].type = CHECK_DNS;
		checks[i].conf = &confs[i];
	}
	nstarted = 0;
	hc_slots_init(&slots, base, start);
	hc_slots_set_limit(&slots, 2);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hc_slots_free(&slots);
	event_base_free(base);
	return 0;
}

/* What the loop does next turn: the pump, if a slot freed for a waiter. */
static void
turn(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
test_waiters_start_first_come_first_served(void **state)
{
	(void)state;
	assert_int_equal(hc_slots_take(&slots, &checks[0]), 1);
	assert_int_equal(hc_slots_take(&slots, &checks[1]), 1);
	assert_int_equal(hc_slots_take(&slots, &checks[2]), 0);
	assert_int_equal(hc_slots_take(&slots, &checks[3]), 0);
	assert_int_equal(slots.inflight, 2);
	assert_int_equal(slots.nwaiting, 2);
	assert_int_equal(slots.waited, 2);

	turn();				/* no slot is free: nobody starts */
	assert_int_equal(nstarted, 0);

	hc_slots_release(&slots, &checks[1]);
	assert_int_equal(nstarted, 0);	/* not inside the release */
	turn();
	assert_int_equal(nstarted, 1);
	assert_ptr_equal(started[0], &checks[2]);
	assert_int_equal(checks[2].slot, SLOT_HELD);
	assert_int_equal(slots.inflight, 2);

	hc_slots_release(&slots, &checks[0]);
	turn();
	assert_int_equal(nstarted, 2);
	assert_ptr_equal(started[1], &checks[3]);
	assert_int_equal(slots.nwaiting, 0);
}

static void
test_a_waiter_that_goes_gives_up_its_place(void **state)
{
	(void)state;
	hc_slots_take(&slots, &checks[0]);
	hc_slots_take(&slots, &checks[1]);
	hc_slots_take(&slots, &checks[2]);
	hc_slots_take(&slots, &checks[3]);
	hc_slots_release(&slots, &checks[2]);	/* a reload took it away */
	assert_int_equal(checks[2].slot, SLOT_NONE);
	assert_int_equal(slots.nwaiting, 1);
	assert_int_equal(slots.inflight, 2);

	hc_slots_release(&slots, &checks[0]);
	turn();
	assert_int_equal(nstarted, 1);
	assert_ptr_equal(started[0], &checks[3]);
}

static void
test_a_new_probe_queues_behind_the_waiters(void **state)
{
	(void)state;
	hc_slots_take(&slots, &checks[0]);
	hc_slots_take(&slots, &checks[1]);
	hc_slots_take(&slots, &checks[2]);
	hc_slots_release(&slots, &checks[0]);
	/* A slot is free, but checks[2] came first. */
	assert_int_equal(hc_slots_take(&slots, &checks[3]), 0);
	turn();
	assert_int_equal(nstarted, 1);
	assert_ptr_equal(started[0], &checks[2]);
}

static void
test_a_smaller_limit_lets_the_excess_drain(void **state)
{
	(void)state;
	hc_slots_take(&slots, &checks[0]);
	hc_slots_take(&slots, &checks[1]);
	hc_slots_take(&slots, &checks[2]);
	hc_slots_set_limit(&slots, 1);
	hc_slots_release(&slots, &checks[0]);
	turn();
	assert_int_equal(nstarted, 0);	/* still one in flight: the limit */
	hc_slots_release(&slots, &checks[1]);
	turn();
	assert_int_equal(nstarted, 1);
	assert_ptr_equal(started[0], &checks[2]);
	assert_int_equal(slots.inflight, 1);
}

static void
test_exec_and_maintenance_checks_take_none(void **state)
{
	(void)state;
	confs[4].type = CHECK_EXEC;	/* its own slots: proc.h */
	confs[5].type = CHECK_FILE;	/* reading a file ends at once */
	hc_slots_take(&slots, &checks[0]);
	hc_slots_take(&slots, &checks[1]);
	assert_int_equal(hc_slots_take(&slots, &checks[4]), 1);
	assert_int_equal(hc_slots_take(&slots, &checks[5]), 1);
	assert_int_equal(slots.inflight, 2);
	assert_int_equal(slots.nwaiting, 0);
	hc_slots_release(&slots, &checks[4]);
	assert_int_equal(slots.inflight, 2);
}

static void
test_the_default_limit(void **state)
{
	(void)state;
	hc_slots_set_limit(&slots, 0);
	assert_int_equal(slots.limit, HC_PROBE_LIMIT_DEFAULT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_waiters_start_first_come_first_served, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_waiter_that_goes_gives_up_its_place, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_new_probe_queues_behind_the_waiters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_smaller_limit_lets_the_excess_drain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_exec_and_maintenance_checks_take_none, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_the_default_limit,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
