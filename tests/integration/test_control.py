# SPDX-License-Identifier: ISC
"""Reload and the operator commands, all observed through anycastctl --json.

Reload: a check whose config did not change keeps its state and counters
(SIGHUP and `anycastctl reload` alike); an invalid config is refused with
its file:line:col and the old one keeps running.
Operator: drain/undrain, disable/enable, and a timed drain that ends by
itself.
"""

import signal
import time

from daemon import Anycastd
from lab import wait_until
from nsd import Nsd

START_TIMEOUT = 5.0
CHANGE_TIMEOUT = 3.0

DNS_SERVICE = """
    service dns {
        prefix 192.0.2.53/32;
        drain time 200ms;
        check dns {
            query example.test SOA;
            expect authoritative;
            interval 200ms; timeout 150ms; rise 2; fall 2;
        }
    }
    """
# A second service, added and removed by reloads around the first.
OTHER_SERVICE = """
    service other {
        prefix 192.0.2.54/32;
        drain time 200ms;
        check tcp other-tcp {
            port 53;
            interval 200ms; timeout 150ms; rise 2; fall 2;
        }
    }
    """
# The error sits at a known line and column of the file (spaces, no tabs).
BAD_LINE = "        no-such-keyword 1;"


def up_dns(lab, ns):
    """NSD on both service addresses, anycastd with dns up."""
    ns.add_addr("192.0.2.54/32")
    Nsd(lab, ns, ["192.0.2.53", "192.0.2.54"])
    acd = Anycastd(lab, ns, DNS_SERVICE)
    acd.wait_state("dns", "up", START_TIMEOUT)
    return acd


def reloads(acd):
    return acd.status()["daemon"]["reloads"]


def assert_kept(before, after):
    """The unchanged check and service went on, they did not start over."""
    assert after["check"]["successes"] >= before["check"]["successes"], \
        (before, after)
    assert after["check"]["last_change_ms"] >= \
        before["check"]["last_change_ms"], (before, after)
    assert after["service"]["state"] == "up", f"{after}"
    assert after["service"]["since_ms"] >= before["service"]["since_ms"], \
        (before, after)


def snapshot(acd):
    return {"check": acd.check("dns", "dns"), "service": acd.service("dns")}


def bad_config(acd):
    """Write an invalid config; return (path, "path:line:col")."""
    text = acd.config_text(DNS_SERVICE.replace(
        "drain time 200ms;", "drain time 200ms;\n" + BAD_LINE))
    path = acd.conf
    path.write_text(text)
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines, 1) if "no-such-keyword" in l)
    col = lines[line - 1].index("no-such-keyword") + 1
    return path, f"{path}:{line}:{col}"


def test_reload_keeps_unchanged_check_counters(lab, host_ns, binaries):
    acd = up_dns(lab, host_ns)
    wait_until(lambda: acd.check("dns", "dns")["successes"] >= 5, 5,
               "some successes to keep")

    # SIGHUP with a service added: dns itself is unchanged.
    before = snapshot(acd)
    acd.write_config(DNS_SERVICE + OTHER_SERVICE)
    acd.signal(signal.SIGHUP)
    wait_until(lambda: reloads(acd) == 1, CHANGE_TIMEOUT, "reloads == 1")
    assert_kept(before, snapshot(acd))
    acd.wait_state("other", "up", START_TIMEOUT)

    # anycastctl reload with it removed again.
    before = snapshot(acd)
    acd.write_config(DNS_SERVICE)
    assert acd.ctl("reload")["ok"] is True
    assert reloads(acd) == 2
    assert [s["name"] for s in acd.status()["services"]] == ["dns"]
    assert_kept(before, snapshot(acd))
    assert acd.status()["daemon"]["last_reload_error"] is None


def test_invalid_config_is_refused_and_old_keeps_running(
        lab, host_ns, binaries):
    acd = up_dns(lab, host_ns)

    path, where = bad_config(acd)
    rc, out = acd.check_config(path)
    assert rc == 1 and where in out, (rc, out)

    before = snapshot(acd)
    res, data = acd.ctl_raw("reload")
    assert data is not None and data["ok"] is False, (res.stdout, res.stderr)
    assert where in data["error"], f"{data}"
    assert res.returncode != 0, "a failed reload must fail the command"
    status = acd.status()
    assert where in (status["daemon"]["last_reload_error"] or ""), f"{status}"
    # The old config runs on: same check, still probing, still up.
    wait_until(lambda: acd.check("dns", "dns")["successes"]
               > before["check"]["successes"], CHANGE_TIMEOUT,
               "the old check to go on probing")
    assert_kept(before, snapshot(acd))

    # SIGHUP with the same bad file: logged, daemon alive, nothing changed.
    acd.signal(signal.SIGHUP)
    wait_until(lambda: where in acd.log(), CHANGE_TIMEOUT,
               f"the error {where} in the log")
    assert acd.alive()
    assert_kept(before, snapshot(acd))

    # A good config again clears the error.
    acd.write_config(DNS_SERVICE)
    assert acd.ctl("reload")["ok"] is True
    assert acd.status()["daemon"]["last_reload_error"] is None


def test_drain_undrain_disable_enable(lab, host_ns, binaries):
    acd = up_dns(lab, host_ns)

    assert acd.ctl("drain", "dns")["state"] == "draining"
    svc = acd.service("dns")
    assert svc["state"] == "draining" and svc["drain"] is True, f"{svc}"
    assert svc["drain_left_ms"] is None, f"{svc}"
    acd.ctl("undrain", "dns")
    svc, _ = acd.wait_state("dns", "up", CHANGE_TIMEOUT)
    assert svc["drain"] is False, f"{svc}"

    assert acd.ctl("disable", "dns")["state"] == "disabled"
    svc = acd.service("dns")
    assert svc["state"] == "disabled" and svc["disabled"] is True, f"{svc}"
    acd.ctl("enable", "dns")
    svc, _ = acd.wait_state("dns", "up", CHANGE_TIMEOUT)
    assert svc["disabled"] is False, f"{svc}"

    res, data = acd.ctl_raw("drain", "no-such-service")
    assert data is not None and data["ok"] is False, (res.stdout, res.stderr)
    assert "no-such-service" in data["error"], f"{data}"
    assert res.returncode != 0


def test_timed_drain_ends_by_itself(lab, host_ns, binaries, figure):
    acd = up_dns(lab, host_ns)

    # From before the command, the drain cannot end sooner than 1 s;
    # from the last answer read while draining, it must end within 1.5 s.
    asked = time.monotonic()
    assert acd.ctl("drain", "dns", "--for", "1s")["state"] == "draining"
    svc = acd.service("dns")
    assert svc["state"] == "draining", f"{svc}"
    assert 0 < svc["drain_left_ms"] <= 1000, f"{svc}"

    _, took = acd.wait_state("dns", "up", 1.0 + CHANGE_TIMEOUT)
    lasted = time.monotonic() - asked
    figure("drain --for 1s lasted", lasted, 1.0)
    assert lasted >= 1.0, f"timed drain of 1s ended after {lasted:.3f}s"
    assert took <= 1.5, f"timed drain of 1s ended {took:.3f}s after " \
        "it was last seen draining"
    assert acd.service("dns")["drain"] is False
