/* SPDX-License-Identifier: ISC */
/*
 * Hooks: the service's `hook` program runs on every state change with
 * SERVICE, STATE, OLD_STATE and REASON in its environment.  It is not
 * waited for and takes no exec slot (a route change is never queued
 * behind checks); its exit status is only logged.  Nothing outlives this
 * call but the child: proc.c owns its label, so a SIGTERM while a hook
 * still runs leaves nothing allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "hook.h"
#include "daemon/proc.h"

static void
hook_exited(pid_t pid, int status, const char *label, void *arg)
{
	(void)arg;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warn("%s (pid %d) failed: %s %d", label, (int)pid,
		    WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

void
hook_run(const struct hc_service *svc, enum svc_st old)
{
	char	*env[5] = { NULL }, label[160];
	size_t	 i;

	if (svc->conf->hook == NULL)
		return;
	if (asprintf(&env[0], "SERVICE=%s", svc->conf->name) == -1 ||
	    asprintf(&env[1], "STATE=%s", svc_state_name(svc->st.state)) == -1 ||
	    asprintf(&env[2], "OLD_STATE=%s", svc_state_name(old)) == -1 ||
	    asprintf(&env[3], "REASON=%s", svc->st.reason) == -1)
		fatalx_oom();
	snprintf(label, sizeof(label), "service %s: hook", svc->conf->name);
	if (proc_spawn(svc->conf->hook, env, label, 0, hook_exited,
	    NULL) == -1)
		log_warn("service %s: cannot run hook %s", svc->conf->name,
		    svc->conf->hook[0]);
	for (i = 0; i < 4; i++)
		free(env[i]);
}
