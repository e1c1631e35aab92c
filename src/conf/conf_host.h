/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CONF_HOST_H
#define ANYCASTD_CONF_HOST_H

#include <stdio.h>
#include <sys/types.h>

#include "conf/conf.h"

/*
 * A config held against the host it runs on: what the parser cannot know.
 * Each finding is a warning, never a failure: the host may change before
 * the config is used (an interface that comes later, an address another
 * tool adds).
 */

/*
 * A router-id from the host, as BIRD and FRR take one: its IPv4 address
 * that is not loopback, link-local or a service prefix (anycast addresses
 * are on every site).  0 when there is exactly one; -1 with WHY saying
 * why not (none, or several: ambiguous).
 */
int	 conf_host_router_id(const struct conf *, struct addr *,
	    char *why, size_t);

/* Who will read the config after the start, for the readability check. */
struct conf_reader {
	const char	*name;
	const char	*group;		/* of gid, for the advice */
	uid_t		 uid;
	gid_t		 gid;
	const gid_t	*groups;
	int		 ngroups;
};

/*
 * Print to OUT one "FILE:LINE:COL: warning (this host): ..." line for each
 * host-mode prefix that is no local address and has no `address`, each
 * interface that does not exist, and each config file READER (may be
 * NULL) cannot read.  Returns the number of warnings.
 */
int	 conf_host_warnings(const struct conf *, const struct conf_reader *,
	    FILE *out);

/* 1 when USER can read PATH: every directory searchable, the file
 * readable, by owner, group or other bits (root is not asked about). */
int	 conf_host_readable(const char *path, const struct conf_reader *);

#endif
