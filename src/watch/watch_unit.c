/* SPDX-License-Identifier: ISC */
/*
 * watch process unit "nsd.service": the main process of a systemd
 * service, as systemd names it (its MainPID property), held as a pidfd
 * like a pid file's process (watch_process.c): its exit fails the check
 * in the same event loop turn.
 *
 * Only systemd knows which of a unit's processes is the main one, so we
 * ask it over the system bus, without ever blocking the loop: sd-bus
 * calls are all asynchronous, and the bus connection is one more file
 * descriptor of the event loop (sd_bus_get_fd/get_events/get_timeout,
 * then sd_bus_process when it is ready).  One connection serves every
 * unit watch.  Each unit's object (its path derives from its name) is
 * asked for LoadState, ActiveState and MainPID; a match on its
 * PropertiesChanged signal, with the manager's Subscribe() so that
 * systemd sends them, asks again when the unit changes: a restart gives
 * a new MainPID, followed at once.
 *
 * A bus that is missing or lost, or a unit that is not loaded, is a
 * failure of the watch with the reason, looked at again every few
 * seconds -- not a config error.  A process already followed stays
 * followed while the bus is away: its exit is still seen.
 *
 * How it exited: systemd, its parent, reaps it at once, so the reason
 * usually says only "exited" (watch_process.c says why).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#ifdef HAVE_SYSTEMD
#include <sys/syscall.h>

#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#define RETRY_MS	3000	/* bus or unit missing: look again */

static const char SD_DEST[] = "org.freedesktop.systemd1";

enum prop { U_LOAD, U_ACTIVE, U_PID, U_MAX };

struct wunit {
	struct wunit	*next;		/* all unit watches */
	struct watch	*w;
	char		*unit;
	char		*path;		/* its bus object */
	sd_bus_slot	*match;		/* PropertiesChanged */
	sd_bus_slot	*call[U_MAX];
	int		 pending;	/* replies awaited */
	char		 load[32], active[32];
	uint32_t	 mainpid;
	char		 err[128];	/* a call's error */
	int		 polling;	/* no signals: ask every RETRY_MS */
	struct event	*retry;
	int		 pidfd, procfd;
	struct event	*pid_ev;
	pid_t		 pid, dead;
	char		 comm[32];
};

static struct {
	sd_bus		*bus;
	struct event_base *base;
	struct event	*io;		/* the bus fd and its timeout */
	struct event	*reopen;
	struct wunit	*list;
	char		 why[96];	/* why there is no bus */
} bus;

static void	refresh(struct wunit *);
static void	bus_open(void);

static void
after(struct event *ev, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

/* ---- the bus in the event loop ---- */

static void	bus_cb(evutil_socket_t, short, void *);

/* Wait for what sd-bus wants next: readable, writable, its timeout. */
static void
bus_rearm(void)
{
	struct timespec	 ts;
	struct timeval	 tv;
	uint64_t	 until, now;
	short		 what = 0;
	int		 fd, evs;

	if (bus.bus == NULL)
		return;
	fd = sd_bus_get_fd(bus.bus);
	evs = sd_bus_get_events(bus.bus);
	if (fd < 0 || evs < 0)
		return;
	if (evs & POLLIN)
		what |= EV_READ;
	if (evs & POLLOUT)
		what |= EV_WRITE;
	event_del(bus.io);
	event_assign(bus.io, bus.base, fd, what, bus_cb, NULL);
	if (sd_bus_get_timeout(bus.bus, &until) < 0 || until == UINT64_MAX) {
		event_add(bus.io, NULL);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	until = until > now ? until - now : 0;
	tv.tv_sec = (time_t)(until / 1000000);
	tv.tv_usec = (suseconds_t)(until % 1000000);
	event_add(bus.io, &tv);
}

static void
unit_calls_drop(struct wunit *wu)
{
	size_t i;

	for (i = 0; i < U_MAX; i++)
		wu->call[i] = sd_bus_slot_unref(wu->call[i]);
	wu->pending = 0;
}

/* The bus went (or never came): every watch not following a live
 * process fails with WHY; the bus is opened again later. */
static void
bus_lost(const char *what, int err)
{
	struct wunit *wu;

	snprintf(bus.why, sizeof(bus.why), "system bus: %s: %s", what,
	    strerror(err));
	for (wu = bus.list; wu; wu = wu->next) {
		unit_calls_drop(wu);
		wu->match = sd_bus_slot_unref(wu->match);
		wu->polling = 0;
		if (wu->pidfd == -1 && !wu->dead)
			watch_set(wu->w, 1, "%s: %s", wu->unit, bus.why);
	}
	if (bus.bus != NULL) {
		event_del(bus.io);
		bus.bus = sd_bus_close_unref(bus.bus);
		log_warn("watch process unit: %s; again in %ds", bus.why,
		    RETRY_MS / 1000);
	}
	after(bus.reopen, RETRY_MS);
}

static void
bus_cb(evutil_socket_t fd, short what, void *arg)
{
	int r;

	(void)fd;
	(void)what;
	(void)arg;
	while ((r = sd_bus_process(bus.bus, NULL)) > 0)
		if (bus.bus == NULL)
			return;
	if (bus.bus == NULL)
		return;
	if (r < 0) {
		bus_lost("connection lost", -r);
		return;
	}
	bus_rearm();
}

/* ---- one unit ---- */

static void
disarm(struct wunit *wu)
{
	if (wu->pid_ev) {
		event_free(wu->pid_ev);
		wu->pid_ev = NULL;
	}
	if (wu->pidfd != -1)
		close(wu->pidfd);
	if (wu->procfd != -1)
		close(wu->procfd);
	wu->pidfd = wu->procfd = -1;
	wu->pid = 0;
}

static void
pid_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct wunit	*wu = arg;
	char		 how[96];

	(void)fd;
	(void)ev;
	watch_process_how(wu->procfd, how, sizeof(how));
	wu->dead = wu->pid;
	watch_set(wu->w, 1, "%s main process%s%s (pid %d) %s", wu->unit,
	    wu->comm[0] ? " " : "", wu->comm, (int)wu->pid, how);
	disarm(wu);
	refresh(wu);	/* systemd may have a new one already */
}

static void
arm(struct wunit *wu, pid_t pid)
{
	char path[32];

	disarm(wu);
	if ((wu->pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		watch_set(wu->w, 1, "%s main process (pid %d): %s", wu->unit,
		    (int)pid, errno == ESRCH ? "not running" : strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	wu->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	wu->pid = pid;
	watch_process_comm(wu->procfd, wu->comm, sizeof(wu->comm));
	/* Under a hidden /proc the name is not known: the unit says enough
	 * ("nsd.service main process (pid 1234)"). */
	if (wu->procfd == -1 || strcmp(wu->comm, "process") == 0)
		wu->comm[0] = '\0';
	if ((wu->pid_ev = event_new(wu->w->base, wu->pidfd, EV_READ, pid_cb,
	    wu)) == NULL)
		fatalx_oom();
	event_add(wu->pid_ev, NULL);
	watch_set(wu->w, 0, "%s main process%s%s (pid %d) running", wu->unit,
	    wu->comm[0] ? " " : "", wu->comm, (int)pid);
}

/* All three properties are in: follow the main process, or say why
 * there is none. */
static void
judge(struct wunit *wu)
{
	if (wu->err[0] != '\0') {
		if (wu->pidfd == -1)
			watch_set(wu->w, 1, "%s: %s", wu->unit, wu->err);
		after(wu->retry, RETRY_MS);
		return;
	}
	if (strcmp(wu->load, "loaded") != 0) {
		/* not-found, masked, error: systemd says no more than that
		 * until it loads the unit again. */
		disarm(wu);
		watch_set(wu->w, 1, "%s is not loaded (%s)", wu->unit,
		    wu->load);
		after(wu->retry, RETRY_MS);
		return;
	}
	if (wu->polling)
		after(wu->retry, RETRY_MS);
	if (wu->mainpid == 0) {
		/* Its exit is already said, or the pidfd says it soon. */
		if (wu->pidfd == -1 && !wu->dead)
			watch_set(wu->w, 1, "%s has no main process (%s)",
			    wu->unit, wu->active);
		return;
	}
	if ((pid_t)wu->mainpid == wu->pid || (pid_t)wu->mainpid == wu->dead)
		return;
	arm(wu, (pid_t)wu->mainpid);
}

static int
got(sd_bus_message *m, void *arg, enum prop which)
{
	struct wunit		*wu = arg;
	const sd_bus_error	*e;
	const char		*s;
	int			 r;

	/* The slot is sd-bus's to finish now; dropped at the next ask. */
	if (sd_bus_message_is_method_error(m, NULL)) {
		e = sd_bus_message_get_error(m);
		snprintf(wu->err, sizeof(wu->err), "%s", e && e->message ?
		    e->message : "error from systemd");
	} else if (which == U_PID) {
		r = sd_bus_message_read(m, "v", "u", &wu->mainpid);
		if (r < 0)
			snprintf(wu->err, sizeof(wu->err), "MainPID: %s",
			    strerror(-r));
	} else {
		r = sd_bus_message_read(m, "v", "s", &s);
		if (r < 0)
			snprintf(wu->err, sizeof(wu->err), "%s: %s", which ==
			    U_LOAD ? "LoadState" : "ActiveState", strerror(-r));
		else
			snprintf(which == U_LOAD ? wu->load : wu->active,
			    sizeof(wu->load), "%s", s);
	}
	if (--wu->pending == 0)
		judge(wu);
	return 0;
}

static int
got_load(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	(void)e;
	return got(m, arg, U_LOAD);
}

static int
got_active(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	(void)e;
	return got(m, arg, U_ACTIVE);
}

static int
got_pid(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	(void)e;
	return got(m, arg, U_PID);
}

static int
changed(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	(void)m;
	(void)e;
	refresh(arg);
	return 0;
}

static int
match_added(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	struct wunit		*wu = arg;
	const sd_bus_error	*err;

	(void)e;
	if (!sd_bus_message_is_method_error(m, NULL))
		return 0;
	/* No signals: look now and then instead. */
	err = sd_bus_message_get_error(m);
	log_warn("watch process unit %s: no PropertiesChanged match: %s; "
	    "asking every %ds", wu->unit, err && err->message ? err->message :
	    "?", RETRY_MS / 1000);
	wu->polling = 1;
	after(wu->retry, RETRY_MS);
	return 0;
}

/* Ask the unit's three properties again (the last answers dropped). */
static void
refresh(struct wunit *wu)
{
	static const char *const iface[U_MAX] = {
	    "org.freedesktop.systemd1.Unit", "org.freedesktop.systemd1.Unit",
	    "org.freedesktop.systemd1.Service" };
	static const char *const name[U_MAX] = { "LoadState", "ActiveState",
	    "MainPID" };
	static const sd_bus_message_handler_t cb[U_MAX] = { got_load,
	    got_active, got_pid };
	size_t	i;
	int	r;

	if (bus.bus == NULL) {
		/* bus_open() asks when it comes */
		if (bus.why[0] != '\0' && wu->pidfd == -1 && !wu->dead)
			watch_set(wu->w, 1, "%s: %s", wu->unit, bus.why);
		return;
	}
	unit_calls_drop(wu);
	wu->err[0] = '\0';
	wu->mainpid = 0;
	if (wu->match == NULL && (r = sd_bus_match_signal_async(bus.bus,
	    &wu->match, SD_DEST, wu->path, "org.freedesktop.DBus.Properties",
	    "PropertiesChanged", changed, match_added, wu)) < 0)
		log_warn("watch process unit %s: match: %s", wu->unit,
		    strerror(-r));
	for (i = 0; i < U_MAX; i++) {
		r = sd_bus_call_method_async(bus.bus, &wu->call[i], SD_DEST,
		    wu->path, "org.freedesktop.DBus.Properties", "Get", cb[i],
		    wu, "ss", iface[i], name[i]);
		if (r < 0) {
			unit_calls_drop(wu);
			snprintf(wu->err, sizeof(wu->err), "asking systemd: %s",
			    strerror(-r));
			judge(wu);
			return;
		}
		wu->pending++;
	}
	bus_rearm();
}

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	refresh(arg);
}

/* ---- the connection ---- */

static int
subscribed(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	const sd_bus_error *err;

	(void)arg;
	(void)e;
	if (sd_bus_message_is_method_error(m, NULL)) {
		err = sd_bus_message_get_error(m);
		log_warn("watch process unit: systemd Subscribe: %s",
		    err && err->message ? err->message : "?");
	}
	return 0;
}

static void
bus_open(void)
{
	struct wunit	*wu;
	int		 r;

	if (bus.bus != NULL || bus.list == NULL)
		return;
	/* Connecting and authenticating go on in the loop (bus_cb). */
	if ((r = sd_bus_open_system(&bus.bus)) < 0) {
		bus.bus = NULL;
		bus_lost("cannot connect", -r);
		return;
	}
	/* systemd sends its units' PropertiesChanged only when a client
	 * subscribed; ours ends with our connection. */
	if ((r = sd_bus_call_method_async(bus.bus, NULL, SD_DEST,
	    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
	    "Subscribe", subscribed, NULL, NULL)) < 0) {
		bus_lost("Subscribe", -r);
		return;
	}
	bus.why[0] = '\0';
	for (wu = bus.list; wu; wu = wu->next)
		refresh(wu);
	bus_rearm();
}

static void
reopen_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	bus_open();
}

static void
unit_start(struct watch *w)
{
	struct wunit	*wu = xcalloc(1, sizeof(*wu));
	int		 r;

	wu->w = w;
	w->impl = wu;
	wu->pidfd = wu->procfd = -1;
	wu->unit = xstrdup(w->conf->unit);
	if ((r = sd_bus_path_encode("/org/freedesktop/systemd1/unit",
	    wu->unit, &wu->path)) < 0)
		fatalx_oom();
	if ((wu->retry = evtimer_new(w->base, retry_cb, wu)) == NULL)
		fatalx_oom();
	if (bus.io == NULL) {
		bus.base = w->base;
		bus.io = event_new(w->base, -1, 0, bus_cb, NULL);
		bus.reopen = evtimer_new(w->base, reopen_cb, NULL);
		if (bus.io == NULL || bus.reopen == NULL)
			fatalx_oom();
	}
	wu->next = bus.list;
	bus.list = wu;
	/* The first look from the event loop, as every watch. */
	if (bus.bus == NULL && !evtimer_pending(bus.reopen, NULL))
		after(bus.reopen, 0);
	after(wu->retry, 0);
}

static void
unit_stop(struct watch *w)
{
	struct wunit *wu = w->impl, **pp;

	for (pp = &bus.list; *pp; pp = &(*pp)->next)
		if (*pp == wu) {
			*pp = wu->next;
			break;
		}
	unit_calls_drop(wu);
	sd_bus_slot_unref(wu->match);
	disarm(wu);
	event_free(wu->retry);
	free(wu->unit);
	free(wu->path);
	free(wu);
	if (bus.list != NULL)
		return;
	/* The last one: no connection kept for nothing. */
	if (bus.bus != NULL)
		bus.bus = sd_bus_close_unref(bus.bus);
	event_free(bus.io);
	event_free(bus.reopen);
	bus.io = bus.reopen = NULL;
	bus.why[0] = '\0';
}

#else	/* !HAVE_SYSTEMD: the config refuses `unit` (conf_watch.c) */

static void
unit_start(struct watch *w)
{
	watch_set(w, 1, "%s: built without systemd", w->conf->unit);
}

static void
unit_stop(struct watch *w)
{
	(void)w;
}

#endif

const struct watch_ops watch_unit_ops = {
	.start = unit_start,
	.stop = unit_stop,
};
