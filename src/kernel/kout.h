/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_KOUT_H
#define ANYCASTD_KOUT_H

#include <event2/event.h>
#include <json-c/json.h>

#include "check/hc.h"
#include "kernel/nl.h"

/*
 * The kernel outputs: service addresses on an interface (host mode) and
 * one route per service prefix over the healthy backends (router mode).
 * The only place that writes to the kernel's tables.
 *
 * What the kernel holds is the truth: each entry keeps the kernel's view
 * (installed, its next hops, someone else's route on the prefix) as last
 * read -- by a full scan (kout_scan.c: at start, on every relevant
 * netlink event, and every `kernel scan time`) or as the kernel
 * acknowledged our own request -- and what the services want.  A sync
 * moves the kernel from the one to the other.
 */

#define KOUT_MAX_FOREIGN	4
#define KOUT_SCAN_DEFAULT_MS	10000

struct kout_entry {
	struct kout_entry	*next;
	char			 service[CONF_NAME_MAX];
	int			 is_route;
	struct nl_addr		 addr;		/* !is_route */
	struct nl_route		 route;		/* is_route: key, wanted hops */
	struct nl_route		 have;		/* is_route: ours in the kernel */
	int			 wanted;	/* the service calls for it */
	int			 dynamic;	/* address: removed at exit */
	int			 installed;	/* the kernel holds ours */
	int			 added;		/* address: added by this run */
	int			 foreign;	/* the kernel holds another's */
	struct nl_route		 foreign_r[KOUT_MAX_FOREIGN];
	size_t			 nforeign;
	char			 bad_dev[CONF_IFNAME_MAX];	/* no such */
	char			 error[256];
};

struct kout {
	struct event_base	*base;
	struct hc_engine	*hc;
	const struct conf	*conf;
	struct nl		*nl;
	struct event		*monitor;
	struct event		*retry;
	struct event		*scan_timer;	/* the periodic full scan */
	struct event		*kick;		/* a scan soon, after events */
	uint64_t		 retry_ms;
	uint64_t		 scan_ms;	/* `kernel scan time` */
	struct kout_entry	*entries;	/* what we want or hold */
	int			 scanned;	/* the first scan is done */
	uint64_t		 last_scan;	/* ms, monotonic; 0: never */
	uint64_t		 scans;
	uint64_t		 repairs;	/* ours changed or lost, fixed */
	uint64_t		 errors;
	char			 last_error[256];
};

void	 kout_init(struct kout *, struct event_base *, struct hc_engine *);
int	 kout_configure(struct kout *, const struct conf *, char *, size_t);
void	 kout_sync(struct kout *);
void	 kout_shutdown(struct kout *);
json_object *kout_json(const struct kout *);
/* The daemon's "kernel" object of `status`: scans, repairs, foreign. */
json_object *kout_status_json(const struct kout *);
/* Entries whose prefix someone else's route or address occupies now. */
size_t	 kout_foreign_count(const struct kout *);

/* ---- shared by kout.c, kout_scan.c and kout_json.c ---- */

/* Read the kernel's tables into the entries' views; -1 if unreadable. */
int	 kout_scan(struct kout *);
void	 kout_scan_start(struct kout *);
void	 kout_monitor_cb(evutil_socket_t, short, void *);
/* Move the kernel to what is wanted, from the views as they are. */
void	 kout_act(struct kout *);

struct kout_entry *kout_find(const struct kout *, int is_route,
	    const struct nl_addr *, const struct nl_route *);
struct kout_entry *kout_entry(struct kout *, const char *service,
	    int is_route, const struct nl_addr *, const struct nl_route *);
int	 kout_same_hops(const struct nl_route *, const struct nl_route *);
void	 kout_fmt_prefix(const struct prefix *, char *, size_t);
void	 kout_fmt_route(const struct nl_route *, char *, size_t);
/* The kernel's metric for a route block's METRIC and prefix family. */
uint32_t kout_metric(uint32_t metric, int family);

#endif
