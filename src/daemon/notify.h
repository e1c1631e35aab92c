/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_NOTIFY_H
#define ANYCASTD_NOTIFY_H

#include <event2/event.h>

/*
 * systemd's service notification (Type=notify): READY, RELOADING,
 * STOPPING and watchdog pings.  Without libsystemd at build time, or
 * outside systemd, these do nothing.
 */
void	notify_ready(struct event_base *);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_shutdown(void);

#endif
