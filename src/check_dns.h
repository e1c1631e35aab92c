/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_DNS_H
#define ANYCASTD_CHECK_DNS_H

/*
 * Between the dns check's two files: check_dns.c probes,
 * check_dns_conf.c has its config and its descriptor (check_desc.h).
 */

struct hc_ops;

extern const struct hc_ops check_dns_ops;

#endif
