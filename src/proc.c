/* SPDX-License-Identifier: ISC */
/*
 * Child processes for exec checks and hooks.  relayd's script check
 * waits for its child and stalls everything else; here a child is started
 * in its own process group (so a timeout kills its children too), SIGCHLD
 * reaps it from the event loop, and a callback gets the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "proc.h"
#include "util.h"

extern char **environ;

struct child {
	struct child	*next;
	pid_t		 pid;
	proc_exit_fn	 fn;		/* NULL: reap only */
	void		*arg;
};

static struct child	*children;
static struct event	*sigchld;

static void
reap(evutil_socket_t sig, short ev, void *arg)
{
	struct child	**cp, *c;
	pid_t		  pid;
	int		  status;

	(void)sig;
	(void)ev;
	(void)arg;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (cp = &children; *cp && (*cp)->pid != pid; cp = &(*cp)->next)
			;
		if ((c = *cp) == NULL)
			continue;
		*cp = c->next;
		if (c->fn)
			c->fn(pid, status, c->arg);
		free(c);
	}
}

void
proc_init(struct event_base *base)
{
	sigchld = evsignal_new(base, SIGCHLD, reap, NULL);
	if (sigchld == NULL || evsignal_add(sigchld, NULL) == -1)
		fatal("cannot watch SIGCHLD");
}

/*
 * In the child: own process group, quiet stdin/stdout, the exec user's
 * credentials without any capability, then exec.
 */
static void __attribute__((noreturn))
child_exec(char *const argv[], char *const env[])
{
	sigset_t	 none;
	int		 fd;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (priv_child() == -1) {
		dprintf(STDERR_FILENO, "anycastd: %s: cannot become the exec "
		    "user: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (; env && *env; env++)
		putenv(*env);
	execve(argv[0], argv, environ);
	_exit(127);
}

pid_t
proc_spawn(char *const argv[], char *const env[], proc_exit_fn fn, void *arg)
{
	struct child	*c;
	pid_t		 pid;

	if ((pid = fork()) == -1) {
		log_warn("fork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_exec(argv, env);
	setpgid(pid, pid);	/* also here: no race with an early kill */
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->fn = fn;
	c->arg = arg;
	c->next = children;
	children = c;
	return pid;
}

void
proc_kill(pid_t pid)
{
	struct child *c;

	for (c = children; c; c = c->next)
		if (c->pid == pid) {
			c->fn = NULL;
			kill(-pid, SIGKILL);
			return;
		}
}

void
proc_shutdown(void)
{
	struct child *c, *next;

	for (c = children; c; c = next) {
		next = c->next;
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		free(c);
	}
	children = NULL;
	if (sigchld)
		event_free(sigchld);
	sigchld = NULL;
}
