/* SPDX-License-Identifier: ISC */
/*
 * The network namespace lock (nslock.h): bind "@anycastd"; if the name
 * is taken, ask its holder who it is.  The kernel vouches for the PID and
 * user of the holder (SO_PEERCRED); the config path comes from the
 * holder's answer, when it gives one within a second.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys/log.h"
#include "daemon/nslock.h"
#include "sys/util.h"

#define LOCK_NAME	"anycastd"
#define ASK_TIMEOUT_MS	1000

static char		 config_path[PATH_MAX];
static struct event	*serve_ev;
static int		 lock_fd = -1;

static socklen_t
lock_addr(struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] == '\0': abstract, in this network namespace. */
	memcpy(sun->sun_path + 1, LOCK_NAME, strlen(LOCK_NAME));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(LOCK_NAME));
}

/* Who holds the lock: "pid 123, config /etc/anycastd.conf". */
static void
ask_holder(char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = lock_addr(&sun), cl;
	struct ucred		 cred;
	struct pollfd		 pfd;
	char			 buf[PATH_MAX + 64], *nl;
	ssize_t			 n = 0;
	int			 fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, len) == -1) {
		snprintf(err, errlen, "another anycastd is starting in this "
		    "network namespace (the lock @%s is taken: %s)", LOCK_NAME,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	cl = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == -1)
		memset(&cred, 0, sizeof(cred));
	pfd.fd = fd;
	pfd.events = POLLIN;
	buf[0] = '\0';
	if (poll(&pfd, 1, ASK_TIMEOUT_MS) == 1 &&
	    (n = read(fd, buf, sizeof(buf) - 1)) > 0)
		buf[n] = '\0';
	close(fd);
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (strncmp(buf, "pid ", 4) == 0)
		snprintf(err, errlen, "another anycastd is running in this "
		    "network namespace: %s", buf);
	else
		snprintf(err, errlen, "the lock @%s of this network namespace "
		    "is held by pid %ld (uid %ld), which does not answer as "
		    "anycastd", LOCK_NAME, (long)cred.pid, (long)cred.uid);
}

int
nslock_take(const char *config, char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	socklen_t		len = lock_addr(&sun);

	snprintf(config_path, sizeof(config_path), "%s", config);
	lock_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (lock_fd == -1) {
		snprintf(err, errlen, "namespace lock: %s", strerror(errno));
		return -1;
	}
	if (bind(lock_fd, (struct sockaddr *)&sun, len) == -1) {
		if (errno == EADDRINUSE)
			ask_holder(err, errlen);
		else
			snprintf(err, errlen, "namespace lock @%s: %s",
			    LOCK_NAME, strerror(errno));
		nslock_close();
		return -1;
	}
	if (listen(lock_fd, 8) == -1) {
		snprintf(err, errlen, "namespace lock: %s", strerror(errno));
		nslock_close();
		return -1;
	}
	return lock_fd;
}

static void
serve_cb(evutil_socket_t fd, short what, void *arg)
{
	char	info[PATH_MAX + 64];
	int	c;

	(void)what;
	(void)arg;
	/* Now: the PID changed since the lock was taken if we daemonized. */
	snprintf(info, sizeof(info), "pid %ld, config %s\n", (long)getpid(),
	    config_path);
	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) !=
	    -1) {
		/* A short line to a fresh socket: it fits its buffer. */
		if (write(c, info, strlen(info)) == -1)
			log_debug("namespace lock: answer: %s", strerror(errno));
		close(c);
	}
}

void
nslock_serve(struct event_base *base, int fd)
{
	if ((serve_ev = event_new(base, fd, EV_READ | EV_PERSIST, serve_cb,
	    NULL)) == NULL)
		fatalx_oom();
	event_add(serve_ev, NULL);
}

void
nslock_close(void)
{
	if (serve_ev != NULL)
		event_free(serve_ev);
	serve_ev = NULL;
	if (lock_fd != -1)
		close(lock_fd);
	lock_fd = -1;
}
