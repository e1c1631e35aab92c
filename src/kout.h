/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_KOUT_H
#define ANYCASTD_KOUT_H

#include <event2/event.h>
#include <json-c/json.h>

#include "hc.h"
#include "nl.h"

/*
 * The kernel outputs: service addresses on an interface (host mode) and
 * one route per service prefix over the healthy backends (router mode).
 * The only place that writes to the kernel's tables.
 */

struct kout_entry {
	struct kout_entry	*next;
	char			 service[CONF_NAME_MAX];
	int			 is_route;
	struct nl_addr		 addr;		/* !is_route */
	struct nl_route		 route;		/* is_route: wanted */
	struct nl_route		 have;		/* is_route: installed */
	int			 dynamic;	/* address: removed at exit */
	int			 installed;	/* by us, and still there */
	int			 foreign;	/* already there, not ours */
	int			 seen;		/* scratch for sync */
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
	uint64_t		 retry_ms;
	struct kout_entry	*entries;	/* what we want or hold */
	int			 reconciled;
	uint64_t		 errors;
	char			 last_error[256];
};

void	 kout_init(struct kout *, struct event_base *, struct hc_engine *);
int	 kout_configure(struct kout *, const struct conf *, char *, size_t);
void	 kout_sync(struct kout *);
void	 kout_shutdown(struct kout *);
json_object *kout_json(const struct kout *);

#endif
