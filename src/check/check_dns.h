/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_DNS_H
#define ANYCASTD_CHECK_DNS_H

#include "conf/conf_int.h"

/*
 * Between the dns check's two files -- check_dns.c probes,
 * check_dns_conf.c has its config and its descriptor (check_desc.h) --
 * and for a type that speaks DNS another way, which takes the dns
 * check's settings (check_conf.u.dns), keywords and config hooks into
 * its own descriptor.
 */

struct dns_expect;
struct dns_query;
struct hc_check;
struct hc_ops;
struct hc_result;
struct dns_window;

/*
 * A dns check's own state (hc.h), made on first use: the p95 window, and
 * the main query as sent, which is the same every time but for the id
 * (building it was ldns's part of every probe's CPU).
 */
struct dns_check_state {
	struct dns_window	*window;	/* with `degraded latency p95` */
	uint8_t			*wire;		/* dns_xfer_wire() */
	size_t			 wlen;
};

extern const struct hc_ops	check_dns_ops;
extern const struct keyword	check_dns_keywords[];

void	check_dns_init(struct check_conf *);
int	check_dns_finish(struct parser *, struct check_conf *);
void	check_dns_print(FILE *, const char *ind, const struct check_conf *);
void	check_dns_free(struct check_conf *);
void	check_dns_net(struct check_conf *, struct check_net *);
/* The main query of a probe with id ID, and what its answer must be
 * (dns_wire.h), from the check's settings. */
void	check_dns_query(const struct dns_check_conf *, uint16_t id,
	    struct dns_query *, struct dns_expect *);
/* degraded latency and degraded latency p95 of an answer that passed
 * RTT_US after the probe began; the p95 window is the check's state,
 * freed by check_dns_state_free (the type's hc_ops.state_free). */
void	check_dns_latency(struct hc_check *, uint64_t rtt_us,
	    struct hc_result *latency, struct hc_result *p95);
void	check_dns_state_free(struct hc_check *);

#endif
