/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_OUTPUT_H
#define ANYCASTD_OUTPUT_H

#include <stddef.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "conf/conf.h"

/*
 * An output turns service states into something routers see: the BGP
 * speaker (bgp_output.c) announces prefixes, the kernel output
 * (kout_output.c) installs routes and addresses.  The daemon keeps a
 * table of them and knows nothing else about any one of them: it calls
 * every hook in table order, at start and at reload alike, after every
 * state change, at SIGTERM and at exit.  status.c and metrics_text.c ask
 * the same table for each output's part of `status` and /metrics.
 *
 * Adding an output: its engine, one `struct output_ops`, one row in the
 * daemon's table (anycastd.c), and its fields in docs/control.md and
 * docs/control.schema.json.
 */
struct output_ops {
	const char	*name;
	/* Take CONF (start or reload); -1 with ERR when it cannot. */
	int		(*configure)(void *, const struct conf *, char *err,
			    size_t errlen);
	/* Services changed: bring what is out there in line with them. */
	void		(*sync)(void *);
	/* Would a drain of SERVICE tell anyone anything through us? */
	int		(*carries)(const void *, const struct service_conf *);
	/* Exit: take back what we put out there. */
	void		(*shutdown)(void *);
	/* Our fields in status's "daemon" object and in each service's;
	 * either may be NULL. */
	void		(*daemon_json)(const void *, json_object *daemon);
	void		(*service_json)(const void *,
			    const struct service_conf *, json_object *service);
	/* Our metric families; may be NULL. */
	void		(*metrics)(const void *, struct evbuffer *);
};

struct output {
	const struct output_ops	*ops;
	void			*self;
};

extern const struct output_ops bgp_output_ops;	/* bgp_output.c */
extern const struct output_ops kout_output_ops;	/* kout_output.c */

/* The first error of a configure hook is returned, the others logged. */
int	output_configure_all(const struct output *, size_t,
	    const struct conf *, char *err, size_t errlen);
void	output_sync_all(const struct output *, size_t);
int	output_carries_any(const struct output *, size_t,
	    const struct service_conf *);
void	output_shutdown_all(const struct output *, size_t);

#endif
