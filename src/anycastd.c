/* SPDX-License-Identifier: ISC */
/*
 * anycastd: health-checked anycast for DNS.  This file is only the
 * process: options, the event loop, signals (SIGHUP reloads, SIGTERM
 * drains then exits, a second SIGTERM exits now), and wiring the engine
 * to its outputs.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "conf/conf_host.h"
#include "sys/fmt.h"
#include "control/ctl.h"
#include "hook.h"
#include "import/import.h"
#include "kernel/kout.h"
#include "control/metrics.h"
#include "daemon/notify.h"
#include "daemon/nslock.h"
#include "output.h"
#include "daemon/priv.h"
#include "daemon/proc.h"

#define DEFAULT_CONFIG	"/etc/anycastd.conf"

struct daemon {
	struct event_base	*base;
	struct conf		*conf;
	struct hc_engine	 hc;
	struct bgp_engine	 bgp;
	struct kout		 kout;
	struct output		 outputs[2];
	struct ctl		*ctl;
	struct metrics		*metrics;
	struct ctl_daemon	 info;
	struct priv_user	 user;		/* the daemon, after the drop */
	struct priv_user	 exec_user;	/* exec checks and hooks */
	struct event		*sig[4];
	struct event		*exit_timer;
	int			 stopping;
};

static struct daemon d;		/* for ctl's reload callback */

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: anycastd [-dfhtvV] [-c file]\n"
	    "       anycastd import FORMAT [FILE|-]\n"
	    "  -c file  configuration (default " DEFAULT_CONFIG ")\n"
	    "  -f       stay in the foreground, log to stderr unless the\n"
	    "           configuration says \"log syslog\"\n"
	    "  -t       check the configuration and exit (0 valid, 1 not)\n"
	    "  -v       with -t: print the configuration in canonical form\n"
	    "  -d       debug logging\n"
	    "  -V       print the version (--version)\n"
	    "  -h       this help (--help)\n"
	    "  import   print an anycastd.conf made from another tool's "
	    "config\n"
	    "See anycastd(8) and anycastd.conf(5).\n");
	exit(status);
}

/*
 * Whether a drain of SVC would tell anyone anything: it is announced and
 * an output carries it (an Established BGP session, or a route or a
 * state-following address in the kernel that something may
 * redistribute).  With nothing carried, SIGTERM has nothing to wait for.
 */
static int
drain_matters(const struct hc_service *svc)
{
	return svc_announced(&svc->st) &&
	    output_carries_any(d.outputs, nitems(d.outputs), svc->conf);
}

static void
on_change(struct hc_service *svc, enum svc_st old)
{
	const struct hc_service *s;

	if (old != svc->st.state) {
		hook_run(svc, old);
		metrics_service_changed(d.metrics, svc->conf->name);
	}
	output_sync_all(d.outputs, nitems(d.outputs));
	if (!d.stopping)
		return;
	/* Stopping: exit as soon as nothing is announced any more. */
	for (s = d.hc.services; s; s = s->next)
		if (drain_matters(s))
			return;
	event_base_loopbreak(d.base);
}

/* What a loaded config says about itself that is not an error. */
static void
log_conf_notes(const struct conf *c)
{
	char	 a[64];
	size_t	 i;

	for (i = 0; i < c->nwarnings; i++)
		log_warn("%s", c->warnings[i]);
	if (c->router_id_auto)
		log_info("router-id %s, the host's only IPv4 address; set "
		    "'router-id' to choose another",
		    util_fmt_addr(&c->router_id, a, sizeof(a)));
}

static int
same_name(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int
reload_apply(char *err, size_t errlen)
{
	struct conf *c = conf_load(d.info.config_path, err, errlen);

	if (c == NULL) {
		log_error("reload failed, keeping the running config: %s", err);
		snprintf(d.info.last_reload_error,
		    sizeof(d.info.last_reload_error), "%s", err);
		return -1;
	}
	if (strcmp(c->control, d.conf->control) != 0) {
		log_warn("reload: a new control socket path takes a restart; "
		    "still on %s", d.conf->control);
		/* The running config names the socket that is open. */
		free(c->control);
		c->control = xstrdup(d.conf->control);
	}
	if (!same_name(c->user, d.conf->user) ||
	    !same_name(c->exec_user, d.conf->exec_user))
		log_warn("reload: a new user or exec user takes a restart; "
		    "still %s and %s", d.user.name, d.exec_user.name);
	if (metrics_configure(d.metrics, c, err, errlen) == -1)
		log_error("reload: %s; metrics stay where they were", err);
	proc_set_limit(c->exec_limit);
	hc_configure(&d.hc, c);
	if (output_configure_all(d.outputs, nitems(d.outputs), c, err,
	    errlen) == -1)
		log_error("reload: %s", err);
	log_conf_notes(c);
	conf_free(d.conf);
	d.conf = c;
	d.info.max_clients = c->control_clients;
	d.info.reloads++;
	d.info.last_reload_error[0] = '\0';
	log_info("reloaded %s", d.info.config_path);
	return 0;
}

static int
reload(char *err, size_t errlen)
{
	int rv;

	notify_reloading();
	rv = reload_apply(err, errlen);
	notify_ready(d.base);
	return rv;
}

static void
on_exit_timer(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	event_base_loopbreak(d.base);
}

/* Drain every service that is announcing, then stop after drain time. */
static void
stop(void)
{
	struct hc_service	*svc;
	uint64_t		 wait = 0, left, now = util_now_ms();
	struct timeval		 tv;

	notify_stopping();
	if (d.stopping++) {
		log_info("second signal: exiting now");
		event_base_loopbreak(d.base);
		return;
	}
	for (svc = d.hc.services; svc; svc = svc->next) {
		svc->st.shutdown = 1;
		hc_service_eval(svc);
		/* A drain already under way only needs what is left of it. */
		if (!drain_matters(svc))
			continue;
		left = svc->st.since + svc->conf->drain_time - now;
		if (left > wait)
			wait = left;
	}
	if (wait == 0)
		log_info("stopping: nothing to drain");
	else {
		char dur[32];

		fmt_duration(wait, dur, sizeof(dur));
		log_info("stopping: draining for %s", dur);
	}
	if (wait == 0) {
		event_base_loopbreak(d.base);
		return;
	}
	/* on_change ends the loop when the drains end; this is a backstop. */
	tv = util_tv(wait + 1000);
	d.exit_timer = evtimer_new(d.base, on_exit_timer, NULL);
	evtimer_add(d.exit_timer, &tv);
}

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	char err[512];

	(void)ev;
	(void)arg;
	if (sig == SIGHUP)
		reload(err, sizeof(err));
	else
		stop();
}

static void
setup_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nitems(sigs); i++) {
		d.sig[i] = evsignal_new(d.base, sigs[i], on_signal, NULL);
		if (d.sig[i] == NULL || evsignal_add(d.sig[i], NULL) == -1)
			fatal("cannot watch signal %d", sigs[i]);
	}
}

static void
cleanup(void)
{
	size_t i;

	notify_shutdown();
	ctl_close(d.ctl);
	metrics_free(d.metrics);
	output_shutdown_all(d.outputs, nitems(d.outputs));
	hc_shutdown(&d.hc);
	proc_shutdown();
	nslock_close();
	for (i = 0; i < nitems(d.sig); i++)
		if (d.sig[i])
			event_free(d.sig[i]);
	if (d.exit_timer)
		event_free(d.exit_timer);
	event_base_free(d.base);
	conf_free(d.conf);
	priv_user_free(&d.user);
	priv_user_free(&d.exec_user);
	libevent_global_shutdown();
}

/* -t: the config's own warnings, then what this host makes of it. */
static void
check_config_notes(const struct conf *c)
{
	struct priv_user	 u, x;
	struct conf_reader	 r;
	struct group		*g;
	char			 a[64], err[512];
	size_t			 i;
	int			 have_user;

	for (i = 0; i < c->nwarnings; i++)
		fprintf(stderr, "%s\n", c->warnings[i]);
	if (c->router_id_auto)
		fprintf(stderr, "router-id %s, the host's only IPv4 address "
		    "(this host); set 'router-id' to choose another\n",
		    util_fmt_addr(&c->router_id, a, sizeof(a)));
	/* The user the daemon would read its config as on reloads. */
	have_user = priv_resolve_users(c, &u, &x, err, sizeof(err)) == 0;
	r.name = u.name;
	r.group = (g = getgrgid(u.gid)) ? g->gr_name : NULL;
	r.uid = u.uid;
	r.gid = u.gid;
	r.groups = u.groups;
	r.ngroups = u.ngroups;
	conf_host_warnings(c, have_user ? &r : NULL, stderr);
	if (priv_missing_caps(c, err, sizeof(err)))
		fprintf(stderr, "warning (this host): %s\n", err);
	if (have_user) {
		priv_user_free(&u);
		priv_user_free(&x);
	}
}

static int
check_config(const char *path, int verbose)
{
	struct conf	*c;
	char		 err[512];

	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (verbose)
		conf_print(stdout, c);
	check_config_notes(c);
	fprintf(stderr, "configuration OK\n");
	conf_free(c);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char	*path = DEFAULT_CONFIG;
	char		*abspath;
	int		 ch, foreground = 0, test = 0, verbose = 0, debug = 0;
	int		 lock;
	char		 err[512];

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};

	if (argc > 1 && strcmp(argv[1], "import") == 0)
		return import_main(argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "c:dfhtvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'd': debug = 1; break;
		case 'f': foreground = 1; break;
		case 'h': usage(0);
		case 't': test = 1; break;
		case 'v': verbose = 1; break;
		case 'V': printf("anycastd %s\n", ANYCASTD_VERSION); return 0;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (test)
		return check_config(path, verbose);

	if ((d.conf = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "anycastd: %s\n", err);
		return 1;
	}
	/* Reloads re-read the file after the daemon moved to "/". */
	if ((abspath = realpath(path, NULL)) == NULL) {
		fprintf(stderr, "anycastd: %s: %s\n", path, strerror(errno));
		return 1;
	}
	path = abspath;
	/* Before anything that could disturb a running anycastd. */
	if ((lock = nslock_take(path, err, sizeof(err))) == -1) {
		fprintf(stderr, "anycastd: %s\n", err);
		free(abspath);
		conf_free(d.conf);
		return 1;
	}
	if (priv_resolve_users(d.conf, &d.user, &d.exec_user, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "anycastd: %s\n", err);
		return 1;
	}
	/* Until detached, errors go where the operator is looking. */
	log_init(LOG_TARGET_STDERR, debug ? LOG_LEVEL_DEBUG : d.conf->log_level,
	    "anycastd");
	/* Three priorities: BFD's the highest, the default the middle one,
	 * and proc.c starts queued exec checks at the lowest. */
	if ((d.base = bfd_event_base_new()) == NULL)
		fatal("event_base_new failed");
	d.info.hc = &d.hc;
	d.info.bgp = &d.bgp;
	d.info.kout = &d.kout;
	d.info.config_path = path;
	d.info.started = util_now_ms();
	d.info.reload = reload;
	d.info.max_clients = d.conf->control_clients;
	priv_raise_nofile();
	if (priv_missing_caps(d.conf, err, sizeof(err)))
		log_warn("%s", err);
	setup_signals();
	nslock_serve(d.base, lock);
	proc_init(d.base);
	hc_init(&d.hc, d.base, on_change);
	bgp_init(&d.bgp, d.base, &d.hc);
	kout_init(&d.kout, d.base, &d.hc);
	/* The kernel first: an address is on its interface before BGP
	 * announces its prefix, at start and at reload alike. */
	d.outputs[0] = (struct output){ &kout_output_ops, &d.kout };
	d.outputs[1] = (struct output){ &bgp_output_ops, &d.bgp };
	d.info.outputs = d.outputs;
	d.info.noutputs = nitems(d.outputs);
	if ((d.ctl = ctl_listen(d.base, d.conf->control, &d.info, err,
	    sizeof(err))) == NULL)
		fatal("%s", err);
	d.metrics = metrics_new(d.base, &d.info);
	if (metrics_configure(d.metrics, d.conf, err, sizeof(err)) == -1)
		fatal("%s", err);
	/*
	 * The sockets that need root are open; what follows needs at most
	 * the capabilities kept (priv.c), so drop before touching the
	 * kernel: a failure leaves nothing behind.
	 */
	if (priv_drop(d.conf, &d.user, &d.exec_user, err, sizeof(err)) == -1)
		fatal("%s", err);
	if (access(path, R_OK) == -1)
		log_warn("%s is not readable by user %s: reloads will fail; "
		    "make it 0640 root:%s", path, d.user.name, d.user.name);
	log_conf_notes(d.conf);
	/* Detach only once nothing can fail that the caller should see. */
	if (!foreground && daemon(0, d.conf->log_target == LOG_TARGET_STDERR)
	    == -1)
		fatal("daemon: %s", strerror(errno));
	if (!foreground) {
		log_init(d.conf->log_target, debug ? LOG_LEVEL_DEBUG :
		    d.conf->log_level, "anycastd");
		if (event_reinit(d.base) == -1)
			fatal("event_reinit failed");
	} else if (d.conf->log_target_set &&
	    d.conf->log_target == LOG_TARGET_SYSLOG)
		/* -f only keeps us attached; an explicit "log syslog" wins. */
		log_init(LOG_TARGET_SYSLOG, debug ? LOG_LEVEL_DEBUG :
		    d.conf->log_level, "anycastd");
	proc_set_limit(d.conf->exec_limit);
	hc_configure(&d.hc, d.conf);
	if (output_configure_all(d.outputs, nitems(d.outputs), d.conf, err,
	    sizeof(err)) == -1)
		fatal("%s", err);
	log_info("anycastd %s started, %zu services", ANYCASTD_VERSION,
	    d.conf->nservices);
	notify_ready(d.base);
	event_base_dispatch(d.base);
	log_info("anycastd exiting");
	cleanup();
	free(abspath);
	return 0;
}
