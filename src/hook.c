/* SPDX-License-Identifier: ISC */
/*
 * Hooks: the service's `hook` program runs on every state change with
 * SERVICE, STATE, OLD_STATE and REASON in its environment.  It is not
 * waited for; its exit status is only logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "hook.h"
#include "proc.h"

static void
hook_exited(pid_t pid, int status, void *arg)
{
	char *name = arg;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warn("service %s: hook (pid %d) failed: %s %d", name,
		    (int)pid, WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	free(name);
}

void
hook_run(const struct hc_service *svc, enum svc_st old)
{
	char	*env[5] = { NULL }, *name;
	size_t	 i;

	if (svc->conf->hook == NULL)
		return;
	if (asprintf(&env[0], "SERVICE=%s", svc->conf->name) == -1 ||
	    asprintf(&env[1], "STATE=%s", svc_state_name(svc->st.state)) == -1 ||
	    asprintf(&env[2], "OLD_STATE=%s", svc_state_name(old)) == -1 ||
	    asprintf(&env[3], "REASON=%s", svc->st.reason) == -1)
		fatalx_oom();
	name = xstrdup(svc->conf->name);
	if (proc_spawn(svc->conf->hook, env, hook_exited, name) == -1) {
		log_warn("service %s: cannot run hook %s", name,
		    svc->conf->hook[0]);
		free(name);
	}
	for (i = 0; i < 4; i++)
		free(env[i]);
}
