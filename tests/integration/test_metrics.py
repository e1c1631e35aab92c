# SPDX-License-Identifier: ISC
"""Prometheus metrics, scraped over HTTP as Prometheus would.

Every scrape is read by promtext.parse, a strict reader of the text
format, so a malformed line, a missing HELP/TYPE, a broken histogram or a
repeated series fails the test.  Then the values must move: a check's
result counter grows, a failing check shows its reason, and a service's
state gauge and state-change counter follow `anycastctl disable/enable`.
The listener follows the `metrics` statement across reloads.
"""

import os
import subprocess

from daemon import ANYCASTD, Anycastd
from lab import wait_until
from nsd import Nsd
from promtext import fetch, scrape

START_TIMEOUT = 5.0
CHANGE_TIMEOUT = 3.0
PORT = 9153
URL = f"http://127.0.0.1:{PORT}/metrics"

CONFIG = f"""
    router-id 198.51.100.10;
    metrics 127.0.0.1:{PORT};
    bgp upstream {{
        local as 65100;
        neighbor 198.51.100.1 as 65001;
        passive;
        port 1179;
    }}
    service dns {{
        prefix 192.0.2.53/32;
        drain time 200ms;
        check dns {{
            query example.test SOA;
            interval 200ms; timeout 150ms; rise 2; fall 2;
        }}
        announce upstream;
    }}
    """

# Every family the daemon must expose, with its type.
FAMILIES = {
    "anycastd_build_info": "gauge",
    "anycastd_config_reloads_total": "counter",
    "anycastd_config_last_reload_successful": "gauge",
    "anycastd_kernel_errors_total": "counter",
    "anycastd_service_state": "gauge",
    "anycastd_service_state_changes_total": "counter",
    "anycastd_service_state_since_seconds": "gauge",
    "anycastd_service_announced": "gauge",
    "anycastd_damping_penalty": "gauge",
    "anycastd_damping_suppressed": "gauge",
    "anycastd_check_up": "gauge",
    "anycastd_check_results_total": "counter",
    "anycastd_check_rtt_seconds": "histogram",
    "anycastd_bgp_session_state": "gauge",
    "anycastd_bgp_messages_received_total": "counter",
    "anycastd_bgp_messages_sent_total": "counter",
    "anycastd_bgp_updates_received_total": "counter",
    "anycastd_bgp_updates_sent_total": "counter",
    "anycastd_bgp_notifications_received_total": "counter",
    "anycastd_bgp_notifications_sent_total": "counter",
    "anycastd_bgp_prefixes_sent": "gauge",
    "anycastd_bgp_prefixes_received_total": "counter",
    "anycastd_bgp_prefixes_withdrawn_received_total": "counter",
    "anycastd_bgp_session_flaps_total": "counter",
}
SERVICE_STATES = ("init", "up", "degraded", "draining", "down", "disabled")


def start(lab, ns, config=CONFIG):
    # anycastd drops root (test_privileges.py): it re-reads its config
    # from the scratch directory on reload.
    os.chmod(lab.workdir, 0o755)
    server = Nsd(lab, ns, ["192.0.2.53"])
    acd = Anycastd(lab, ns, config)
    acd.wait_state("dns", "up", START_TIMEOUT)
    return server, acd


def results(fams, **labels):
    """anycastd_check_results_total for service dns, check dns; 0 if the
    pair never happened (only pairs that happened are exposed)."""
    try:
        return fams["anycastd_check_results_total"].get(
            service="dns", check="dns", **labels)
    except KeyError:
        return 0


def state_of(fams, service):
    """The one state whose gauge is 1; every other must be 0."""
    fam = fams["anycastd_service_state"]
    values = {st: fam.get(service=service, state=st) for st in SERVICE_STATES}
    assert sorted(values.values()) == [0] * 5 + [1], values
    return [st for st, v in values.items() if v == 1][0]


def test_exposition_is_valid_and_complete(lab, host_ns, binaries):
    _, acd = start(lab, host_ns)
    fams = scrape(host_ns, URL)

    for name, typ in FAMILIES.items():
        assert name in fams, f"family {name} missing"
        assert fams[name].type == typ, f"{name}: {fams[name].type}"
        assert fams[name].help, f"{name} has no HELP"
    assert all(n.startswith("anycastd_") for n in fams), sorted(fams)

    version = subprocess.run([ANYCASTD, "-V"], capture_output=True,
                             text=True, check=True).stdout.split()[1]
    assert fams["anycastd_build_info"].get(version=version) == 1
    assert state_of(fams, "dns") == "up"
    assert fams["anycastd_service_announced"].get(service="dns") == 1
    assert fams["anycastd_check_up"].get(service="dns", check="dns") == 1
    assert results(fams, status="ok", reason="ok") >= 2
    rtt = fams["anycastd_check_rtt_seconds"]
    assert rtt.get("anycastd_check_rtt_seconds_count", service="dns",
                   check="dns") >= 2
    # A local NSD answers well under the 150 ms timeout.
    assert rtt.get("anycastd_check_rtt_seconds_bucket", service="dns",
                   check="dns", le="0.1") >= 2
    # A passive peer nobody connects to waits in Active.
    session = fams["anycastd_bgp_session_state"]
    assert session.get(peer="upstream", state="active") == 1
    assert session.get(peer="upstream", state="established") == 0
    assert fams["anycastd_bgp_prefixes_sent"].get(peer="upstream") == 0
    assert fams["anycastd_config_last_reload_successful"].get() == 1
    assert acd.alive()


def test_counters_and_states_move(lab, host_ns, binaries):
    server, acd = start(lab, host_ns)
    first = scrape(host_ns, URL)

    # Checks keep running: the ok counter grows between scrapes.
    ok0 = results(first, status="ok", reason="ok")
    wait_until(lambda: results(scrape(host_ns, URL), status="ok",
                               reason="ok") > ok0,
               CHANGE_TIMEOUT, "the ok result counter to grow")

    # The operator disables the service: its state gauge flips and the
    # change is counted.
    changes0 = first["anycastd_service_state_changes_total"].get(
        service="dns")
    acd.ctl("disable", "dns")
    acd.wait_state("dns", "disabled", CHANGE_TIMEOUT)
    fams = scrape(host_ns, URL)
    assert state_of(fams, "dns") == "disabled"
    assert fams["anycastd_service_announced"].get(service="dns") == 0
    assert fams["anycastd_service_state_changes_total"].get(
        service="dns") == changes0 + 1
    acd.ctl("enable", "dns")
    acd.wait_state("dns", "up", CHANGE_TIMEOUT)
    fams = scrape(host_ns, URL)
    assert state_of(fams, "dns") == "up"
    assert fams["anycastd_service_state_changes_total"].get(
        service="dns") == changes0 + 2

    # The DNS server dies: failures are counted with their reason and
    # the check and service go down.
    server.kill()
    acd.wait_state("dns", "down", CHANGE_TIMEOUT)
    fams = scrape(host_ns, URL)
    assert fams["anycastd_check_up"].get(service="dns", check="dns") == 0
    assert state_of(fams, "dns") == "down"
    failed = {s.labels["reason"]: s.value
              for s in fams["anycastd_check_results_total"].samples
              if s.labels["status"] == "fail"}
    assert failed and sum(failed.values()) >= 2, failed
    assert set(failed) <= {"refused", "timeout", "unreachable"}, failed


def test_http_endpoint(lab, host_ns, binaries):
    start(lab, host_ns)
    base = f"http://127.0.0.1:{PORT}"
    assert fetch(host_ns, f"{base}/nothing-here")["status"] == 404
    # Only GET and HEAD: nothing a scraper sends changes the daemon.
    assert fetch(host_ns, f"{base}/metrics", "POST")["status"] in (405, 501)
    head = fetch(host_ns, f"{base}/metrics", "HEAD")
    assert head["status"] == 200 and head["body"] == "", head
    root = fetch(host_ns, f"{base}/")
    assert root["status"] == 200 and "/metrics" in root["body"], root


def test_reload_moves_the_listener(lab, host_ns, binaries):
    _, acd = start(lab, host_ns)
    scrape(host_ns, URL)

    new_url = "http://[::1]:9154/metrics"
    acd.write_config(CONFIG.replace(f"127.0.0.1:{PORT}", "[::1]:9154"))
    acd.ctl("reload")
    fams = scrape(host_ns, new_url)
    assert fams["anycastd_config_reloads_total"].get() == 1
    # The unchanged check kept its counters across the reload.
    assert results(fams, status="ok", reason="ok") >= 2
    assert fetch(host_ns, URL)["status"] is None, "old address still open"

    # No metrics statement: no listener at all.
    acd.write_config(CONFIG.replace("metrics 127.0.0.1:9153;", ""))
    acd.ctl("reload")
    assert fetch(host_ns, new_url)["status"] is None
    assert acd.service("dns")["state"] == "up"
