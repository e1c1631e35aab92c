/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CTL_PRINT_H
#define ANYCASTD_CTL_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * What anycastctl shows of one daemon response (docs/control.md).  No
 * socket I/O here: the caller hands over the response line as received,
 * and gets back the exit status anycastctl should use.
 */

enum ctl_print_cmd {
	CTL_PRINT_STATUS,	/* status */
	CTL_PRINT_CHECKS,	/* show checks */
	CTL_PRINT_SERVICE,	/* drain, undrain, disable, enable */
	CTL_PRINT_RELOAD,	/* reload */
	CTL_PRINT_PEERS,	/* show peers */
	CTL_PRINT_ROUTES,	/* show routes */
	CTL_PRINT_HISTORY,	/* show history */
	CTL_PRINT_OTHER		/* anything else: the body as JSON */
};

/* Exit statuses of anycastctl, as in anycastctl(8). */
#define CTL_PRINT_EXIT_OK	0	/* the daemon said ok:true */
#define CTL_PRINT_EXIT_FAIL	1	/* ok:false, protocol or I/O error */
#define CTL_PRINT_EXIT_USAGE	2	/* bad command line */

/*
 * Render the response `buf' (`len' bytes, one JSON object, the newline
 * already stripped) to `out', errors to `err'.  With `json' set, print the
 * response object pretty-printed instead of a table.  Returns
 * CTL_PRINT_EXIT_OK or CTL_PRINT_EXIT_FAIL.
 */
int	ctl_print_response(FILE *out, FILE *err, enum ctl_print_cmd,
	    int json, const char *buf, size_t len);
/*
 * The same, showing only what concerns SERVICE (NULL: everything) of a
 * status, show checks or show routes response; a SERVICE that nothing
 * concerns is an error, as the daemon says for an unknown service.
 */
int	ctl_print_filtered(FILE *out, FILE *err, enum ctl_print_cmd,
	    int json, const char *buf, size_t len, const char *service);

/*
 * Whether the status response BUF names SERVICE: CTL_PRINT_EXIT_OK, or
 * CTL_PRINT_EXIT_FAIL after saying "no such service" (or what else went
 * wrong) on ERR.  For show routes SERVICE, where a service with nothing
 * announced or installed looks like no service at all.
 */
int	ctl_print_known_service(FILE *err, const char *buf, size_t len,
	    const char *service);

/*
 * Durations as an operator types and reads them: "300ms", "10s", "1m30s",
 * "2h".  parse returns 0, or -1 with a static message in *why.
 */
int	ctl_print_parse_duration(const char *, uint64_t *ms, const char **why);
void	ctl_print_fmt_duration(uint64_t ms, char *, size_t);

#endif
