/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_PRIV_H
#define ANYCASTD_PRIV_H

#include <sys/types.h>

#include "conf/conf.h"

/*
 * Least privilege.  anycastd starts as root to open what needs root,
 * then becomes an unprivileged user that keeps only CAP_NET_ADMIN (and
 * CAP_NET_BIND_SERVICE when it must listen on a port below 1024).  Exec
 * checks and hooks run as the `exec user`, never as root by default.
 */

/*
 * Who to become when no `user` is configured: PRIV_DEFAULT_USER, else a
 * uid of no account in the range below.  Exec checks and hooks run as
 * PRIV_EXEC_USER unless `exec user` says otherwise; never as the
 * daemon's uid, so that they cannot signal or trace it.
 */
#define PRIV_DEFAULT_USER	"anycastd"
#define PRIV_EXEC_USER		"nobody"
#define PRIV_PRIVATE_UID_FIRST	61184u
#define PRIV_PRIVATE_UID_LAST	65519u
#define PRIV_CREATE_USER	"adduser --system --group --no-create-home " \
				"anycastd"

struct priv_user {
	char		 name[CONF_USER_MAX + 1];
	uid_t		 uid;
	gid_t		 gid;
	gid_t		*groups;	/* supplementary, from the group file */
	int		 ngroups;
	char		*home;
	int		 shared;	/* not an account of our own */
};

/* Look NAME up. */
int	 priv_resolve(const char *name, struct priv_user *, char *, size_t);
/* The daemon's user and the exec user of CONF, as described above. */
int	 priv_resolve_users(const struct conf *, struct priv_user *user,
	    struct priv_user *exec, char *, size_t);
/* Raise RLIMIT_NOFILE to its hard limit; children get the old one back. */
void	 priv_raise_nofile(void);
void	 priv_user_free(struct priv_user *);
/* The capabilities CONF needs after the drop, as a CAP_* bit mask. */
unsigned long long priv_needed_caps(const struct conf *);
/* 1, and why in BUF, when the config listens on a port that this
 * process cannot bind to for lack of CAP_NET_BIND_SERVICE. */
int	 priv_missing_caps(const struct conf *, char *buf, size_t len);
/*
 * Become USER keeping the capabilities CONF needs, after giving the
 * control socket to USER's group.  EXEC is who children run as: when it
 * is someone else, CAP_SETUID/CAP_SETGID stay permitted (not effective)
 * and CAP_KILL effective, so that children can switch and be killed.
 * Also takes EXEC as the user of every later child.  -1 with a reason.
 */
int	 priv_drop(const struct conf *, const struct priv_user *user,
	    const struct priv_user *exec, char *err, size_t errlen);
/*
 * Let the set*id calls name only UID, GID and at most NGROUPS groups,
 * from now on, for this process and its children (priv_setid.c).
 */
int	 priv_setid_filter(uid_t uid, gid_t gid, int ngroups);
/* In a forked child, before execve: become the exec user, no caps. */
int	 priv_child(void);
/* HOME=, USER= and LOGNAME= of the exec user, for a child's environment,
 * or NULL before priv_drop(). */
char *const *priv_child_env(void);

#endif
