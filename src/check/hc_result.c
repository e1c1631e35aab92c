/* SPDX-License-Identifier: ISC */
/*
 * Names of check results and reasons, as they appear in JSON, metrics and
 * logs.  Kept apart from the engine so that pure code (the DNS judge,
 * tests, fuzzers) can use them without pulling in the event loop.
 */
#include <stdarg.h>
#include <stdio.h>

#include "check/hc_result.h"
#include "sys/util.h"

static const char *const status_names[] = {
	[HC_OK] = "ok", [HC_DEGRADED] = "degraded", [HC_FAIL] = "fail",
	[HC_MAINT] = "maint",
};

static const char *const reason_names[HC_R_MAX] = {
	[HC_R_OK] = "ok",
	[HC_R_TIMEOUT] = "timeout",
	[HC_R_REFUSED] = "refused",
	[HC_R_UNREACH] = "unreachable",
	[HC_R_SOCKET] = "socket",
	[HC_R_RCODE] = "rcode",
	[HC_R_NOT_AUTH] = "not-authoritative",
	[HC_R_NO_ANSWER] = "no-answer",
	[HC_R_ANSWER_MISSING] = "answer-missing",
	[HC_R_NSID] = "nsid",
	[HC_R_BOGUS_ID] = "bogus-id",
	[HC_R_BOGUS_QUESTION] = "bogus-question",
	[HC_R_MALFORMED] = "malformed",
	[HC_R_TRUNCATED] = "truncated",
	[HC_R_LATENCY] = "latency",
	[HC_R_EXIT] = "exit",
	[HC_R_SIGNAL] = "signal",
	[HC_R_EXEC] = "exec",
	[HC_R_FILE_PRESENT] = "file-present",
	[HC_R_SERIAL_LAG] = "serial-lag",
	[HC_R_SERIAL_AGE] = "serial-age",
	[HC_R_RRSIG] = "rrsig",
	[HC_R_DNSKEY] = "dnskey",
	[HC_R_NOT_VALIDATED] = "not-validated",
	[HC_R_BOGUS_ACCEPTED] = "bogus-accepted",
	[HC_R_IDENTITY] = "identity",
	[HC_R_LATENCY_P95] = "latency-p95",
	[HC_R_ZONES] = "zones",
	[HC_R_WATCH_PROCESS] = "watch-process",
	[HC_R_WATCH_LISTENER] = "watch-listener",
	[HC_R_WATCH_SESSION] = "watch-tcp-session",
	[HC_R_TLS] = "tls",
};

const char *
hc_status_name(enum hc_status s)
{
	if ((unsigned)s >= nitems(status_names))
		return "?";
	return status_names[s];
}

const char *
hc_reason_name(enum hc_reason r)
{
	if ((unsigned)r >= HC_R_MAX || reason_names[r] == NULL)
		return "?";
	return reason_names[r];
}

/* Fill RES; the detail is always NUL-terminated and bounded. */
void
hc_result_set(struct hc_result *res, enum hc_status status,
    enum hc_reason reason, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	res->reason = reason;
	va_start(ap, fmt);
	if (vsnprintf(res->detail, sizeof(res->detail), fmt, ap) < 0)
		res->detail[0] = '\0';
	va_end(ap);
}
