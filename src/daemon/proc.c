/* SPDX-License-Identifier: ISC */
/*
 * Child processes for exec checks and hooks.  relayd's script check
 * waits for its child and stalls everything else; here nothing waits:
 *
 *  - a child is started with vfork(2), which does not copy the daemon's
 *    page tables (fork did, for every probe), in its own process group;
 *  - exec checks hold one of `exec limit` slots; the rest queue, and the
 *    queue is served by an event at the loop's lowest priority, a few at
 *    a time, so timers, BGP and the control socket always go first
 *    (2,000 checks once turned a 500 ms DNS probe into a 32 s gap:
 *    tests/integration/test_exec_bounds.py);
 *  - the child's stderr comes through a pipe and is framed (proc_err.c);
 *  - SIGCHLD reaps from the loop; when a child exits, what is left of its
 *    process group is killed, and so is every leftover reparented to us
 *    (we are a child subreaper, proc_orphan.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys/log.h"
#include "daemon/priv.h"
#include "daemon/proc.h"
#include "daemon/proc_err.h"
#include "daemon/proc_orphan.h"
#include "sys/util.h"

#define PROC_PUMP_BATCH	4	/* spawns per pass of the loop */
#define PROC_SWEEP_MS	100	/* at most one orphan sweep per this */
#define PROC_DRAIN_MAX	(64 * 1024)	/* stderr read after the exit */
#define PROC_REAP_WAIT_MS 2000	/* at shutdown */
/* Children run this much nicer than the daemon, and so than the DNS
 * server on the same host: a busy check never delays a probe. */
#define PROC_NICE	10
/* Whether setpriority(2) is allowed: contrib/anycastd.service's system
 * call filter refuses it (@resources), and a child would otherwise say so
 * on every run; proc_init says it once. */
static int	 can_nice = 1;

extern char **environ;

struct child {
	struct child	*next;
	pid_t		 pid;
	int		 flags;
	proc_exit_fn	 fn;		/* NULL: reap only */
	void		*arg;
	int		 errfd;
	struct event	*errev;
	struct proc_err	 err;
};

/* What the vfork child needs, all prepared by the parent. */
struct spawn {
	char *const	*argv;
	char *const	*extra;
	char *const	*user;		/* HOME, USER, LOGNAME (priv.c) */
	char		**envp;		/* room for environ + extra + 4 */
	int		 errfd;
};

static struct event_base	*base;
static struct child		*children;
static struct event		*sigchld, *pump_ev, *sweep_ev;
static TAILQ_HEAD(, proc_wait)	 waiting = TAILQ_HEAD_INITIALIZER(waiting);
static struct proc_stats	 stats = { .limit = PROC_LIMIT_DEFAULT };
static uint64_t			 last_sweep_ms, last_orphan_log_ms;
static unsigned			 orphans_unlogged;
static int			 devnull = -1;
static pid_t			 subreaper;	/* daemon(3) forks */

static void	pump_kick(void);

static int
lowest(void)
{
	return event_base_get_npriorities(base) - 1;
}

static struct child *
find(pid_t pid)
{
	struct child *c;

	for (c = children; c; c = c->next)
		if (c->pid == pid)
			return c;
	return NULL;
}

static int
is_tracked(pid_t pid)
{
	return find(pid) != NULL;
}

/* ---- stderr ---- */

static void
err_line(const char *label, const char *line, void *arg)
{
	(void)arg;
	log_info("%s: stderr: %s", label, line);
}

static void
err_close(struct child *c)
{
	if (c->errev)
		event_free(c->errev);
	if (c->errfd != -1)
		close(c->errfd);
	c->errev = NULL;
	c->errfd = -1;
}

static void
err_read(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	char		 buf[4096];
	ssize_t		 n;

	(void)ev;
	if ((n = read(fd, buf, sizeof(buf))) > 0) {
		proc_err_feed(&c->err, buf, (size_t)n);
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	err_close(c);		/* EOF: the last line is flushed at exit */
}

/* At the exit: what is still in the pipe, bounded (a leftover may hold
 * the other end open and keep writing). */
static void
err_drain(struct child *c)
{
	char	 buf[4096];
	size_t	 total = 0;
	ssize_t	 n;

	while (c->errfd != -1 && total < PROC_DRAIN_MAX &&
	    (n = read(c->errfd, buf, sizeof(buf))) > 0) {
		proc_err_feed(&c->err, buf, (size_t)n);
		total += (size_t)n;
	}
	err_close(c);
	proc_err_flush(&c->err);
}

/* ---- leftovers ---- */

static void
sweep(evutil_socket_t fd, short ev, void *arg)
{
	uint64_t	now = util_now_ms();
	unsigned	n;

	(void)fd;
	(void)ev;
	(void)arg;
	last_sweep_ms = now;
	if ((n = proc_orphan_kill(is_tracked)) == 0)
		return;
	stats.orphans_killed += n;
	orphans_unlogged += n;
	if (now - last_orphan_log_ms >= 10000) {
		log_warn("killed %u processes that exec checks or hooks left "
		    "running", orphans_unlogged);
		orphans_unlogged = 0;
		last_orphan_log_ms = now;
	}
}

static void
sweep_soon(void)
{
	uint64_t	now = util_now_ms(), next = last_sweep_ms + PROC_SWEEP_MS;
	struct timeval	tv;

	if (evtimer_pending(sweep_ev, NULL))
		return;
	tv.tv_sec = 0;
	tv.tv_usec = next > now ? (suseconds_t)(next - now) * 1000 : 0;
	evtimer_add(sweep_ev, &tv);
}

/* ---- reaping ---- */

static void
child_unlink(struct child *c)
{
	struct child **cp;

	for (cp = &children; *cp != c; cp = &(*cp)->next)
		;
	*cp = c->next;
	if (c->flags & PROC_SLOT)
		stats.running--;
}

static void
reap(evutil_socket_t sig, short ev, void *arg)
{
	struct child	*c;
	siginfo_t	 si;
	pid_t		 pid;
	int		 status, any = 0;

	(void)sig;
	(void)ev;
	(void)arg;
	for (;;) {
		/* Look before reaping: while the zombie holds its pid, its
		 * process group id cannot go to anyone else. */
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0)
			break;
		pid = si.si_pid;
		if ((c = find(pid)) != NULL)
			kill(-pid, SIGKILL);	/* what it left in its group */
		if (waitpid(pid, &status, WNOHANG) <= 0)
			break;
		any = 1;
		if (c == NULL)
			continue;		/* a leftover, killed by sweep */
		child_unlink(c);
		err_drain(c);
		if (c->fn)
			c->fn(pid, status, c->err.label, c->arg);
		free(c);
	}
	if (any) {
		sweep_soon();
		pump_kick();
	}
}

/* ---- spawning ---- */

static int
overridden(const char *var, char *const extra[])
{
	const char	*eq = strchr(var, '=');
	size_t		 n = eq ? (size_t)(eq - var) + 1 : strlen(var);

	for (; extra && *extra; extra++)
		if (strncmp(*extra, var, n) == 0)
			return 1;
	return 0;
}

static void
child_say(const char *what, const char *prog, int err)
{
	const char *parts[] = { "anycastd: ", prog, ": ", what, ": ",
	    strerror(err), "\n" };
	size_t i;

	for (i = 0; i < nitems(parts); i++)
		if (write(STDERR_FILENO, parts[i], strlen(parts[i])) < 0)
			return;
}

/*
 * In the vfork child, which shares the daemon's memory until it execs:
 * system calls only, nothing written but S->envp (the exec user's HOME,
 * USER and LOGNAME come ready made from priv_child_env()).  Own
 * process group, default signal handling, stdin/stdout on /dev/null,
 * stderr to our pipe, the exec user's credentials without any
 * capability (priv_child), then exec.
 */
static void __attribute__((noreturn, noinline))
child_exec(const struct spawn *s)
{
	struct sigaction	 dfl;
	sigset_t		 none;
	char *const		*e;
	size_t			 n = 0;
	int			 sig;

	setpgid(0, 0);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	dup2(devnull, STDIN_FILENO);
	dup2(devnull, STDOUT_FILENO);
	dup2(s->errfd, STDERR_FILENO);
	errno = 0;
	if (can_nice && nice(PROC_NICE) == -1 && errno != 0)
		child_say("cannot lower its priority", s->argv[0], errno);
	if (priv_child() == -1) {
		child_say("cannot become the exec user", s->argv[0], errno);
		_exit(127);
	}
	for (e = environ; *e; e++)
		if (!overridden(*e, s->extra) && !overridden(*e, s->user))
			s->envp[n++] = *e;
	for (e = s->user; e && *e; e++)
		s->envp[n++] = *e;
	for (e = s->extra; e && *e; e++)
		s->envp[n++] = *e;
	s->envp[n] = NULL;
	execve(s->argv[0], s->argv, s->envp);
	child_say("cannot run", s->argv[0], errno);
	_exit(127);
}

static pid_t
do_vfork(const struct spawn *s)
{
	sigset_t	all, old;
	pid_t		pid;
	int		saved;

	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = vfork()) == 0)
		child_exec(s);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return pid;
}

pid_t
proc_spawn(char *const argv[], char *const env[], const char *label,
    int flags, proc_exit_fn fn, void *arg)
{
	struct spawn	 s = { argv, env, priv_child_env(), NULL, -1 };
	struct child	*c;
	char *const	*e;
	size_t		 n = 4;
	int		 p[2];
	pid_t		 pid;

	if (subreaper != getpid()) {
		subreaper = getpid();
		if (proc_orphan_init() == -1)
			log_warn("cannot become a child subreaper: what checks "
			    "leave running may survive them");
	}
	for (e = environ; *e; e++)
		n++;
	for (e = env; e && *e; e++)
		n++;
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("%s: pipe: %s", label, strerror(errno));
		return -1;
	}
	s.envp = xreallocarray(NULL, n, sizeof(*s.envp));
	s.errfd = p[1];
	pid = do_vfork(&s);
	if (pid == -1)
		log_warn("%s: vfork: %s", label, strerror(errno));
	free(s.envp);
	close(p[1]);
	if (pid == -1) {
		close(p[0]);
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->flags = flags;
	c->fn = fn;
	c->arg = arg;
	c->errfd = p[0];
	proc_err_init(&c->err, label, err_line, NULL);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	if ((c->errev = event_new(base, p[0], EV_READ | EV_PERSIST, err_read,
	    c)) == NULL || event_priority_set(c->errev, lowest()) == -1 ||
	    event_add(c->errev, NULL) == -1)
		fatalx_oom();
	c->next = children;
	children = c;
	if (flags & PROC_SLOT)
		stats.running++;
	stats.spawned++;
	return pid;
}

void
proc_kill(pid_t pid)
{
	struct child *c;

	if ((c = find(pid)) != NULL) {
		c->fn = NULL;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);	/* in case setpgid never happened */
	}
}

/* ---- the queue ---- */

static void
pump(evutil_socket_t fd, short ev, void *arg)
{
	struct proc_wait	*w;
	unsigned		 n;

	(void)fd;
	(void)ev;
	(void)arg;
	for (n = 0; n < PROC_PUMP_BATCH && stats.running < stats.limit &&
	    (w = TAILQ_FIRST(&waiting)) != NULL; n++) {
		TAILQ_REMOVE(&waiting, w, entry);
		w->queued = 0;
		stats.queued--;
		w->ready(w, util_now_ms() - w->since_ms);
	}
	pump_kick();
}

static void
pump_kick(void)
{
	if (pump_ev && !TAILQ_EMPTY(&waiting) && stats.running < stats.limit)
		event_active(pump_ev, 0, 0);
}

void
proc_wait_slot(struct proc_wait *w)
{
	if (w->queued)
		return;
	w->since_ms = util_now_ms();
	w->queued = 1;
	TAILQ_INSERT_TAIL(&waiting, w, entry);
	stats.queued++;
	pump_kick();
}

void
proc_wait_cancel(struct proc_wait *w)
{
	if (!w->queued)
		return;
	TAILQ_REMOVE(&waiting, w, entry);
	w->queued = 0;
	stats.queued--;
}

void
proc_set_limit(unsigned limit)
{
	stats.limit = limit ? limit : PROC_LIMIT_DEFAULT;
	pump_kick();
}

void
proc_get_stats(struct proc_stats *st)
{
	*st = stats;
}

/* ---- life ---- */

void
proc_init(struct event_base *b)
{
	int	prio;

	base = b;
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null: %s", strerror(errno));
	/* Setting our own priority to what it is changes nothing, and
	 * tells whether children can lower theirs. */
	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && setpriority(PRIO_PROCESS, 0, prio) == -1 &&
	    errno == EPERM) {
		can_nice = 0;
		log_warn("setpriority is refused (a system call filter?): exec "
		    "checks and hooks run at the daemon's priority, not %d "
		    "lower; under systemd, SystemCallFilter=setpriority in a "
		    "drop-in allows it", PROC_NICE);
	}
	/* Children are served last: after every timer, socket and signal
	 * of the same pass (their exits, stderr and the queue all wait). */
	sigchld = evsignal_new(base, SIGCHLD, reap, NULL);
	if (sigchld == NULL || event_priority_set(sigchld, lowest()) == -1 ||
	    evsignal_add(sigchld, NULL) == -1)
		fatal("cannot watch SIGCHLD");
	if ((pump_ev = event_new(base, -1, 0, pump, NULL)) == NULL ||
	    (sweep_ev = evtimer_new(base, sweep, NULL)) == NULL ||
	    event_priority_set(pump_ev, lowest()) == -1 ||
	    event_priority_set(sweep_ev, lowest()) == -1)
		fatalx_oom();
}

static int
track_none(pid_t pid)
{
	(void)pid;
	return 0;
}

void
proc_shutdown(void)
{
	struct child	*c;
	struct timespec	 ts = { 0, 5 * 1000 * 1000 };
	uint64_t	 until = util_now_ms() + PROC_REAP_WAIT_MS;
	pid_t		 pid;

	for (c = children; c; c = c->next) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
	}
	/* Everything below us comes to us as its parents die: kill and
	 * reap until nothing is left. */
	for (;;) {
		proc_orphan_kill(track_none);
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			if ((c = find(pid)) != NULL) {
				child_unlink(c);
				err_close(c);
				free(c);
			}
		if (pid == -1 && errno == ECHILD)
			break;
		if (util_now_ms() > until) {
			log_warn("child processes still running at exit");
			break;
		}
		nanosleep(&ts, NULL);
	}
	while ((c = children) != NULL) {
		children = c->next;
		err_close(c);
		free(c);
	}
	while (!TAILQ_EMPTY(&waiting))
		proc_wait_cancel(TAILQ_FIRST(&waiting));
	if (sigchld)
		event_free(sigchld);
	if (pump_ev)
		event_free(pump_ev);
	if (sweep_ev)
		event_free(sweep_ev);
	sigchld = pump_ev = sweep_ev = NULL;
	if (devnull != -1)
		close(devnull);
	devnull = -1;
}
