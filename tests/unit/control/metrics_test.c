/* SPDX-License-Identifier: ISC */
/*
 * The metrics exposition on engines built by hand: the lines for a
 * service, a check's result counters and RTT histogram, a BGP peer and
 * the daemon; label escaping; and the per-reason counters and RTT
 * buckets that hc_track keeps for it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/bgp.h"
#include "kernel/kout.h"
#include "control/metrics.h"
#include "output.h"

static const char config[] =
    "router-id 198.51.100.10;\n"
    "bgp up { local as 65100; neighbor 198.51.100.1 as 65001; }\n"
    "service dns { prefix 192.0.2.53/32;\n"
    "  check dns { query example.test SOA; } announce up; }\n";

struct fixture {
	struct conf		*conf;
	struct hc_engine	 hc;
	struct hc_service	 svc;
	struct hc_check		 ck, *checks[1];
	struct bgp_engine	 bgp;
	struct bgp_peer		 peer;
	struct kout		 kout;
	struct output		 outputs[2];
	struct ctl_daemon	 d;
	struct metrics_count	 changes;
};

static void
feed(struct hc_check *ck, enum hc_status s, enum hc_reason r, uint64_t us)
{
	struct hc_result res;

	memset(&res, 0, sizeof(res));
	res.status = s;
	res.reason = r;
	res.rtt_us = us;
	hc_track_apply(&ck->track, ck->conf, &res, 1000);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 err[256];

	f->conf = conf_load_buffer("test.conf", config, strlen(config), err,
	    sizeof(err));
	assert_non_null(f->conf);
	f->svc.conf = f->conf->services;
	f->svc.engine = &f->hc;
	svc_init(&f->svc.st, 1000);
	f->svc.st.state = SVC_UP;
	f->ck.svc = &f->svc;
	f->ck.conf = f->conf->services->checks;
	hc_track_init(&f->ck.track, 1000);
	f->checks[0] = &f->ck;
	f->svc.checks = f->checks;
	f->svc.nchecks = 1;
	f->hc.services = &f->svc;
	f->peer.conf = f->conf->peers;
	f->peer.state = BGP_ST_ESTABLISHED;
	f->peer.stats.updates_out = 7;
	f->peer.stats.msgs_in = 12;
	f->bgp.peers = &f->peer;
	f->bgp.hc = &f->hc;
	f->kout.errors = 3;
	f->d.hc = &f->hc;
	f->d.bgp = &f->bgp;
	f->d.kout = &f->kout;
	f->outputs[0] = (struct output){ &kout_output_ops, &f->kout };
	f->outputs[1] = (struct output){ &bgp_output_ops, &f->bgp };
	f->d.outputs = f->outputs;
	f->d.noutputs = 2;
	f->d.reloads = 2;
	strcpy(f->changes.name, "dns");
	f->changes.n = 4;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	hc_track_free(&f->ck.track);
	conf_free(f->conf);
	free(f);
	return 0;
}

/* The exposition as a C string; the caller frees it. */
static char *
render(struct fixture *f)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	char		*s;

	metrics_render(b, &f->d, &f->changes, 1000);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

static void
has_line(const char *text, const char *line)
{
	char	*want;
	int	 found;

	if (asprintf(&want, "\n%s\n", line) == -1)
		fail();
	found = strstr(text, want) != NULL;
	if (!found)
		print_error("missing line: %s\n", line);
	free(want);
	assert_true(found);
}

static void
test_counters_and_buckets(void **state)
{
	struct fixture	*f = *state;
	struct hc_track	*t = &f->ck.track;

	feed(&f->ck, HC_OK, HC_R_OK, 400);		/* <= 0.5 ms */
	feed(&f->ck, HC_OK, HC_R_OK, 2000);		/* <= 2.5 ms */
	feed(&f->ck, HC_DEGRADED, HC_R_LATENCY, 3000000);	/* > 2 s */
	feed(&f->ck, HC_FAIL, HC_R_TIMEOUT, 0);		/* no RTT */
	assert_int_equal(hc_track_count(t, HC_OK, HC_R_OK), 2);
	assert_int_equal(hc_track_count(t, HC_DEGRADED, HC_R_LATENCY), 1);
	assert_int_equal(hc_track_count(t, HC_FAIL, HC_R_TIMEOUT), 1);
	assert_int_equal(t->rtt_buckets[0], 1);
	assert_int_equal(t->rtt_buckets[2], 1);
	assert_int_equal(t->rtt_buckets[HC_TRACK_RTT_BUCKETS], 1);
	assert_int_equal(t->rtt_n, 3);
}

static void
test_exposition(void **state)
{
	struct fixture	*f = *state;
	char		*s;
	const char	*p;

	feed(&f->ck, HC_OK, HC_R_OK, 400);
	feed(&f->ck, HC_OK, HC_R_OK, 2000);
	feed(&f->ck, HC_FAIL, HC_R_TIMEOUT, 0);
	s = render(f);
	assert_true(strncmp(s, "# HELP anycastd_build_info ", 27) == 0);
	assert_true(s[strlen(s) - 1] == '\n');
	has_line(s, "# TYPE anycastd_service_state gauge");
	has_line(s, "anycastd_service_state{service=\"dns\",state=\"up\"} 1");
	has_line(s, "anycastd_service_state{service=\"dns\",state=\"down\"} 0");
	has_line(s, "anycastd_service_state_changes_total{service=\"dns\"} 4");
	has_line(s, "anycastd_service_announced{service=\"dns\"} 1");
	has_line(s, "anycastd_check_results_total{service=\"dns\",check=\"dns\","
	    "status=\"ok\",reason=\"ok\"} 2");
	has_line(s, "anycastd_check_results_total{service=\"dns\",check=\"dns\","
	    "status=\"fail\",reason=\"timeout\"} 1");
	assert_null(strstr(s, "reason=\"refused\""));	/* never happened */
	has_line(s, "# TYPE anycastd_check_rtt_seconds histogram");
	has_line(s, "anycastd_check_rtt_seconds_bucket{service=\"dns\","
	    "check=\"dns\",le=\"0.0005\"} 1");
	has_line(s, "anycastd_check_rtt_seconds_bucket{service=\"dns\","
	    "check=\"dns\",le=\"0.001\"} 1");
	has_line(s, "anycastd_check_rtt_seconds_bucket{service=\"dns\","
	    "check=\"dns\",le=\"0.0025\"} 2");
	has_line(s, "anycastd_check_rtt_seconds_bucket{service=\"dns\","
	    "check=\"dns\",le=\"2\"} 2");
	has_line(s, "anycastd_check_rtt_seconds_bucket{service=\"dns\","
	    "check=\"dns\",le=\"+Inf\"} 2");
	has_line(s, "anycastd_check_rtt_seconds_sum{service=\"dns\","
	    "check=\"dns\"} 0.0024");
	has_line(s, "anycastd_check_rtt_seconds_count{service=\"dns\","
	    "check=\"dns\"} 2");
	has_line(s, "anycastd_bgp_session_state{peer=\"up\",state="
	    "\"established\"} 1");
	has_line(s, "anycastd_bgp_session_state{peer=\"up\",state=\"idle\"} 0");
	has_line(s, "anycastd_bgp_updates_sent_total{peer=\"up\"} 7");
	has_line(s, "anycastd_bgp_messages_received_total{peer=\"up\"} 12");
	has_line(s, "anycastd_bgp_prefixes_sent{peer=\"up\"} 0");
	/* Up, but nothing in the Adj-RIB-Out yet: not announced. */
	has_line(s, "anycastd_bgp_announced{peer=\"up\",service=\"dns\","
	    "prefix=\"192.0.2.53/32\"} 0");
	has_line(s, "anycastd_kernel_repairs_total 0");
	has_line(s, "anycastd_kernel_foreign 0");
	has_line(s, "anycastd_bgp_bfd_down_total{peer=\"up\"} 0");
	has_line(s, "anycastd_kernel_errors_total 3");
	has_line(s, "anycastd_config_reloads_total 2");
	/* Every line: HELP, TYPE or a sample of ours. */
	for (p = s; *p; p = strchr(p, '\n') + 1)
		assert_true(strncmp(p, "# HELP anycastd_", 16) == 0 ||
		    strncmp(p, "# TYPE anycastd_", 16) == 0 ||
		    strncmp(p, "anycastd_", 9) == 0);
	free(s);
}

static void
test_escape(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	char		 out[64];
	size_t		 n;

	(void)state;
	metrics_escape(b, "a\"b\\c\nd");
	n = evbuffer_get_length(b);
	assert_true(n < sizeof(out));
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	evbuffer_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counters_and_buckets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_exposition, setup,
		    teardown),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
