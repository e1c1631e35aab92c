/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PRIV_H
#define ANYCASTD_PRIV_H

#include <sys/types.h>

#include "conf.h"

/*
 * Least privilege.  anycastd starts as root to open what needs root,
 * then becomes an unprivileged user that keeps only CAP_NET_ADMIN (and
 * CAP_NET_BIND_SERVICE when it must listen on a port below 1024).  Exec
 * checks and hooks run as the `exec user`, never as root by default.
 */

/* Who to become when no `user` (or `exec user`) is configured. */
#define PRIV_DEFAULT_USER	"anycastd"
#define PRIV_FALLBACK_USER	"nobody"

struct priv_user {
	char		 name[CONF_USER_MAX + 1];
	uid_t		 uid;
	gid_t		 gid;
	gid_t		*groups;	/* supplementary, from the group file */
	int		 ngroups;
	char		*home;
};

/* Look NAME up; NULL: PRIV_DEFAULT_USER if it exists, else the fallback. */
int	 priv_resolve(const char *name, struct priv_user *, char *, size_t);
void	 priv_user_free(struct priv_user *);
/* The capabilities CONF needs after the drop, as a CAP_* bit mask. */
unsigned long long priv_needed_caps(const struct conf *);
/*
 * Become USER keeping the capabilities CONF needs, after giving the
 * control socket to USER's group.  EXEC is who children run as: when it
 * is someone else, CAP_SETUID/CAP_SETGID stay permitted (not effective)
 * and CAP_KILL effective, so that children can switch and be killed.
 * Also takes EXEC as the user of every later child.  -1 with a reason.
 */
int	 priv_drop(const struct conf *, const struct priv_user *user,
	    const struct priv_user *exec, char *err, size_t errlen);
/* In a forked child, before execve: become the exec user, no caps. */
int	 priv_child(void);

#endif
