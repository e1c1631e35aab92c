/* SPDX-License-Identifier: ISC */
/*
 * The BFD "check" of a router-mode backend (`via ADDRESS ... bfd;`): not
 * a probe but the state of the BFD session to the backend (bfd.c), fed
 * into the backend's health like any of its checks, so that the next
 * hop goes as soon as BFD goes down, beside (not instead of) its DNS
 * check -- IOS "track ... bfd", FRR's BFD-tracked static routes.  The
 * session pushes each change at once; the check's timer only refreshes
 * the result shown by `show checks`.  Until BFD was Up the backend
 * counts as failing, as a tracked next hop does.
 */
#include <stdio.h>
#include <string.h>

#include "bfd.h"
#include "hc.h"

static void
bfd_result(struct hc_check *ck)
{
	const struct bfd_session	*s;
	struct hc_result		 res;

	memset(&res, 0, sizeof(res));
	s = bfd_watch_session(ck->probe);
	if (s->state == BFD_UP)
		hc_result_set(&res, HC_OK, HC_R_OK, "BFD Up, detection time "
		    "%llums", (unsigned long long)
		    (bfd_session_detect_time(s) / 1000));
	else if (s->last_down_diag != BFD_DIAG_NONE)
		hc_result_set(&res, HC_FAIL, HC_R_UNREACH, "BFD %s (%s)",
		    bfd_state_name(s->state), bfd_diag_name(s->last_down_diag));
	else
		hc_result_set(&res, HC_FAIL, HC_R_UNREACH, "BFD %s, not yet Up",
		    bfd_state_name(s->state));
	hc_report(ck, &res);
}

static void
bfd_changed(void *arg, int up)
{
	struct hc_check *ck = arg;

	(void)up;
	if (!ck->running)
		bfd_result(ck);
}

static void
bfd_start(struct hc_check *ck)
{
	if (ck->probe == NULL)
		ck->probe = bfd_watch(ck->svc->engine->base, &ck->target, NULL,
		    &ck->conf->u.bfd, bfd_changed, ck);
	bfd_result(ck);
}

static void
bfd_cancel(struct hc_check *ck)
{
	(void)ck;	/* never in flight: the result is at hand */
}

void
check_bfd_release(struct hc_check *ck)
{
	bfd_unwatch(ck->probe);
	ck->probe = NULL;
}

const struct hc_ops check_bfd_ops = { bfd_start, bfd_cancel };
