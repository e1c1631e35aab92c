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

#include "conf/conf_int.h"
#include "check/hc.h"
#include "daemon/proc.h"

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
	struct timeval		 tv = util_tv(ck->conf->timeout);
	struct hc_result	 res;
	char			 label[160];

	hc_note_late(ck, late_ms);
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

/* ---- the descriptor (check_desc.h) ---- */

static const struct hc_ops exec_ops = {
	.start = exec_start,
	.cancel = exec_cancel,
};

static int
kw_command(struct parser *p, void *ctx, const struct tok *kw)
{
	(void)kw;
	return conf_argv_arg(p, &((struct check_ctx *)ctx)->check->u.exec.argv,
	    "a command and its arguments, each in quotes");
}

static int
kw_exit_codes(struct parser *p, void *ctx, const struct tok *kw)
{
	static const char *const kinds[] = { "nagios", "zero-ok", NULL };
	int v;

	(void)kw;
	if ((v = conf_choice(p, kinds, "nagios or zero-ok")) == -1)
		return -1;
	((struct check_ctx *)ctx)->check->u.exec.exit_codes = v == 0 ?
	    EXIT_CODES_NAGIOS : EXIT_CODES_ZERO_OK;
	return conf_semi(p);
}

static const struct keyword exec_kw[] = {
	{ "command", kw_command, 0, 0 },
	{ "exit-codes", kw_exit_codes, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static int
exec_finish(struct parser *p, struct check_conf *ck)
{
	if (ck->u.exec.argv == NULL)
		return conf_error(p, &ck->pos, "check %s: 'command "
		    "\"/path\" [\"arg\" ...];' is required", ck->name);
	return 0;
}

static void
exec_print(FILE *f, const char *ind, const struct check_conf *ck)
{
	fprintf(f, "%scommand", ind);
	conf_print_argv(f, ck->u.exec.argv);
	fprintf(f, ";\n");
	if (ck->u.exec.exit_codes == EXIT_CODES_ZERO_OK)
		fprintf(f, "%s# exit 0: up; any other: down\n"
		    "%sexit-codes zero-ok;\n", ind, ind);
	else
		fprintf(f, "%s# exit 0: up; 1: degraded (still "
		    "announced); any other: down\n"
		    "%sexit-codes nagios;\n", ind, ind);
}

static void
exec_free(struct check_conf *ck)
{
	conf_free_argv(ck->u.exec.argv);
}

static void
exec_target(const struct hc_check *ck, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ck->conf->u.exec.argv[0]);
}

const struct check_desc check_desc_exec = {
	.name = "exec",
	.flags = CT_BLOCK | CT_SLOTS,
	.interval = 10000,
	.timeout = CONF_DEFAULT_EXEC_TIMEOUT,
	.rise = CONF_DEFAULT_RISE,
	.fall = CONF_DEFAULT_FALL,
	.keywords = { exec_kw },
	.finish = exec_finish,
	.print = exec_print,
	.free = exec_free,
	.target = exec_target,
	.ops = &exec_ops,
};
