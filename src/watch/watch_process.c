/* SPDX-License-Identifier: ISC */
/*
 * watch process pidfile "PATH": the server's main process, named by its
 * pid file, held as a pidfd (pidfd_open(2)).  A pidfd becomes readable
 * the moment the process exits, so the check fails in the same event
 * loop turn -- no probe has to time out first.
 *
 * The pid file's directory is watched with inotify, so a restart (a new
 * pid written) is followed at once.  A pid file that is missing, empty
 * or names no running process is a failure, not a config error: the
 * server may simply not be running yet.
 *
 * How it exited: a pidfd of a process that is not our child cannot be
 * waited for, so the status is read from /proc/PID/stat (exit_code,
 * field 52) while the process is a zombie -- until its parent reaps it.
 * A /proc/PID directory opened when the process was found keeps that
 * read from landing on a new process with a reused pid.  The kernel
 * shows exit_code only to a reader that may ptrace the process, and 0 to
 * others; /proc/PID/io answers under the same rule (and, unlike the
 * memory fields, also for a zombie), so a 0 is believed only when that
 * read succeeds.  Otherwise, or when the parent reaped the process first
 * (systemd usually does), the reason says only "exited".
 * Where /proc hides other users' processes (ProtectProc=invisible in
 * contrib/anycastd.service) there is no /proc/PID to open: the pidfd
 * still follows the process, named "process", and its end says "exited".
 */
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/watch.h"

static const struct timeval tv_now = { 0, 0 };
static const struct timeval tv_second = { 1, 0 };

#define PIDFILE_MAX	64	/* "4194304\n" and some spaces */
#define RETRY_MS	1000	/* while the directory or inotify is missing */

struct wproc {
	struct wproc	*next;		/* all process watches */
	struct watch	*w;
	char		*path;		/* the pid file */
	char		*dir;		/* its directory */
	const char	*name;		/* its name in dir */
	int		 wd;		/* inotify watch of dir, -1: none yet */
	struct event	*look;		/* first look, and retries */
	int		 pidfd;		/* -1: no process followed */
	int		 procfd;	/* /proc/PID of the followed process */
	struct event	*pid_ev;
	pid_t		 pid;
	pid_t		 dead;		/* the last pid seen to exit */
	char		 comm[32];
};

/*
 * One inotify instance for every process watch: the kernel allows only
 * 128 per user by default, and 1,000 services must not need 1,000.  Two
 * pid files in one directory share its watch descriptor; a directory
 * watch is never removed while the instance lives (it costs nothing).
 */
static struct {
	int		 fd;
	struct event	*ev;
	struct wproc	*list;
} ino = { -1, NULL, NULL };

static void	reread(struct wproc *);

static int
sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A pid file's content: a decimal pid, maybe with spaces around. */
int
watch_process_parse_pid(const char *s, int *pid)
{
	char	*end;
	long	 v;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v <= 1 || v > INT_MAX)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (*end != '\0')
		return -1;
	*pid = (int)v;
	return 0;
}

/*
 * "exited: killed by SIGKILL" or "exited with status 1" from STAT, the text of
 * /proc/PID/stat of a zombie; 0 when the status cannot be read from it.
 */
int
watch_process_exit_text(const char *stat, int zero_ok, char *buf, size_t len)
{
	const char	*s = strrchr(stat, ')');
	int		 field = 2, code;
	char		*end;
	long		 v;

	if (s == NULL)
		return 0;
	for (s++; *s && field < 52; s++)
		if (*s == ' ')
			field++;
	if (field != 52 || (s[-1] != ' '))
		return 0;
	v = strtol(s, &end, 10);
	if (end == s || v < 0 || v > 0xffff)
		return 0;
	code = (int)v;
	if (code == 0 && !zero_ok)
		return 0;
	if (WIFSIGNALED(code)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(code));

		if (abbrev)
			snprintf(buf, len, "exited: killed by SIG%s%s", abbrev,
			    WCOREDUMP(code) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "exited: killed by signal %d",
			    WTERMSIG(code));
	} else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(code));
	return 1;
}

static void
disarm(struct wproc *wp)
{
	if (wp->pid_ev) {
		event_free(wp->pid_ev);
		wp->pid_ev = NULL;
	}
	if (wp->pidfd != -1)
		close(wp->pidfd);
	if (wp->procfd != -1)
		close(wp->procfd);
	wp->pidfd = wp->procfd = -1;
	wp->pid = 0;
}

/* Whether the kernel lets us see the status of the process at PROCFD. */
static int
may_trace(int procfd)
{
	char	buf[256];
	ssize_t	n;
	int	fd;

	if ((fd = openat(procfd, "io", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

void
watch_process_how(int procfd, char *buf, size_t len)
{
	char	 stat[1024];
	ssize_t	 n;
	int	 fd;

	snprintf(buf, len, "exited");
	if (procfd == -1 ||
	    (fd = openat(procfd, "stat", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return;
	stat[n] = '\0';
	watch_process_exit_text(stat, may_trace(procfd), buf, len);
}

static void
exit_text(struct wproc *wp, char *buf, size_t len)
{
	watch_process_how(wp->procfd, buf, len);
}

static void
pid_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wproc	*wp = arg;
	char		 how[96];

	(void)fd;
	(void)ev;
	exit_text(wp, how, sizeof(how));
	wp->dead = wp->pid;
	watch_set(wp->w, 1, "%s (pid %d) %s", wp->comm, (int)wp->pid, how);
	disarm(wp);
	reread(wp);	/* a new one may be written already */
}

void
watch_process_comm(int procfd, char *comm, size_t len)
{
	ssize_t	n;
	int	fd;

	snprintf(comm, len, "process");
	if (procfd == -1 ||
	    (fd = openat(procfd, "comm", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, comm, len - 1);
	close(fd);
	if (n <= 0) {
		snprintf(comm, len, "process");
		return;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static void
read_comm(struct wproc *wp)
{
	watch_process_comm(wp->procfd, wp->comm, sizeof(wp->comm));
}

static void
arm(struct wproc *wp, pid_t pid)
{
	char path[32];

	disarm(wp);
	if ((wp->pidfd = sys_pidfd_open(pid)) == -1) {
		watch_set(wp->w, 1, "pid file %s names pid %d: %s",
		    wp->path, (int)pid, errno == ESRCH ?
		    "not running" : strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	wp->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	wp->pid = pid;
	read_comm(wp);
	if ((wp->pid_ev = event_new(wp->w->base, wp->pidfd, EV_READ, pid_cb,
	    wp)) == NULL)
		fatalx_oom();
	event_add(wp->pid_ev, NULL);
	watch_set(wp->w, 0, "%s (pid %d) running", wp->comm, (int)pid);
}

/* The pid file now: follow the process it names. */
static void
reread(struct wproc *wp)
{
	char	 buf[PIDFILE_MAX + 1];
	ssize_t	 n = -1;
	int	 pid;
	int	 fd;

	int	 err = 0;

	if ((fd = open(wp->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) != -1) {
		n = read(fd, buf, PIDFILE_MAX);
		close(fd);
	}
	if (n < 0)
		err = errno;
	buf[n > 0 ? n : 0] = '\0';
	/*
	 * A followed process stays followed while its pid file is being
	 * rewritten or removed: its exit is what counts.  After an exit,
	 * the reason of the exit stays until a new pid comes.
	 */
	if (n < 0 || watch_process_parse_pid(buf, &pid) == -1) {
		if (wp->pidfd != -1 || wp->dead)
			return;
		if (n < 0)
			watch_set(wp->w, 1, "no process: pid file %s: %s",
			    wp->path, strerror(err));
		else
			watch_set(wp->w, 1, "no process: no pid in pid file "
			    "%s", wp->path);
		return;
	}
	if (pid == wp->pid || pid == wp->dead)
		return;
	arm(wp, pid);
}

/* Every process watch on descriptor WD whose file is NAME (NULL: all). */
static void
dispatch(int wd, const char *name, int gone)
{
	struct wproc	*wp, *next;

	for (wp = ino.list; wp; wp = next) {
		next = wp->next;	/* reread may not free, but be safe */
		if (wp->wd != wd)
			continue;
		if (gone) {
			/* the directory went: look for it again */
			wp->wd = -1;
			evtimer_add(wp->look, &tv_second);
		}
		if (name == NULL || strcmp(name, wp->name) == 0)
			reread(wp);
	}
}

static void
ino_cb(evutil_socket_t fd, short ev, void *arg)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ie;
	struct wproc			*wp;
	ssize_t				 n;
	size_t				 off;

	(void)ev;
	(void)arg;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < (size_t)n; off += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)(buf + off);
			if (ie->mask & IN_Q_OVERFLOW) {
				for (wp = ino.list; wp; wp = wp->next)
					reread(wp);
				continue;
			}
			dispatch(ie->wd, ie->mask & IN_IGNORED || !ie->len ?
			    NULL : ie->name, !!(ie->mask & IN_IGNORED));
		}
	}
}

static void
ino_open(struct event_base *base)
{
	if (ino.fd != -1)
		return;
	if ((ino.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("watch process: inotify_init1; pid files are read "
		    "every second instead");
		return;
	}
	if ((ino.ev = event_new(base, ino.fd, EV_READ | EV_PERSIST, ino_cb,
	    NULL)) == NULL)
		fatalx_oom();
	event_add(ino.ev, NULL);
}

static void
ino_close_if_unused(void)
{
	if (ino.list != NULL || ino.fd == -1)
		return;
	event_free(ino.ev);
	close(ino.fd);
	ino.fd = -1;
	ino.ev = NULL;
}

static void
look_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wproc	*wp = arg;
	struct timeval	 tv = { RETRY_MS / 1000, 0 };

	(void)fd;
	(void)ev;
	if (wp->wd == -1 && (ino.fd == -1 || (wp->wd = inotify_add_watch(
	    ino.fd, wp->dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
	    IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR)) == -1))
		evtimer_add(wp->look, &tv);
	reread(wp);
}

static void
process_start(struct watch *w)
{
	struct wproc	*wp = xcalloc(1, sizeof(*wp));
	char		*slash;

	wp->w = w;
	w->impl = wp;
	wp->pidfd = wp->procfd = wp->wd = -1;
	wp->path = xstrdup(w->conf->pidfile);
	wp->dir = xstrdup(w->conf->pidfile);
	slash = strrchr(wp->dir, '/');	/* the path is absolute */
	wp->name = wp->path + (slash - wp->dir) + 1;
	slash[slash == wp->dir ? 1 : 0] = '\0';
	ino_open(w->base);
	wp->next = ino.list;
	ino.list = wp;
	if ((wp->look = evtimer_new(w->base, look_cb, wp)) == NULL)
		fatalx_oom();
	evtimer_add(wp->look, &tv_now);
}

static void
process_stop(struct watch *w)
{
	struct wproc *wp = w->impl, **pp;

	for (pp = &ino.list; *pp; pp = &(*pp)->next)
		if (*pp == wp) {
			*pp = wp->next;
			break;
		}
	disarm(wp);
	event_free(wp->look);
	free(wp->path);
	free(wp->dir);
	free(wp);
	ino_close_if_unused();
}

const struct watch_ops watch_process_ops = {
	.start = process_start,
	.stop = process_stop,
};
