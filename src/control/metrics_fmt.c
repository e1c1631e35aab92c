/* SPDX-License-Identifier: ISC */
/*
 * The lines of the Prometheus text format (version 0.0.4): a family's
 * HELP and TYPE, and samples with escaped label values.  Every part of
 * /metrics writes through these, metrics_text.c and each output's own.
 */
#include <inttypes.h>
#include <stdio.h>

#include "control/metrics.h"

void
metrics_escape(struct evbuffer *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

void
metrics_family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* NAME{labels} VALUE; VALUE is already formatted. */
void
metrics_sample(struct evbuffer *out, const char *name,
    const struct metrics_label *l, size_t n, const char *value)
{
	size_t i;

	evbuffer_add_printf(out, "%s", name);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(out, "%s%s=\"", i ? "," : "{", l[i].key);
		metrics_escape(out, l[i].value);
		evbuffer_add(out, "\"", 1);
	}
	evbuffer_add_printf(out, "%s %s\n", n ? "}" : "", value);
}

void
metrics_sample_u64(struct evbuffer *out, const char *name,
    const struct metrics_label *l, size_t n, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	metrics_sample(out, name, l, n, buf);
}
