/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_HC_RESULT_H
#define ANYCASTD_HC_RESULT_H

#include <stdint.h>

/*
 * What one probe of one check concluded.  Every check type reports
 * through this struct: a status, one precise reason, and a detail text
 * that a human reads in logs and in `anycastctl show checks`.
 */

enum hc_status {
	HC_OK,			/* passed */
	HC_DEGRADED,		/* passed, but slow or partly wrong */
	HC_FAIL,		/* failed */
	HC_MAINT		/* maintenance flag present: drain */
};

enum hc_reason {
	HC_R_OK,
	HC_R_TIMEOUT,		/* no (valid) answer in time */
	HC_R_REFUSED,		/* connection refused / ICMP port unreachable */
	HC_R_UNREACH,		/* other socket error: no route, down link */
	HC_R_SOCKET,		/* local failure: socket, bind */
	HC_R_RCODE,		/* unexpected rcode */
	HC_R_NOT_AUTH,		/* AA bit missing */
	HC_R_NO_ANSWER,		/* empty answer section */
	HC_R_ANSWER_MISSING,	/* expected RDATA not in the answer */
	HC_R_NSID,		/* NSID missing or different */
	HC_R_BOGUS_ID,		/* answer with another query id */
	HC_R_BOGUS_QUESTION,	/* answer to another question */
	HC_R_MALFORMED,		/* not a DNS message */
	HC_R_TRUNCATED,		/* truncated even over TCP */
	HC_R_LATENCY,		/* answered, slower than the degraded latency */
	HC_R_EXIT,		/* exec: exit status other than 0 */
	HC_R_SIGNAL,		/* exec: killed by a signal */
	HC_R_EXEC,		/* exec: could not run */
	HC_R_FILE_PRESENT,	/* maintenance file exists */
	HC_R_SERIAL_LAG,	/* SOA serial behind the primary's */
	HC_R_SERIAL_AGE,	/* time-stamp SOA serial too old */
	HC_R_RRSIG,		/* RRSIG expiring soon, expired, not yet valid */
	HC_R_DNSKEY,		/* no DNSKEY at the zone apex */
	HC_R_NOT_VALIDATED,	/* resolver answer without the AD bit */
	HC_R_BOGUS_ACCEPTED,	/* a known-bogus name did not get SERVFAIL */
	HC_R_IDENTITY,		/* id.server of another server */
	HC_R_LATENCY_P95,	/* p95 latency over the window too high */
	HC_R_ZONES,		/* a zone of the list not served */
	HC_R_WATCH_PROCESS,	/* watch process: the server is not running */
	HC_R_WATCH_LISTENER,	/* watch listener: its socket is gone */
	HC_R_WATCH_SESSION,	/* watch tcp-session: closed by the server */
	HC_R_TLS,		/* TLS: handshake or certificate refused */
	HC_R_MAX
};

struct hc_result {
	enum hc_status	 status;
	enum hc_reason	 reason;
	uint64_t	 rtt_us;	/* 0 when nothing answered */
	unsigned	 bogus;		/* packets ignored as not ours */
	char		 detail[160];
};

const char	*hc_status_name(enum hc_status);
const char	*hc_reason_name(enum hc_reason);	/* short, for metrics/JSON */
void		 hc_result_set(struct hc_result *, enum hc_status,
		    enum hc_reason, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

#endif
