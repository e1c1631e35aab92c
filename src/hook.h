/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HOOK_H
#define ANYCASTD_HOOK_H

#include "check/hc.h"

/* Run the service's hook, if any, for a state change; never waits. */
void	hook_run(const struct hc_service *, enum svc_st old);

#endif
