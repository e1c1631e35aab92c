/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_SOCK_H
#define ANYCASTD_CHECK_SOCK_H

#include "hc_result.h"
#include "util.h"

/*
 * A fresh non-blocking socket connected (or connecting) to TARGET:PORT,
 * bound to SOURCE when it is set.  Returns the fd, or -1 with RES filled.
 */
int	check_sock_open(int type, const struct addr *target, uint16_t port,
	    const struct addr *source, struct hc_result *res);
/* Fill RES for a socket error: refused, unreachable, ... */
void	check_sock_error(int err, const char *what, struct hc_result *res);

#endif
