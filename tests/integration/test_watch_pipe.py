# SPDX-License-Identifier: ISC
"""Probes pipelined on the kept session of `watch tcp-session` (issue 16,
RFC 7766 6.2.1.1): a real NSD (watch_site.py), the check probing every
500 ms (the default) with two queries per probe (the main one and the
zone's SOA for `expect serial age`), so two are in flight at once.

nftables in the namespace counts what goes to port 53: SYNs (new TCP
connections), UDP datagrams, and TCP segments carrying data (PSH).

  - While the session is open: no SYN and no UDP datagram over several
    seconds, while the TCP data segments grow with the probes (the
    session's own keepalive query goes only after 5 s of silence, so it
    cannot be them) and the check's results keep coming, passing; the
    server has exactly one TCP connection.
  - Refused: the server resets the session and refuses new ones (a
    reject rule).  The watch fails the check; the probes go over UDP
    meanwhile (the datagrams grow, the log says "tcp session down: over
    udp").  Accepted again: a new session, the check up after rise, and
    the probes back on it (no more UDP).

And `watch process unit` where there is no unit to follow (the lab's
host boots no systemd): a failure with its reason, not an error.
"""

import re
import time

import lab as lab_module
from watch_site import WatchSite

CHECK = """
                check dns {{
                    query ns1.example.test A;
                    expect serial age 3650d zone example.test;
                    watch tcp-session;
                }}"""

COUNT = """
table inet acd_t_count {
    counter syn53 {}
    counter udp53 {}
    counter psh53 {}
    chain out {
        type filter hook output priority 0; policy accept;
        tcp dport 53 tcp flags & (syn | ack) == syn counter name syn53
        tcp dport 53 tcp flags & psh == psh counter name psh53
        udp dport 53 counter name udp53
    }
}
"""

REFUSE = """
table inet acd_t_refuse {
    chain out {
        type filter hook output priority 10; policy accept;
        tcp dport 53 tcp flags & (syn | ack) == syn reject with tcp reset
    }
}
"""


def nft(ns, *args, text=None):
    return ns.run(["nft", *args] if text is None else ["nft", "-f", "-"],
                  input=text).stdout


def counters(ns):
    out = nft(ns, "list", "table", "inet", "acd_t_count")
    got = {}
    for name in ("syn53", "udp53", "psh53"):
        m = re.search(rf"counter {name} {{\s*packets (\d+)", out)
        assert m, out
        got[name] = int(m.group(1))
    return got


def server_connections(ns):
    """The server's established TCP connections on port 53, as (local,
    peer) address pairs (not the queue sizes, which move)."""
    out = ns.run(["ss", "-Htn", "state", "established", "sport",
                  "=", ":53"]).stdout
    return [tuple(line.split()[-2:]) for line in out.splitlines()
            if line.strip()]


def results_during(site, seconds):
    """The check's results over `seconds`: (status, detail, ago_ms)
    sampled every 100 ms."""
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        last = site.check_state()["last"]
        seen.append((last["status"], last["detail"], last["ago_ms"]))
        time.sleep(0.1)
    return seen


def setup_site(lab, host_ns):
    site = WatchSite(lab, host_ns, "nsd", CHECK)
    lab.on_close(lambda: host_ns.run(["nft", "delete", "table", "inet",
                                      "acd_t_count"], check=False))
    nft(host_ns, text=COUNT)
    site.wait_routed()
    site.acd.wait_state("dns", "up", 10)
    lab_module.wait_until(lambda: len(server_connections(host_ns)) == 1,
                          5, "the watch's session to NSD")
    return site


def assert_on_session(site, host_ns, seconds=4.0):
    before = counters(host_ns)
    conns = server_connections(host_ns)
    seen = results_during(site, seconds)
    after = counters(host_ns)
    # The results kept coming (the default interval is 500 ms), passing.
    assert all(s == "ok" for s, _, _ in seen), seen
    assert max(ago for _, _, ago in seen) < 1500, seen
    assert not any("tcp session down" in d for _, d, _ in seen), seen
    # No new connection, no datagram: the probes went on the session.
    assert after["syn53"] == before["syn53"], (before, after)
    assert after["udp53"] == before["udp53"], (before, after)
    # A probe every 500 ms, each at least one data segment (its two
    # queries may share one): 8 in 4 s; the keepalive query waits for
    # 5 s of silence, so it cannot make up for missing probes.
    assert after["psh53"] - before["psh53"] >= 6, (before, after)
    assert server_connections(host_ns) == conns
    return after["psh53"] - before["psh53"]


def test_probes_are_pipelined_on_the_session(lab, host_ns, binaries, figure):
    site = setup_site(lab, host_ns)
    segs = assert_on_session(site, host_ns)
    print(f"measured: 4 s of probes on the session: {segs} query segments, "
          "0 SYN, 0 UDP, 1 server connection")
    # Answers judged by id and question: the debug log has no bogus one.
    assert "bogus answer on the tcp session" not in site.acd.log()


def test_probes_fall_back_to_udp_while_the_session_is_refused(
        lab, host_ns, binaries):
    site = setup_site(lab, host_ns)
    lab.on_close(lambda: host_ns.run(["nft", "delete", "table", "inet",
                                      "acd_t_refuse"], check=False))
    nft(host_ns, text=REFUSE)
    # The server resets the session; the new one is refused.
    host_ns.run(["ss", "-K", "-tn", "state", "established", "sport", "=",
                 ":53"])
    site.acd.wait_state("dns", "down", 5)
    reason = site.acd.service("dns")["reason"]
    assert "watch tcp-session: session to 192.0.2.53 port 53 reset by " \
        "the server (RST); a new one: refused" in reason, reason
    # The probes go on, over UDP (the server answers them; the watch
    # holds the check down).
    before = counters(host_ns)
    lab_module.wait_until(
        lambda: counters(host_ns)["udp53"] >= before["udp53"] + 4, 5,
        "probes over UDP while the session is refused")
    assert "tcp session down: over udp" in site.acd.log()
    assert server_connections(host_ns) == []
    # Accepted again: a new session within an interval, then up after
    # rise, and the probes back on it.
    nft(host_ns, "delete", "table", "inet", "acd_t_refuse")
    site.acd.wait_state("dns", "up", 10)
    lab_module.wait_until(lambda: len(server_connections(host_ns)) == 1,
                          5, "a new session")
    assert_on_session(site, host_ns, 3.0)


UNIT_CHECK = """
                check dns {{
                    query example.test SOA;
                    watch process unit "acd-test-absent.service";
                }}"""


def test_unit_watch_without_the_unit_is_a_failure_not_an_error(
        lab, host_ns, binaries):
    """watch process unit where the unit cannot be followed: no system
    bus (this lab's host does not boot systemd), or, on a host that has
    one, no such unit.  Either way the check is down with the reason and
    anycastd runs on (tests/systemd follows a real unit)."""
    site = WatchSite(lab, host_ns, "nsd", UNIT_CHECK)
    site.acd.wait_state("dns", "down", 5)
    reason = site.acd.service("dns")["reason"]
    assert "dns check failed at once: watch process: " \
        "acd-test-absent.service" in reason, reason
    assert re.search(r"acd-test-absent\.service(: system bus: cannot "
                     r"connect: | is not loaded \(not-found\))", reason), \
        reason
    # it stays down (the server answers: only the watch holds it), and a
    # reload keeps the watch
    assert site.acd.watch("dns", 1.0) == ["down"]
    site.acd.ctl("reload")
    assert site.acd.watch("dns", 1.0) == ["down"]
    assert site.acd.alive()
