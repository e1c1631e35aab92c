/* SPDX-License-Identifier: ISC */
#include "watch.h"

static void
session_start(struct watch *w)
{
	(void)w;
}

static void
session_stop(struct watch *w)
{
	(void)w;
}

const struct watch_ops watch_session_ops = {
	.start = session_start,
	.stop = session_stop,
};
