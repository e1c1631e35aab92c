/* SPDX-License-Identifier: ISC */
/*
 * The kernel output (kout.c) as an output (output.h): its hooks, its
 * part of `status` and its metric families.
 */
#include <stddef.h>

#include "kernel/kout.h"
#include "control/metrics.h"
#include "output.h"

static int
configure(void *self, const struct conf *c, char *err, size_t errlen)
{
	return kout_configure(self, c, err, errlen);
}

static void
sync_all(void *self)
{
	kout_sync(self);
}

/* A route, or an address that follows the state, may be redistributed. */
static int
carries(const void *self, const struct service_conf *sc)
{
	(void)self;
	return sc->route.present ||
	    (sc->address.present && sc->address.dynamic);
}

static void
shutdown_all(void *self)
{
	kout_shutdown(self);
}

static void
daemon_json(const void *self, json_object *o)
{
	const struct kout *k = self;

	json_object_object_add(o, "kernel_errors",
	    json_object_new_int64((int64_t)k->errors));
	json_object_object_add(o, "kernel_last_error", k->last_error[0] ?
	    json_object_new_string(k->last_error) : NULL);
	json_object_object_add(o, "kernel", kout_status_json(k));
}

static void
metrics(const void *self, struct evbuffer *out)
{
	const struct kout *k = self;

	metrics_family(out, "anycastd_kernel_errors_total", "counter",
	    "Netlink requests for addresses and routes that failed.");
	metrics_sample_u64(out, "anycastd_kernel_errors_total", NULL, 0,
	    k->errors);
	metrics_family(out, "anycastd_kernel_scans_total", "counter",
	    "Full reads of the kernel's routes and addresses.");
	metrics_sample_u64(out, "anycastd_kernel_scans_total", NULL, 0,
	    k->scans);
	metrics_family(out, "anycastd_kernel_repairs_total", "counter",
	    "Routes and addresses of anycastd found changed or gone "
	    "in the kernel, and put right.");
	metrics_sample_u64(out, "anycastd_kernel_repairs_total", NULL, 0,
	    k->repairs);
	metrics_family(out, "anycastd_kernel_foreign", "gauge",
	    "Prefixes of anycastd on which another program's route or "
	    "address is in the kernel (left alone).");
	metrics_sample_u64(out, "anycastd_kernel_foreign", NULL, 0,
	    kout_foreign_count(k));
}

const struct output_ops kout_output_ops = {
	.name = "kernel",
	.configure = configure,
	.sync = sync_all,
	.carries = carries,
	.shutdown = shutdown_all,
	.daemon_json = daemon_json,
	.metrics = metrics,
};
