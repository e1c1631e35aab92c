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
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "sys/fmt.h"
#include "sys/log.h"
#include "daemon/priv.h"
#include "sys/procfs.h"

#define CAPBIT(c)	(1ull << (c))

static struct priv_user	 child_user;	/* who children become */
static int		 have_child_user;
static struct rlimit	 child_nofile;	/* the limit we were started with */
static int		 have_child_nofile;

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
	if (lookup(name, u) == 0)
		return 0;
	snprintf(err, errlen, "no such user: %s", name);
	return -1;
}

/*
 * Does any process have UID as its real, effective, saved or fs uid?
 * Only meaningful when /proc shows every process (private_user).
 */
static int
uid_in_use(uid_t uid)
{
	DIR		*dir;
	struct dirent	*e;
	FILE		*f;
	char		 path[300], line[256];
	unsigned	 ids[4];
	int		 used = 0, i;

	if ((dir = opendir("/proc")) == NULL)
		return 1;	/* cannot tell: assume the worst */
	while (!used && (e = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;	/* gone meanwhile */
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Uid: %u %u %u %u", &ids[0], &ids[1],
			    &ids[2], &ids[3]) == 4) {
				for (i = 0; i < 4; i++)
					used |= ids[i] == uid;
				break;
			}
		fclose(f);
	}
	closedir(dir);
	return used;
}

/*
 * No account of our own: a uid that no account, group and process has,
 * from the range systemd gives its dynamic service users, so the daemon
 * shares its uid with nobody else -- not even `nobody`.
 */
static int
private_user(struct priv_user *u, char *err, size_t errlen)
{
	uid_t id;

	memset(u, 0, sizeof(*u));
	/* Under ProtectProc=invisible (or hidepid=) the scan sees only our
	 * own uid's processes: every uid would look free. */
	if (procfs_hides_others() != 0) {
		snprintf(err, errlen, "no user %s, and /proc hides other "
		    "users' processes (ProtectProc=, hidepid=): a uid no "
		    "process has cannot be told; create the user: %s",
		    PRIV_DEFAULT_USER, PRIV_CREATE_USER);
		return -1;
	}
	for (id = PRIV_PRIVATE_UID_LAST; id >= PRIV_PRIVATE_UID_FIRST; id--) {
		if (getpwuid(id) != NULL || getgrgid((gid_t)id) != NULL ||
		    uid_in_use(id))
			continue;
		snprintf(u->name, sizeof(u->name), "#%u", (unsigned)id);
		u->uid = id;
		u->gid = (gid_t)id;
		u->home = xstrdup("/");
		u->groups = xreallocarray(NULL, 1, sizeof(gid_t));
		u->ngroups = 0;
		u->shared = 1;
		return 0;
	}
	snprintf(err, errlen, "no user %s and no free uid in %u..%u; create "
	    "the user: %s", PRIV_DEFAULT_USER, PRIV_PRIVATE_UID_FIRST,
	    PRIV_PRIVATE_UID_LAST, PRIV_CREATE_USER);
	return -1;
}

int
priv_resolve_users(const struct conf *c, struct priv_user *user,
    struct priv_user *exec, char *err, size_t errlen)
{
	memset(user, 0, sizeof(*user));
	memset(exec, 0, sizeof(*exec));
	if (c->user) {
		if (priv_resolve(c->user, user, err, errlen) == -1)
			return -1;
	} else if (lookup(PRIV_DEFAULT_USER, user) == -1 &&
	    private_user(user, err, errlen) == -1)
		return -1;
	/* An account shared with other daemons does not get the socket. */
	if (user->uid != 0 && strcmp(user->name, PRIV_EXEC_USER) == 0)
		user->shared = 1;
	if (priv_resolve(c->exec_user ? c->exec_user : PRIV_EXEC_USER, exec,
	    err, errlen) == -1)
		goto fail;
	if (exec->uid == user->uid) {
		snprintf(err, errlen, "exec checks and hooks would run as uid "
		    "%u, the daemon's own (user %s): say `exec user NAME;` "
		    "with another user%s", (unsigned)user->uid, user->name,
		    c->user ? "" : ", or create user " PRIV_DEFAULT_USER);
		goto fail;
	}
	return 0;
fail:
	priv_user_free(user);
	priv_user_free(exec);
	return -1;
}

/*
 * Every probe is a socket and every exec check three pipes: start with
 * as many descriptors as allowed.  Children get the limit we started
 * with back (priv_child): some programs walk every possible descriptor.
 */
void
priv_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	child_nofile = rl;
	have_child_nofile = 1;
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("cannot raise the descriptor limit to %llu: %s",
		    (unsigned long long)rl.rlim_max, strerror(errno));
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

/*
 * Started without root and without CAP_NET_BIND_SERVICE (the shipped
 * unit does not give it) while the config listens below port 1024: say
 * so in BUF before the bind fails.  The bind may still succeed where
 * net.ipv4.ip_unprivileged_port_start was lowered, hence a warning.
 */
int
priv_missing_caps(const struct conf *c, char *buf, size_t len)
{
	unsigned long long	eff, prm, bind = CAPBIT(CAP_NET_BIND_SERVICE);

	if (geteuid() == 0 || !(priv_needed_caps(c) & bind) ||
	    caps_get(&eff, &prm) == -1 || (prm & bind))
		return 0;
	snprintf(buf, len, "a passive bgp neighbour or metrics on a port "
	    "below 1024 needs CAP_NET_BIND_SERVICE, which uid %u was not "
	    "given: under systemd, add contrib/anycastd-low-port.conf as a "
	    "drop-in (anycastd(8), SYSTEMD)", (unsigned)geteuid());
	return 1;
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

/*
 * The capabilities EFF and PRM, and with EXEC (checks and hooks run as
 * that other user) CAP_SETUID and CAP_SETGID limited to becoming it.
 */
static int
caps_apply(unsigned long long eff, unsigned long long prm,
    const struct priv_user *exec, char *err, size_t errlen)
{
	if (caps_set(eff, prm) == -1) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	if (exec != NULL && priv_setid_filter(exec->uid, exec->gid,
	    exec->ngroups) == -1)
		log_warn("cannot limit CAP_SETUID and CAP_SETGID to exec user "
		    "%s with seccomp: %s", exec->name, strerror(errno));
	return 0;
}

/*
 * Not root to begin with (systemd's User=): only shed capabilities.  When
 * checks and hooks run as another user, CAP_SETUID and CAP_SETGID stay
 * permitted for them (given by the unit, limited by seccomp to the exec
 * user's ids) and CAP_KILL effective to end them; without those, they
 * would share our uid, which is refused.
 */
static int
shed_only(const struct priv_user *user, const struct priv_user *exec,
    unsigned long long keep, char *err, size_t errlen)
{
	unsigned long long	eff, prm, setid = CAPBIT(CAP_SETUID) |
				    CAPBIT(CAP_SETGID);
	int			other = exec->uid != geteuid();
	char			names[256];

	if (user->uid != geteuid())
		log_warn("started as uid %u, not root: cannot become user %s",
		    (unsigned)geteuid(), user->name);
	if (caps_get(&eff, &prm) == -1) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	if (other && ((prm & setid) != setid || !(prm & CAPBIT(CAP_KILL)))) {
		snprintf(err, errlen, "started as uid %u without CAP_SETUID, "
		    "CAP_SETGID and CAP_KILL: exec checks and hooks cannot "
		    "become exec user %s, and must not share the daemon's uid "
		    "(give the capabilities, as the shipped unit does, or "
		    "start as root)", (unsigned)geteuid(), exec->name);
		return -1;
	}
	if (other)
		keep |= CAPBIT(CAP_KILL);
	if (caps_apply(eff & keep, prm & (keep | (other ? setid : 0)),
	    other ? exec : NULL, err, errlen) == -1)
		return -1;
	fmt_caps(eff & keep, names, sizeof(names));
	log_info("started unprivileged as uid %u, capabilities %s%s",
	    (unsigned)geteuid(), names, other ? ", checks and hooks as "
	    "the exec user" : "");
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

/*
 * The control socket goes to root and the user's group, 0660, only when
 * the user is an account of our own; otherwise it stays root's, 0600,
 * and start-up says how to have the account.
 */
static int
control_owner(const char *path, const struct priv_user *user, char *err,
    size_t errlen)
{
	gid_t	gid = user->shared ? 0 : user->gid;
	mode_t	mode = user->shared ? 0600 : 0660;

	if (chown(path, 0, gid) == -1 || chmod(path, mode) == -1) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (user->shared)
		log_warn("no account of its own (user %s): the control socket "
		    "is root's only (0600); to let a group use it, create "
		    "the user: %s", user->name, PRIV_CREATE_USER);
	return 0;
}

static void	child_env_set(const struct priv_user *);

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
	child_env_set(exec);
	if (geteuid() != 0)
		return shed_only(user, exec, keep, err, errlen);
	if (user->uid == 0) {
		log_warn("running as root (user root): privileges not dropped");
		return 0;
	}
	if (control_owner(c->control, user, err, errlen) == -1)
		return -1;
	if (switch_user(user, err, errlen) == -1)
		return -1;
	prm = keep;
	if (other) {
		/* Children switch to the exec user; we must kill them. */
		keep |= CAPBIT(CAP_KILL);
		prm = keep | CAPBIT(CAP_SETUID) | CAPBIT(CAP_SETGID);
		log_info("exec user %s is not user %s: CAP_SETUID and "
		    "CAP_SETGID stay permitted for children", exec->name,
		    user->name);
	}
	if (caps_apply(keep, prm, other ? exec : NULL, err, errlen) == -1)
		return -1;
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

	if (have_child_nofile)
		setrlimit(RLIMIT_NOFILE, &child_nofile);
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
	return 0;
}

/*
 * HOME, USER and LOGNAME of the exec user, made once here: priv_child()
 * runs in a vfork child, which shares our memory and so must not touch
 * the environment.  proc.c adds these to what the child execs with.
 */
static char	 child_env_buf[3][PATH_MAX + 16];
static char	*child_env[4];

static void
child_env_set(const struct priv_user *u)
{
	snprintf(child_env_buf[0], sizeof(child_env_buf[0]), "HOME=%s",
	    u->home);
	snprintf(child_env_buf[1], sizeof(child_env_buf[1]), "USER=%s",
	    u->name);
	snprintf(child_env_buf[2], sizeof(child_env_buf[2]), "LOGNAME=%s",
	    u->name);
	child_env[0] = child_env_buf[0];
	child_env[1] = child_env_buf[1];
	child_env[2] = child_env_buf[2];
	child_env[3] = NULL;
}

char *const *
priv_child_env(void)
{
	return have_child_user ? child_env : NULL;
}
