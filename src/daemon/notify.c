/* SPDX-License-Identifier: ISC */
/*
 * Telling systemd how we are.  The watchdog is pinged from the event
 * loop itself, so a loop that hangs stops the pings and systemd restarts
 * the daemon.
 */
#include "daemon/notify.h"
#include "sys/util.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static struct event *watchdog;

static void
ping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

void
notify_ready(struct event_base *base)
{
	uint64_t	 usec;
	struct timeval	 tv;

	sd_notify(0, "READY=1");
	if (watchdog || sd_watchdog_enabled(0, &usec) <= 0)
		return;
	/* Twice per period, as sd_watchdog_enabled(3) advises. */
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	watchdog = event_new(base, -1, EV_PERSIST, ping, NULL);
	if (watchdog == NULL)
		return;
	event_add(watchdog, &tv);
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_shutdown(void)
{
	if (watchdog)
		event_free(watchdog);
	watchdog = NULL;
}
#else
void
notify_ready(struct event_base *base)
{
	(void)base;
}

void
notify_reloading(void)
{
}

void
notify_stopping(void)
{
}

void
notify_shutdown(void)
{
}
#endif
