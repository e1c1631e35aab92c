# SPDX-License-Identifier: ISC
"""Watches (issue 16): a crashed DNS server is noticed when the kernel
knows, not at the next probe.  Real NSD and Knot, real BIRD exporting to
its kernel table (watch_site.py); the check keeps the default probe
timers (interval 500ms, fall 2), so a withdrawal within tens of
milliseconds can only come from the watch.

  - SIGKILL of NSD / Knot: the route is gone from the router's kernel
    table within KILL_BOUND, in every one of TRIALS trials (median and
    max printed); the check's reason names the watch, the process, its
    pid and "killed by SIGKILL" (the test reaps the server only after).
  - Each restart writes a new pid into the same pid file: the watch
    follows it, and the check comes back up only after `rise` probes.
  - SIGTERM (a clean stop): withdrawn as fast; what NSD says on exit.
  - Missing pid file at start: the check is down, not a config error.
  - Flap damping counts watch failures like any other: two kills
    suppress the service while its check is back up.
  - tcp-session: the server resetting a session alone fails nothing (a
    new one is made); reset with the port shut fails at once; Knot killed
    is seen at once, over IPv4 and IPv6, and in router mode a killed
    backend's next hops go at once while its probes run every 2 s.
  - Listener watches alone: NSD killed is seen through its sockets'
    destruction, as fast (IPv4 and IPv6); its TCP listener shut under a running NSD
    (`ss -K`) fails the check at the next look and holds it down while
    the UDP probes still pass.
"""

import os
import re
import signal
import statistics
import time

import pytest

import lab as lab_module
from kernel_helpers import RouterSite
from watch_site import ADDRS, WatchSite

# ACD_WATCH_TRIALS=20 for a longer measurement.
TRIALS = int(os.environ.get("ACD_WATCH_TRIALS", "5"))
# Target (issue 16): median <= 10 ms, max <= 30 ms on an idle machine.
# The bound is loose because CI runs on 2 shared cores (a busy machine
# gave 124 ms once); what shows that the watch, not a probe, took the
# route away is the reason asserted with each time.
KILL_BOUND = 0.250
RISE_TIMEOUT = 10.0

PROCESS_CHECK = """
                check dns {{
                    query example.test SOA;
                    watch process pidfile "{pidfile}";
                }}"""


def trial(site, figure, what, sig):
    """One kill: returns the kill-to-deletion time in seconds."""
    site.wait_routed()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    before = len(site.deletions())
    pid = site.server.proc.pid
    t0 = time.time()
    site.server.kill_group(sig)
    site.wait_unrouted(5)
    lab_module.wait_until(lambda: len(site.deletions()) > before, 5,
                          "the monitor to show the deletion")
    took = site.deletions()[before] - t0
    chk = site.check_state()
    assert chk["state"] == "down", chk
    # The service's reason is the change's: later probes that fail too
    # (refused) do not overwrite it, as they do the check's last result.
    reason = site.acd.service("dns")["reason"]
    assert "dns check failed at once: watch process: " in reason, reason
    detail = reason.split("watch process: ", 1)[1]
    detail = "watch process: " + detail
    # NSD's main process names itself "nsd: xfrd" (its comm).
    assert f"watch process: {site.server.kind[:3]}" in detail, detail
    assert f" (pid {pid}) exited" in detail, detail
    if site.root and sig == signal.SIGKILL:
        # Only a reader allowed to ptrace the server sees its status.
        assert detail.endswith(" exited: killed by SIGKILL"), detail
    elif site.root:
        # NSD and Knot stop cleanly on SIGTERM
        assert detail.endswith(" exited with status 0"), detail
    else:
        assert detail.endswith(" exited"), detail
    site.server.reap()
    figure(f"{what}: kill to route deleted at the router", took, KILL_BOUND)
    return took, detail


# Knot with anycastd as root, to see the exit status; NSD as anycastd's
# own user, which the kernel does not show it to.
def log_times(log, first, then):
    """Seconds of day of the first line with `first`, and of the first
    line with `then` after it, in anycastd's log."""
    def secs(line):
        h, m, s = line.split()[0].split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    lines = log.splitlines()
    i = next(i for i, line in enumerate(lines) if first in line)
    j = next(j for j in range(i, len(lines)) if then in lines[j])
    return secs(lines[i]), secs(lines[j])


@pytest.mark.parametrize("kind", ["nsd", "knot"])
def test_sigkill_withdraws_in_milliseconds_and_restart_is_followed(
        lab, host_ns, binaries, figure, kind):
    site = WatchSite(lab, host_ns, kind, PROCESS_CHECK, root=kind == "knot")
    times = []
    for i in range(TRIALS):
        took, _ = trial(site, figure, f"{kind} SIGKILL #{i + 1}",
                        signal.SIGKILL)
        times.append(took)
        old_pid = site.server.proc.pid
        # Restart: same config, same pid file, a new pid.
        site.server.start()
        new_pid = site.server.proc.pid
        assert new_pid != old_pid
        site.acd.wait_state("dns", "up", RISE_TIMEOUT)
        followed, up = log_times(site.acd.log(), f"(pid {new_pid}) running",
                                 "dns/dns: down -> up")
        # back up only through rise (3) passing probes after the new pid
        # was followed: two fast intervals (100ms) at least
        assert up - followed >= 0.19, (followed, up)
    # status names the source that fired, and how often
    watch = site.check_state()["watches"]
    assert [w["type"] for w in watch] == ["process"], watch
    assert watch[0]["fired"] == TRIALS and not watch[0]["failing"], watch
    assert f"(pid {site.server.proc.pid}) running" in watch[0]["detail"]
    med, worst = statistics.median(times), max(times)
    print(f"measured: {kind} SIGKILL to route deleted at the router over "
          f"{TRIALS} trials: median {med * 1000:.1f} ms, max "
          f"{worst * 1000:.1f} ms, all: "
          + ", ".join(f"{t * 1000:.1f}" for t in times))
    figure(f"{kind} SIGKILL median of {TRIALS}", med, KILL_BOUND)
    figure(f"{kind} SIGKILL max of {TRIALS}", worst, KILL_BOUND)
    assert worst <= KILL_BOUND, times


@pytest.mark.parametrize("kind", ["nsd", "knot"])
def test_sigterm_withdraws_at_exit(lab, host_ns, binaries, figure, kind):
    site = WatchSite(lab, host_ns, kind, PROCESS_CHECK, root=True)
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    # A reload that keeps the check keeps its watch, on the new config.
    site.acd.ctl("reload")
    assert "kept across reload" in site.acd.log()
    took, detail = trial(site, figure, f"{kind} SIGTERM", signal.SIGTERM)
    assert "exited" in detail
    assert took <= KILL_BOUND + 1.0, took   # the server's own stop time


def test_missing_process_at_start_is_down_not_an_error(lab, host_ns,
                                                       binaries):
    site = WatchSite(lab, host_ns, "nsd", PROCESS_CHECK, start_server=False)
    site.acd.wait_state("dns", "down", 5)
    reason = site.acd.service("dns")["reason"]
    assert "failed at once: watch process: no process: pid file " \
        f"{site.server.pidfile}: No such file or directory" in reason, reason
    watch = site.check_state()["watches"][0]
    assert watch["failing"] and watch["fired"] == 1, watch
    assert site.acd.watch("dns", 1.0) == ["down"]
    # The server starting writes its pid file: followed, then up.
    site.server.start()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    site.wait_routed()


LISTENER_CHECK = """
                check dns {{
                    query example.test SOA;
                    watch listener udp;
                    watch listener tcp;
                }}"""
# The same, probing and watching the IPv6 address.
LISTENER_CHECK6 = LISTENER_CHECK.replace(
    "query example.test SOA;", "query example.test SOA; server 2001:db8::53;")
# The listener watch looks at the sockets every check interval (500ms,
# the default), and at once when the kernel destroys a socket on the port.
LISTENER_POLL = 0.5


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_listener_watch_alone_sees_a_killed_server_at_once(
        lab, host_ns, binaries, figure, family):
    """No process watch: the server's sockets destroyed at its exit are
    the event (sock_diag destroy groups)."""
    site = WatchSite(lab, host_ns, "nsd", LISTENER_CHECK if family == "ipv4"
                     else LISTENER_CHECK6)
    site.wait_routed()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    before = len(site.deletions())
    t0 = time.time()
    site.server.kill_group()
    site.wait_unrouted(5)
    lab_module.wait_until(lambda: len(site.deletions()) > before, 5,
                          "the monitor to show the deletion")
    took = site.deletions()[before] - t0
    site.server.reap()
    figure(f"NSD SIGKILL to route deleted, listener watch, {family}", took,
           KILL_BOUND)
    reason = site.acd.service("dns")["reason"]
    assert "failed at once: watch listener: no " in reason, reason
    assert took <= KILL_BOUND, took


def test_tcp_listener_shut_fails_the_check_and_holds_it_down(
        lab, host_ns, binaries, figure):
    """`ss -K` (SOCK_DESTROY) takes NSD's TCP listener out of LISTEN
    while NSD runs and keeps the socket: no socket is destroyed, so the
    next periodic look sees it."""
    site = WatchSite(lab, host_ns, "nsd", LISTENER_CHECK)
    site.wait_routed()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    before = len(site.deletions())
    t0 = time.time()
    host_ns.run(["ss", "-K", "-t", "-l", "sport", "=", ":53"])
    site.wait_unrouted(5)
    lab_module.wait_until(lambda: len(site.deletions()) > before, 5,
                          "the monitor to show the deletion")
    took = site.deletions()[before] - t0
    figure("TCP listener shut to route deleted", took,
           LISTENER_POLL + KILL_BOUND)
    assert took <= LISTENER_POLL + KILL_BOUND, took
    reason = site.acd.service("dns")["reason"]
    assert "failed at once: watch listener: no tcp socket listening on " \
        "192.0.2.53 port 53" in reason, reason
    # UDP still answers, but the check stays down while the port is shut.
    assert lab_module.answers_soa(host_ns, ADDRS[0])
    assert site.acd.watch("dns", 2.0) == ["down"]
    # A restart listens again: up after rise.
    site.server.kill_group()
    site.server.reap()
    site.server.start()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    site.wait_routed()


SESSION_CHECK = """
                check dns {{
                    query example.test SOA;
                    watch tcp-session;
                }}"""


def session_established(site):
    out = site.host_ns.run(["ss", "-Htn", "state", "established",
                            "dport", "=", ":53"]).stdout
    return out.strip()


def test_tcp_session_end_with_no_new_session_fails_at_once(
        lab, host_ns, binaries, figure):
    site = WatchSite(lab, host_ns, "nsd", SESSION_CHECK)
    site.wait_routed()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    lab_module.wait_until(lambda: session_established(site), 5,
                          "the watch's session to NSD")
    # The server resets the session (SOCK_DESTROY on its side): a new one
    # is made at once, nothing fails.
    host_ns.run(["ss", "-K", "-tn", "state", "established", "sport", "=",
                 ":53"])
    assert site.acd.watch("dns", 1.5) == ["up"]
    lab_module.wait_until(lambda: session_established(site), 5,
                          "a new session")
    # Listener shut and session reset: the new connection is refused.
    before = len(site.deletions())
    t0 = time.time()
    host_ns.run(["ss", "-K", "-t", "-l", "sport", "=", ":53"])
    host_ns.run(["ss", "-K", "-tn", "state", "established", "sport", "=",
                 ":53"])
    site.wait_unrouted(5)
    lab_module.wait_until(lambda: len(site.deletions()) > before, 5,
                          "the monitor to show the deletion")
    took = site.deletions()[before] - t0
    figure("TCP session reset, port shut, to route deleted", took,
           KILL_BOUND)
    reason = site.acd.service("dns")["reason"]
    assert "failed at once: watch tcp-session: session to 192.0.2.53 " \
        "port 53 reset by the server (RST); a new one: refused" in reason, \
        reason
    assert took <= KILL_BOUND, took


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_tcp_session_sees_a_killed_server_at_once(lab, host_ns, binaries,
                                                  figure, family):
    site = WatchSite(lab, host_ns, "knot", SESSION_CHECK if family == "ipv4"
                     else SESSION_CHECK.replace(
                         "query example.test SOA;",
                         "query example.test SOA; server 2001:db8::53;"))
    site.wait_routed()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)
    lab_module.wait_until(lambda: session_established(site), 5,
                          "the watch's session to Knot")
    before = len(site.deletions())
    t0 = time.time()
    site.server.kill_group()
    site.wait_unrouted(5)
    lab_module.wait_until(lambda: len(site.deletions()) > before, 5,
                          "the monitor to show the deletion")
    took = site.deletions()[before] - t0
    site.server.reap()
    figure(f"Knot SIGKILL to route deleted, tcp-session watch, {family}",
           took, KILL_BOUND)
    reason = site.acd.service("dns")["reason"]
    assert "failed at once: watch tcp-session: " in reason, reason
    assert took <= KILL_BOUND, took
    # Restarted: a new session, then up after rise.
    site.server.start()
    site.acd.wait_state("dns", "up", RISE_TIMEOUT)


class SessionRouterSite(RouterSite):
    """Router mode (kernel_helpers.RouterSite): each backend's checks keep
    a TCP session to its NSD, and probe only every 2 s, so a backend
    gone within KILL_BOUND can only be the watch's doing."""

    def check(self, i):
        return ("check dns { query example.test SOA; interval 2s; "
                "timeout 200ms; watch tcp-session; }")


def test_router_mode_tcp_session_drops_a_killed_backend_at_once(lab,
                                                                binaries,
                                                                figure):
    site = SessionRouterSite(lab)
    site.wait_hops((1, 2), 20)
    t0 = time.monotonic()
    site.b[1].kill()
    site.wait_hops((2,), 5)
    took = time.monotonic() - t0
    figure("router mode: backend NSD killed to its next hops gone", took,
           KILL_BOUND)
    assert took <= KILL_BOUND, took
    for name in ("via1-dns", "via2-dns"):       # backend 1, IPv4 and IPv6
        watch = site.acd.check("dns", name)["watches"][0]
        assert watch["type"] == "tcp-session" and watch["failing"], watch
        # the server's sockets go one by one: refused or reset
        assert re.search(r"a new one: (refused|reset)$", watch["detail"]), \
            watch
    assert site.acd.service("dns")["state"] == "up"


def test_flap_damping_still_applies_to_watch_failures(lab, host_ns,
                                                      binaries):
    """Each kill is an up -> down flap: the second one suppresses the
    service, which stays down while its check comes back up."""
    check = PROCESS_CHECK + """
                damping {{ penalty 1000; suppress 1500; reuse 750;
                          half-life 60s; }}"""
    site = WatchSite(lab, host_ns, "nsd", check)
    for flap in (1, 2):
        site.wait_routed()
        site.acd.wait_state("dns", "up", RISE_TIMEOUT)
        site.server.kill_group()
        site.server.reap()
        site.wait_unrouted(5)
        site.server.start()
    lab_module.wait_until(lambda: site.check_state()["state"] == "up",
                          RISE_TIMEOUT, "the check up after the restart")
    svc = site.acd.service("dns")
    assert svc["state"] == "down", svc
    assert svc["damping"]["suppressed"], svc
    assert not site.routed()


def test_immediate_off_counts_one_failure_towards_fall(lab, host_ns,
                                                       binaries):
    """immediate off: the exit is one failure of fall 2, and the next
    probe comes after fast-interval (100ms), not after interval (5s)."""
    check = """
                check dns {{
                    query example.test SOA;
                    interval 5s; fall 2;
                    watch process pidfile "{pidfile}";
                    immediate off;
                }}"""
    site = WatchSite(lab, host_ns, "nsd", check)
    site.wait_routed()
    site.acd.wait_state("dns", "up", 20)
    t0 = time.monotonic()
    site.server.kill_group()
    site.acd.wait_state("dns", "down", 3)
    took = time.monotonic() - t0
    reason = site.acd.service("dns")["reason"]
    assert "dns check failed 2/2: " in reason, reason
    assert 0.09 <= took <= 2.0, took
    site.server.reap()
