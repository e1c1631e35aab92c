/* SPDX-License-Identifier: ISC */
/*
 * The exec check: a program run without a shell, never waited for in the
 * loop.  Exit 0 passes, exit 1 is degraded (unless `exit-codes zero-ok`),
 * anything else fails; at the timeout its whole process group is killed,
 * and whatever it left behind is killed when it exits (proc.c).
 *
 * A probe first waits for one of the `exec limit` slots; how long it
 * waited is its lateness, kept per check for `show checks` and the
 * metrics.  Its timeout runs from the spawn, not from the queue.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "hc.h"
#include "proc.h"

struct exec_probe {
	struct proc_wait	 wait;
	struct hc_check		*ck;
	pid_t			 pid;
	struct event		*timeout;
	char			*env[3];
};

static void
probe_free(struct hc_check *ck)
{
	struct exec_probe *p = ck->probe;

	proc_wait_cancel(&p->wait);
	event_free(p->timeout);
	free(p->env[0]);
	free(p->env[1]);
	free(p);
	ck->probe = NULL;
}

static void
exec_exited(pid_t pid, int status, const char *label, void *arg)
{
	struct hc_check		*ck = arg;
	struct hc_result	 res;

	(void)pid;
	(void)label;
	memset(&res, 0, sizeof(res));
	res.rtt_us = hc_elapsed_us(ck);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res.status = HC_OK;
		snprintf(res.detail, sizeof(res.detail), "exit 0");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
	    ck->conf->u.exec.exit_codes == EXIT_CODES_NAGIOS) {
		res.status = HC_DEGRADED;
		res.reason = HC_R_EXIT;
		snprintf(res.detail, sizeof(res.detail), "exit 1 (degraded)");
	} else if (WIFEXITED(status)) {
		res.status = HC_FAIL;
		res.reason = WEXITSTATUS(status) == 127 ? HC_R_EXEC : HC_R_EXIT;
		snprintf(res.detail, sizeof(res.detail), "exit %d%s",
		    WEXITSTATUS(status), WEXITSTATUS(status) == 127 ?
		    " (could not run the command?)" : "");
	} else {
		res.status = HC_FAIL;
		res.reason = HC_R_SIGNAL;
		snprintf(res.detail, sizeof(res.detail), "killed by signal %d",
		    WTERMSIG(status));
	}
	probe_free(ck);
	hc_report(ck, &res);
}

static void
exec_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct hc_check		*ck = arg;
	struct exec_probe	*p = ck->probe;
	struct hc_result	 res;
	char			 d[32];

	(void)fd;
	(void)ev;
	proc_kill(p->pid);
	probe_free(ck);
	memset(&res, 0, sizeof(res));
	res.status = HC_FAIL;
	res.reason = HC_R_TIMEOUT;
	util_fmt_duration(ck->conf->timeout, d, sizeof(d));
	snprintf(res.detail, sizeof(res.detail), "timeout after %s (killed)",
	    d);
	hc_report(ck, &res);
}

/* A slot is ours: spawn now. */
static void
exec_ready(struct proc_wait *w, uint64_t late_ms)
{
	struct exec_probe	*p = (struct exec_probe *)(void *)((char *)w -
	    offsetof(struct exec_probe, wait));
	struct hc_check		*ck = p->ck;
	struct timeval		 tv = hc_tv(ck->conf->timeout);
	struct hc_result	 res;
	char			 label[160];

	ck->late_last_ms = late_ms;
	ck->late_sum_ms += late_ms;
	if (late_ms > ck->late_max_ms)
		ck->late_max_ms = late_ms;
	hc_clock_restart(ck);
	snprintf(label, sizeof(label), "check %s/%s", ck->svc->conf->name,
	    ck->conf->name);
	p->pid = proc_spawn(ck->conf->u.exec.argv, p->env, label, PROC_SLOT,
	    exec_exited, ck);
	if (p->pid == -1) {
		probe_free(ck);
		memset(&res, 0, sizeof(res));
		res.status = HC_FAIL;
		res.reason = HC_R_EXEC;
		snprintf(res.detail, sizeof(res.detail), "cannot fork");
		hc_report(ck, &res);
		return;
	}
	evtimer_add(p->timeout, &tv);
}

static void
exec_start(struct hc_check *ck)
{
	struct exec_probe	*p = xcalloc(1, sizeof(*p));

	if (asprintf(&p->env[0], "ANYCASTD_SERVICE=%s",
	    ck->svc->conf->name) == -1 ||
	    asprintf(&p->env[1], "ANYCASTD_CHECK=%s", ck->conf->name) == -1)
		fatalx_oom();
	p->ck = ck;
	p->pid = -1;
	p->wait.ready = exec_ready;
	ck->probe = p;
	p->timeout = evtimer_new(ck->svc->engine->base, exec_timeout, ck);
	if (p->timeout == NULL)
		fatalx_oom();
	proc_wait_slot(&p->wait);
}

static void
exec_cancel(struct hc_check *ck)
{
	struct exec_probe *p = ck->probe;

	if (p == NULL)
		return;
	if (p->pid != -1)
		proc_kill(p->pid);
	probe_free(ck);
}

const struct hc_ops check_exec_ops = { exec_start, exec_cancel };
