/* SPDX-License-Identifier: ISC */
/*
 * The file check: a maintenance flag, like ExaBGP healthcheck's
 * --disable.  While the file exists the service drains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf_int.h"
#include "check/hc.h"

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

/* ---- the descriptor (check_desc.h) ---- */

static const struct hc_ops file_ops = {
	.start = file_start,
	.cancel = file_cancel,
};

static int
kw_path(struct parser *p, void *ctx, const struct tok *kw)
{
	struct check_conf *ck = ((struct check_ctx *)ctx)->check;

	if (conf_string_arg(p, &ck->u.file.path, "a file path in quotes") == -1)
		return -1;
	if (ck->u.file.path[0] != '/')
		return conf_error(p, &kw->pos, "path must be absolute");
	return conf_semi(p);
}

static const struct keyword file_kw[] = {
	{ "path", kw_path, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static int
file_finish(struct parser *p, struct check_conf *ck)
{
	if (ck->u.file.path == NULL)
		return conf_error(p, &ck->pos, "check %s: 'path "
		    "\"/path\";' is required", ck->name);
	return 0;
}

static void
file_print(FILE *f, const char *ind, const struct check_conf *ck)
{
	fprintf(f, "%spath ", ind);
	conf_print_string(f, ck->u.file.path);
	fprintf(f, ";\n");
}

static void
file_free(struct check_conf *ck)
{
	free(ck->u.file.path);
}

static void
file_target(const struct hc_check *ck, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ck->conf->u.file.path);
}

/* A flag: looked at once a second, it is there or not. */
const struct check_desc check_desc_file = {
	.name = "file",
	.flags = CT_BLOCK | CT_MAINT,
	.interval = 1000,
	.timeout = CONF_DEFAULT_TIMEOUT,
	.rise = 1,
	.fall = 1,
	.keywords = { file_kw },
	.finish = file_finish,
	.print = file_print,
	.free = file_free,
	.target = file_target,
	.ops = &file_ops,
};
