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

#include "bfd/bfd.h"
#include "conf/conf_int.h"
#include "check/hc.h"

static void
bfd_result(struct hc_check *ck)
{
	const struct bfd_session	*s;
	struct hc_result		 res;

	memset(&res, 0, sizeof(res));
	s = bfd_watch_session(ck->state);
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
	if (ck->state == NULL)
		ck->state = bfd_watch(ck->svc->engine->base, &ck->target, NULL,
		    &ck->conf->u.bfd, bfd_changed, ck);
	bfd_result(ck);
}

static void
bfd_cancel(struct hc_check *ck)
{
	(void)ck;	/* never in flight: the result is at hand */
}

/* ---- the descriptor (check_desc.h) ---- */

/* The session is the check's own state: it lives as long as the check. */
static void
bfd_state_free(struct hc_check *ck)
{
	bfd_unwatch(ck->state);
	ck->state = NULL;
}

static const struct hc_ops bfd_ops = {
	.start = bfd_start,
	.cancel = bfd_cancel,
	.state_free = bfd_state_free,
};

/* Written as its via's `bfd`; this print is for reloads' comparison. */
static void
bfd_print(FILE *f, const char *ind, const struct check_conf *ck)
{
	fputs(ind, f);
	conf_print_bfd(f, ind, &ck->u.bfd);
	fputc('\n', f);
}

static void
bfd_target(const struct hc_check *ck, char *buf, size_t len)
{
	char a[64];

	snprintf(buf, len, "BFD to %s", util_fmt_addr(&ck->target, a,
	    sizeof(a)));
}

/* Pushed by BFD as it happens; the timer only refreshes the state. */
const struct check_desc check_desc_bfd = {
	.name = "bfd",
	.flags = CT_VIA,
	.interval = 1000,
	.timeout = 0,		/* no probe to wait for */
	.rise = 1,
	.fall = 1,
	.print = bfd_print,
	.target = bfd_target,
	.ops = &bfd_ops,
};
