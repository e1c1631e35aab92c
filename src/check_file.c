/* SPDX-License-Identifier: ISC */
/*
 * The file check: a maintenance flag, like ExaBGP healthcheck's
 * --disable.  While the file exists the service drains.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hc.h"

static void
file_start(struct hc_check *ck)
{
	struct hc_result	 res;
	struct stat		 st;
	const char		*path = ck->conf->u.file.path;

	memset(&res, 0, sizeof(res));
	if (stat(path, &st) == 0) {
		res.status = HC_MAINT;
		res.reason = HC_R_FILE_PRESENT;
		snprintf(res.detail, sizeof(res.detail), "%.120s present",
		    path);
	} else {
		res.status = HC_OK;
		res.reason = HC_R_OK;
		snprintf(res.detail, sizeof(res.detail), "%.120s absent",
		    path);
	}
	hc_report(ck, &res);
}

static void
file_cancel(struct hc_check *ck)
{
	(void)ck;	/* never in flight: the probe is synchronous */
}

const struct hc_ops check_file_ops = { file_start, file_cancel };
