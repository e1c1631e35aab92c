/* SPDX-License-Identifier: ISC */
/*
 * Dropping privileges, as BIRD does: switch to an unprivileged user and
 * keep, through PR_SET_KEEPCAPS, only the capabilities the daemon uses.
 *
 * What needs what, checked against the kernel sources:
 *  - addresses, routes, dummy interfaces over rtnetlink: CAP_NET_ADMIN;
 *  - a listening socket below port 1024 (a passive BGP peer on 179,
 *    rebound on every reload; metrics on a low port):
 *    CAP_NET_BIND_SERVICE, kept only when the config has one;
 *  - TCP MD5 (TCP_MD5SIG), IP_TTL/IPV6_UNICAST_HOPS, IP_MINTTL/
 *    IPV6_MINHOPCOUNT, probes from a bound local address: no capability,
 *    so CAP_NET_RAW is never kept.
 * Everything already open (netlink, the control socket, listeners) stays
 * usable: capabilities are checked when a socket is opened, not used.
 *
 * The capability sets are set with the raw capset(2) of
 * <linux/capability.h>: three masks do not need libcap.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "fmt.h"
#include "log.h"
#include "priv.h"

#define CAPBIT(c)	(1ull << (c))

static struct priv_user	 child_user;	/* who children become */
static int		 have_child_user;

static int
caps_get(unsigned long long *eff, unsigned long long *prm)
{
	struct __user_cap_header_struct	h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) == -1)
		return -1;
	*eff = d[0].effective | (unsigned long long)d[1].effective << 32;
	*prm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
	return 0;
}

/* Inheritable is always empty: nothing passes to an exec'd program. */
static int
caps_set(unsigned long long eff, unsigned long long prm)
{
	struct __user_cap_header_struct	h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)prm;
	d[1].permitted = (uint32_t)(prm >> 32);
	if (syscall(SYS_capset, &h, d) == -1)
		return -1;
	/* Ambient capabilities (systemd's AmbientCapabilities=) would
	 * survive execve into every check and hook. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

static int
lookup(const char *name, struct priv_user *u)
{
	struct passwd	*pw;
	int		 n = 16;

	memset(u, 0, sizeof(*u));
	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return -1;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->home = xstrdup(pw->pw_dir ? pw->pw_dir : "/");
	u->groups = xreallocarray(NULL, (size_t)n, sizeof(gid_t));
	while (getgrouplist(name, u->gid, u->groups, &n) == -1)
		u->groups = xreallocarray(u->groups, (size_t)n, sizeof(gid_t));
	u->ngroups = n;
	return 0;
}

int
priv_resolve(const char *name, struct priv_user *u, char *err, size_t errlen)
{
	if (name && lookup(name, u) == 0)
		return 0;
	if (name) {
		snprintf(err, errlen, "no such user: %s", name);
		return -1;
	}
	if (lookup(PRIV_DEFAULT_USER, u) == 0 ||
	    lookup(PRIV_FALLBACK_USER, u) == 0)
		return 0;
	snprintf(err, errlen, "neither user %s nor %s exists; create one or "
	    "say `user NAME;`", PRIV_DEFAULT_USER, PRIV_FALLBACK_USER);
	return -1;
}

void
priv_user_free(struct priv_user *u)
{
	free(u->groups);
	free(u->home);
	u->groups = NULL;
	u->home = NULL;
}

unsigned long long
priv_needed_caps(const struct conf *c)
{
	const struct bgp_conf	*b;
	unsigned long long	 caps = CAPBIT(CAP_NET_ADMIN);

	for (b = c->peers; b; b = b->next)
		if (b->passive && b->port < 1024)
			caps |= CAPBIT(CAP_NET_BIND_SERVICE);
	if (c->have_metrics && c->metrics_port < 1024)
		caps |= CAPBIT(CAP_NET_BIND_SERVICE);
	return caps;
}

static void
copy_user(struct priv_user *to, const struct priv_user *from)
{
	priv_user_free(to);
	*to = *from;
	to->home = xstrdup(from->home);
	to->groups = xreallocarray(NULL, (size_t)(from->ngroups ?
	    from->ngroups : 1), sizeof(gid_t));
	memcpy(to->groups, from->groups, (size_t)from->ngroups *
	    sizeof(gid_t));
}

/* Not root to begin with (systemd's User=): only shed capabilities. */
static int
shed_only(const struct priv_user *user, unsigned long long keep, char *err,
    size_t errlen)
{
	unsigned long long eff, prm;
	char		 names[256];

	if (user->uid != geteuid())
		log_warn("started as uid %u, not root: cannot become user %s",
		    (unsigned)geteuid(), user->name);
	if (caps_get(&eff, &prm) == -1 || caps_set(eff & keep, prm & keep)
	    == -1) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	fmt_caps(prm & keep, names, sizeof(names));
	log_info("started unprivileged as uid %u, capabilities %s",
	    (unsigned)geteuid(), names);
	return 0;
}

static int
switch_user(const struct priv_user *u, char *err, size_t errlen)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    setgroups((size_t)u->ngroups, u->groups) == -1 ||
	    setresgid(u->gid, u->gid, u->gid) == -1 ||
	    setresuid(u->uid, u->uid, u->uid) == -1) {
		snprintf(err, errlen, "cannot become user %s (uid %u): %s "
		    "(CAP_SETUID and CAP_SETGID in the bounding set?)",
		    u->name, (unsigned)u->uid, strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return 0;
}

int
priv_drop(const struct conf *c, const struct priv_user *user,
    const struct priv_user *exec, char *err, size_t errlen)
{
	unsigned long long	keep = priv_needed_caps(c), prm;
	char			names[256];
	int			other = exec->uid != user->uid ||
				    exec->gid != user->gid;

	copy_user(&child_user, exec);
	have_child_user = 1;
	if (geteuid() != 0) {
		if (other)
			log_warn("not root: exec checks and hooks cannot "
			    "become exec user %s", exec->name);
		return shed_only(user, keep, err, errlen);
	}
	if (user->uid == 0) {
		log_warn("running as root (user root): privileges not dropped");
		return 0;
	}
	if (chown(c->control, 0, user->gid) == -1) {
		snprintf(err, errlen, "chown %s: %s", c->control,
		    strerror(errno));
		return -1;
	}
	if (switch_user(user, err, errlen) == -1)
		return -1;
	prm = keep;
	if (other) {
		/* Children switch to the exec user; we must kill them. */
		keep |= CAPBIT(CAP_KILL);
		prm = keep | CAPBIT(CAP_SETUID) | CAPBIT(CAP_SETGID);
		log_warn("exec user %s is not user %s: CAP_SETUID and "
		    "CAP_SETGID stay permitted for children", exec->name,
		    user->name);
	}
	if (caps_set(keep, prm) == -1) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	if (setuid(0) != -1)	/* the drop must be irreversible */
		fatal("could become root again after dropping privileges");
	fmt_caps(keep, names, sizeof(names));
	log_info("running as user %s (uid %u), capabilities %s",
	    user->name, (unsigned)user->uid, names);
	return 0;
}

int
priv_child(void)
{
	const struct priv_user	*u = &child_user;
	unsigned long long	 eff, prm;

	if (!have_child_user)
		return 0;
	if (getuid() != u->uid || getgid() != u->gid) {
		/* Raise what priv_drop left permitted, then switch. */
		if (caps_get(&eff, &prm) == -1 || caps_set(prm, prm) == -1 ||
		    setgroups((size_t)u->ngroups, u->groups) == -1 ||
		    setresgid(u->gid, u->gid, u->gid) == -1 ||
		    setresuid(u->uid, u->uid, u->uid) == -1)
			return -1;
	}
	if (u->uid != 0 && caps_set(0, 0) == -1)
		return -1;
	setenv("HOME", u->home, 1);
	setenv("USER", u->name, 1);
	setenv("LOGNAME", u->name, 1);
	return 0;
}
