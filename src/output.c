/* SPDX-License-Identifier: ISC */
/*
 * The outputs as one: each hook of output.h called over the daemon's
 * table, in its order.
 */
#include <stdio.h>

#include "sys/log.h"
#include "output.h"

int
output_configure_all(const struct output *o, size_t n, const struct conf *c,
    char *err, size_t errlen)
{
	char	 e[512];
	size_t	 i;
	int	 rv = 0;

	for (i = 0; i < n; i++) {
		if (o[i].ops->configure(o[i].self, c, e, sizeof(e)) == 0)
			continue;
		if (rv == 0)
			snprintf(err, errlen, "%s", e);
		else
			log_error("%s: %s", o[i].ops->name, e);
		rv = -1;
	}
	return rv;
}

void
output_sync_all(const struct output *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		o[i].ops->sync(o[i].self);
}

int
output_carries_any(const struct output *o, size_t n,
    const struct service_conf *sc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (o[i].ops->carries(o[i].self, sc))
			return 1;
	return 0;
}

void
output_shutdown_all(const struct output *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		o[i].ops->shutdown(o[i].self);
}
