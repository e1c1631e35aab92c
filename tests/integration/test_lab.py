# SPDX-License-Identifier: ISC
"""The anycast lab end to end: steps 1 to 4 of `make demo`, asserted.

lab/lab builds the three sites (BIRD 2 routers, NSD and anycastd on each
DNS server, a client each) under a name of this run's own
("acd-lab-t<run>"), so a lab someone keeps up by hand is left alone.  A
client queries 192.0.2.53 every 10 ms with lab/dnsq during each fault:

1. every client is answered by its own site (IPv4 and IPv6);
2. NSD at A is killed: A's client moves to B within the bound the config
   implies (fall x interval + timeout, plus a margin for BGP to carry the
   withdrawal and the kernel to switch);
3. NSD at A is started again: A's client comes back to A, losing nothing;
4. B is drained (anycastctl drain): B's client moves away with no query
   lost, and anycastd withdraws only after its drain time.

Site C runs anycastd in host mode in one run of the test and in router
mode (the seed's design: a kernel route BIRD redistributes) in another.

The lab is torn down (lab/lab down) in the test's finalizer, pass or fail;
anycastd's logs are kept past the teardown to look for sanitizer reports.
"""

import json
import os
import signal
import subprocess
import time

import pytest

import daemon
import lab as labmod
from lab import PYTHON, REPO, wait_until

LAB = REPO / "lab" / "lab"
DNSQ = REPO / "lab" / "dnsq"
# What BGP, BIRD and the kernel add to the detection time: the UPDATE over
# the local session, BIRD's best path and kernel sync, the client's next
# 10 ms query; generous for the sanitizer build on a busy machine.
BGP_MARGIN_MS = 250
# NSD's own start, before anycastd can see it answer again.
NSD_START_MS = 500


class AnycastLab:
    """lab/lab, under this run's lab name, with its scratch dir in `lab_`."""

    def __init__(self, lab_, mode_c, **env):
        self.workdir = lab_.workdir
        self.spawner = lab_
        self.env = dict(os.environ,
                        ACD_LAB=f"acd-lab-t{labmod.RUN_ID}",
                        ACD_LAB_LOGS_TO=str(self.workdir / "lab-logs"))
        self.env["ACD_LAB_MODE_C"] = mode_c
        self.env.update(env)
        lab_.on_close(self.close)
        self.lab("up", timeout=120)
        self.up = True
        self.params = {}
        for line in self.lab("params").stdout.splitlines():
            key, _, value = line.partition("=")
            self.params[key] = value.strip('"')

    def lab(self, *args, timeout=30):
        return labmod.run([LAB, *args], env=self.env, timeout=timeout)

    def param(self, key):
        return int(self.params[key])

    def close(self):
        if not getattr(self, "up", False) and not os.path.exists(
                f"/run/{self.env['ACD_LAB']}"):
            return
        self.lab("down", timeout=60)
        logs = self.workdir / "lab-logs"
        reports = []
        for log in sorted(logs.glob("*-anycastd.log")):
            text = log.read_text(errors="replace")
            print(f"---- {log.name} (last 30 lines) ----\n"
                  + "\n".join(text.splitlines()[-30:]))
            reports += daemon.sanitizer_reports(text)
        assert not reports, f"sanitizer report in anycastd stderr: {reports}"

    # -- looking --------------------------------------------------------
    def answered_by(self, site, server="192.0.2.53"):
        res = self.lab("exec", f"{site}-client", PYTHON, DNSQ, "once",
                       "--timeout", "0.3", "--server", server)
        return res.stdout.split()[0]

    def route(self, site):
        """The site router SITE sends 192.0.2.53/32 to."""
        return self.lab("route", site).stdout.strip()

    def anycastd_route_gone(self, site):
        out = self.lab("birdc", site, "show", "route", "192.0.2.53/32",
                       "protocol", "anycastd").stdout
        return "unicast" not in out

    def service(self, site):
        data = json.loads(self.lab("ctl", site, "--json", "status").stdout)
        return data["services"][0]

    # -- dnsq -----------------------------------------------------------
    def dnsq(self, site, name, *args):
        """site's client querying every 10 ms, until stopped or done."""
        csv = self.workdir / f"{name}.csv"
        ready = self.workdir / f"{name}.ready"
        proc = self.spawner.spawn(
            f"dnsq-{name}",
            [LAB, "exec", f"{site}-client", PYTHON, DNSQ, "run",
             "--out", csv, "--ready-file", ready, *map(str, args)],
            env=self.env)
        wait_until(lambda: ready.exists() and ready.read_text().strip(), 5,
                   f"dnsq on {site}-client answered")
        proc.csv = csv
        return proc

    def wait_dnsq(self, proc, timeout):
        rc = proc.wait(timeout)
        assert rc == 0, (f"dnsq {proc.name}: exit {rc} (the client did not "
                         f"move in time): {proc.log()}")

    def summary(self, proc, since):
        res = labmod.run([PYTHON, DNSQ, "summary", proc.csv, "--since",
                          f"{since:.6f}", "--json"])
        return json.loads(res.stdout)

    def fault(self, site, action):
        """lab/lab dns SITE ACTION; the time it acted."""
        return float(self.lab("dns", site, action).stdout.split()[0])


# Site C in host mode (anycastd on its DNS server, BGP to the router) and
# in router mode (anycastd on the router, a kernel route BIRD learns).
@pytest.fixture(params=["host", "router"], ids=lambda m: f"c-{m}-mode")
def anycast_lab(request, lab, binaries):
    for tool in ("bird", "birdc", "nsd", "nft"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            pytest.fail(f"{tool} missing: run scripts/install-deps")
    al = AnycastLab(lab, request.param)
    assert f"c={request.param}" in al.params["MODES"], al.params
    return al


def test_lab_failover_restore_and_drain(anycast_lab, figure):
    al = anycast_lab
    interval, timeout = al.param("CHECK_INTERVAL_MS"), \
        al.param("CHECK_TIMEOUT_MS")
    fall, rise = al.param("CHECK_FALL"), al.param("CHECK_RISE")
    drain = al.param("DRAIN_TIME_MS")
    bound = fall * interval + timeout + BGP_MARGIN_MS
    print(f"outage bound: fall {fall} x interval {interval} ms + timeout "
          f"{timeout} ms + BGP propagation margin {BGP_MARGIN_MS} ms = "
          f"{bound} ms")
    back_bound = rise * interval + timeout + BGP_MARGIN_MS + NSD_START_MS
    print(f"restore bound: NSD start {NSD_START_MS} ms + rise {rise} x "
          f"interval {interval} ms + timeout {timeout} ms + margin "
          f"{BGP_MARGIN_MS} ms = {back_bound} ms")

    # 1. Each client is answered by its own site.
    for site in "abc":
        for server in ("192.0.2.53", "2001:db8::53"):
            assert al.answered_by(site, server) == f"site-{site}", \
                (site, server)
        assert al.route(site) == site

    # 2. NSD at A killed: A's client moves to B within the bound.
    q = al.dnsq("a", "kill", "--until-site", "site-b", "--max-time", 15)
    t = al.fault("a", "kill")
    al.wait_dnsq(q, 20)
    s = al.summary(q, t)
    figure("NSD at A killed: a-client outage", s["longest_outage_ms"] / 1000,
           bound / 1000)
    figure("NSD at A killed: kill to first answer from B",
           s["failover_ms"] / 1000, bound / 1000)
    assert s["site_at_since"] == "site-a"
    assert s["failover_to"] == "site-b"
    assert s["longest_outage_ms"] <= bound, s
    assert s["failover_ms"] <= bound, s
    assert al.service("a")["state"] == "down"
    assert al.route("a") == "b"

    # 3. NSD at A back: A's client back at A, nothing lost on the way.
    q = al.dnsq("a", "restart", "--until-site", "site-a", "--max-time", 15)
    t = al.fault("a", "start")
    al.wait_dnsq(q, 20)
    s = al.summary(q, t)
    figure("NSD at A restarted: start to first answer from A",
           s["failover_ms"] / 1000, back_bound / 1000)
    assert s["failover_to"] == "site-a"
    assert s["lost_after_since"] == 0, s
    assert s["failover_ms"] <= back_bound, s
    assert al.route("a") == "a"

    # 4. B drained: B's client moves away, no query lost, and anycastd
    # keeps announcing (GRACEFUL_SHUTDOWN) for its drain time.
    q = al.dnsq("b", "drain", "--max-time", 30)
    t = time.time()
    al.lab("ctl", "b", "drain", "dns")
    _, moved = wait_until(lambda: al.route("b") not in ("b", "none", ""),
                          5, "router B to use another site")
    assert al.service("b")["state"] == "draining"
    _, gone = wait_until(lambda: al.anycastd_route_gone("b"),
                         drain / 1000 + 5, "anycastd at B to withdraw")
    withdrawn = time.time()
    figure("drain B: router B uses another site", moved, None)
    figure(f"drain B: withdrawn after (drain time {drain} ms)", withdrawn - t,
           None)
    assert withdrawn - t >= drain / 1000 * 0.9, \
        "withdrawn before the drain time was over"

    # Queries sent past the withdrawal, then stop: none may be lost.
    def sent_after(when):
        lines = q.csv.read_text().splitlines()
        return len(lines) > 1 and float(lines[-1].split(",")[1]) > when
    wait_until(lambda: sent_after(withdrawn + 0.3), 5,
               "dnsq queries after the withdrawal")
    q.signal(signal.SIGINT)
    assert q.wait(5) == 0, q.log()
    s = al.summary(q, t)
    figure("drain B: b-client to another site", s["failover_ms"] / 1000,
           None)
    print(f"drain B: {s['lost_after_since']} queries lost, answered by "
          f"{s['sites']}")
    assert s["site_at_since"] == "site-b"
    assert s["failover_to"] in ("site-a", "site-c")
    assert s["lost_after_since"] == 0, s
    assert s["lost"] == 0, s


@pytest.fixture
def router_lab(lab, binaries):
    return AnycastLab(lab, "router")


def test_lab_last_site_protection(router_lab):
    """With C disabled and B's server dead, A is the last site: its own
    server failing does not withdraw the service (protect last)."""
    al = router_lab
    al.lab("ctl", "c", "disable", "dns")
    al.fault("b", "kill")
    wait_until(lambda: al.route("b") == "a", 15, "router B uses site A")
    wait_until(lambda: al.service("a")["last_site"], 15,
               "anycastd at A knows no other site announces the service")
    assert al.service("a")["state"] == "up"

    al.fault("a", "kill")
    wait_until(lambda: al.service("a")["state"] == "degraded", 15,
               "A's failing service kept as degraded")
    svc = al.service("a")
    assert "last site" in svc["reason"], svc
    # Still announced, with the degraded attributes.
    assert al.route("a") == "a"
    assert not al.anycastd_route_gone("a")

    # B back: another site announces again, so A's failure withdraws it.
    al.fault("b", "start")
    wait_until(lambda: al.service("a")["state"] == "down", 20,
               "A withdrawn once B announces again")
    assert not al.service("a")["last_site"]
    wait_until(lambda: al.route("a") == "b", 15, "router A uses site B")


def test_lab_stop_like_systemctl_loses_no_query(router_lab):
    """SIGTERM, as `systemctl stop` sends it: anycastd drains, withdraws
    and exits; B's client moves to another site without losing a query."""
    al = router_lab
    drain = al.param("DRAIN_TIME_MS")
    q = al.dnsq("b", "stop", "--max-time", 30)
    t = float(al.lab("anycastd", "b", "stop", timeout=drain / 1000 + 10)
              .stdout.split()[0])
    stopped = time.time()
    assert al.anycastd_route_gone("b")

    def sent_after(when):
        lines = q.csv.read_text().splitlines()
        return len(lines) > 1 and float(lines[-1].split(",")[1]) > when
    wait_until(lambda: sent_after(stopped + 0.3), 5,
               "dnsq queries after anycastd exited")
    q.signal(signal.SIGINT)
    assert q.wait(5) == 0, q.log()
    s = al.summary(q, t)
    print(f"anycastd at B stopped (SIGTERM) to exit: "
          f"{(stopped - t) * 1000:.0f} ms (drain time {drain} ms); "
          f"sites seen {s['sites']}; lost {s['lost']}")
    assert stopped - t >= drain / 1000, "exited before its drain time"
    assert s["failover_to"] in ("site-a", "site-c"), s
    assert s["lost"] == 0, s

    al.lab("anycastd", "b", "start")
    wait_until(lambda: al.answered_by("b") == "site-b", 15,
               "B's client back at B once anycastd runs again")
