# SPDX-License-Identifier: ISC
"""The dns check against a real NSD, in host mode.

anycastd, NSD and the service address 192.0.2.53 (2001:db8::53) on lo all
live in one namespace, as on a DNS server host: the check probes the local
server through the anycast address itself.  Each test drives NSD (kill,
SIGSTOP, a zone it does not serve, latency through the relay) and polls
`anycastctl --json` until the service reaches the state the design
promises, within a bound computed from the config it wrote.
"""

import re

import pytest

from daemon import Anycastd, ms
from lab import wait_until
from nsd import IDENTITY, Nsd
from responders import Relay

INTERVAL, TIMEOUT, RISE, FALL = 0.3, 0.2, 2, 2
# Slack on top of a computed bound: each poll starts anycastctl (under ASan
# in make check), about every 20 ms, plus scheduling on a loaded machine.
MARGIN = 0.3
# The first verdict also waits for start-up jitter; not a measured bound.
START_TIMEOUT = 5.0


def dns_service(query="example.test SOA", prefix="192.0.2.53/32",
                interval=INTERVAL, timeout=TIMEOUT, extra=""):
    return f"""
        service dns {{
            prefix {prefix};
            drain time 200ms;
            check dns {{
                query {query};
                expect authoritative;
                interval {ms(interval)}; timeout {ms(timeout)};
                rise {RISE}; fall {FALL};
                {extra}
            }}
        }}
        """


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_nsd_serving_zone_is_up(lab, host_ns, binaries, figure, transport):
    Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, dns_service(
        extra="tcp;" if transport == "tcp" else ""))

    svc, took = acd.wait_state("dns", "up", START_TIMEOUT)
    figure("start to up", took)
    assert svc["prefixes"] == ["192.0.2.53/32"]
    assert (svc["checks_passing"], svc["checks_total"]) == (1, 1)
    assert svc["drain"] is False and svc["disabled"] is False

    chk = acd.check("dns", "dns")
    assert chk["type"] == "dns" and chk["state"] == "up"
    assert "192.0.2.53" in chk["target"]
    assert chk["last"]["status"] == "ok", f"{chk}"
    assert chk["successes"] >= RISE
    assert chk["failures"] == 0 and chk["bogus"] == 0, f"{chk}"
    assert chk["rtt_ms"]["min"] <= chk["rtt_ms"]["avg"] <= chk["rtt_ms"]["max"]
    assert (chk["interval_ms"], chk["timeout_ms"]) == (INTERVAL * 1000,
                                                      TIMEOUT * 1000)
    assert (chk["rise"], chk["fall"]) == (RISE, FALL)


def test_nsd_killed_is_down_within_fall_interval_timeout(
        lab, host_ns, binaries, figure):
    server = Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, dns_service())
    acd.wait_state("dns", "up", START_TIMEOUT)

    bound = FALL * INTERVAL + TIMEOUT
    server.kill()
    _, took = acd.wait_state("dns", "down", bound + 5)
    figure("NSD SIGKILL to down", took, bound)
    assert took <= bound + MARGIN, f"down after {took:.3f}s, bound {bound}s"

    chk = acd.check("dns", "dns")
    assert chk["state"] == "down" and chk["last"]["status"] == "fail", f"{chk}"
    # ICMP port unreachable, heard on the shared probe socket.
    assert chk["last"]["reason"] == "refused", f"{chk}"
    # One log line for the change, with its reason.
    assert re.search(r"dns.*\bup -> down\b", acd.log()), acd.log()


def test_nsd_stopped_is_down_by_timeout_and_up_after_sigcont(
        lab, host_ns, binaries, figure):
    server = Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, dns_service())
    acd.wait_state("dns", "up", START_TIMEOUT)

    bound = FALL * INTERVAL + TIMEOUT
    server.stop()
    _, took = acd.wait_state("dns", "down", bound + 5)
    figure("NSD SIGSTOP to down", took, bound)
    assert took <= bound + MARGIN, f"down after {took:.3f}s, bound {bound}s"
    chk = acd.check("dns", "dns")
    assert chk["last"]["reason"] == "timeout", f"{chk}"

    bound = RISE * INTERVAL + TIMEOUT
    server.cont()
    _, took = acd.wait_state("dns", "up", bound + 5)
    figure("NSD SIGCONT to up", took, bound)
    assert took <= bound + MARGIN, f"up after {took:.3f}s, bound {bound}s"


def test_zone_not_served_refused_is_down_with_rcode(lab, host_ns, binaries):
    Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, dns_service(query="other.test SOA"))

    acd.wait_state("dns", "down", START_TIMEOUT)
    chk = acd.check("dns", "dns")
    assert chk["last"]["status"] == "fail"
    assert chk["last"]["reason"] == "rcode", f"{chk}"
    assert "REFUSED" in chk["last"]["detail"].upper(), f"{chk}"
    assert chk["successes"] == 0 and chk["failures"] >= FALL, f"{chk}"


def test_answer_from_another_site_nsid_is_not_local(lab, host_ns, binaries):
    """A probe answered by a server with another identity (another site's,
    after a routing mistake) never counts as this site's health."""
    Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, dns_service(
        extra='expect nsid "site-elsewhere";'))

    acd.wait_state("dns", "down", START_TIMEOUT)
    chk = acd.check("dns", "dns")
    assert chk["last"]["reason"] == "nsid", f"{chk}"
    assert IDENTITY in chk["last"]["detail"], f"{chk}"
    assert chk["successes"] == 0, f"{chk}"

    # The same server, expected with its own identity, is up.
    acd.write_config(dns_service(extra=f'expect nsid "{IDENTITY}";'))
    acd.ctl("reload")
    acd.wait_state("dns", "up", START_TIMEOUT)


def test_latency_through_relay_is_degraded_and_back(
        lab, host_ns, binaries, figure):
    # NSD behind the relay: the service address is the relay's.
    host_ns.add_addr("192.0.2.54/32")
    Nsd(lab, host_ns, ["192.0.2.54"])
    relay = Relay(lab, host_ns, listen="192.0.2.53", server="192.0.2.54")
    acd = Anycastd(lab, host_ns, dns_service(
        interval=0.6, timeout=0.5, extra="degraded latency 50ms;"))
    acd.wait_state("dns", "up", START_TIMEOUT)

    relay.set_delay(150)
    _, took = acd.wait_state("dns", "degraded", 5)
    figure("150 ms latency to degraded", took)
    chk = acd.check("dns", "dns")
    assert chk["last"]["status"] == "degraded", f"{chk}"
    assert chk["last"]["reason"] == "latency", f"{chk}"
    assert chk["last"]["rtt_ms"] >= 150, f"{chk}"

    relay.set_delay(0)
    _, took = acd.wait_state("dns", "up", 5)
    figure("latency off to up", took)
    assert acd.check("dns", "dns")["last"]["status"] == "ok"


def probe_gaps(relay, count, timeout):
    """The gaps in seconds between the next COUNT + 1 queries at RELAY."""
    base = len(relay.query_times())

    def enough():
        times = relay.query_times()[base:]
        return times if len(times) > count else None

    times, _ = wait_until(enough, timeout, f"{count + 1} queries")
    return sorted(b - a for a, b in zip(times, times[1:count + 1]))


def test_probes_keep_their_interval_however_slow_the_answers(
        lab, host_ns, binaries):
    # Each next probe is due an interval after the last one was due, not
    # an interval after its answer: a slow server does not slow the
    # probes down (before, the gaps here were interval + delay, 380 ms).
    host_ns.add_addr("192.0.2.54/32")
    Nsd(lab, host_ns, ["192.0.2.54"])
    relay = Relay(lab, host_ns, listen="192.0.2.53", server="192.0.2.54")
    relay.set_delay(80)
    acd = Anycastd(lab, host_ns, dns_service(interval=0.3, timeout=0.3))
    acd.wait_state("dns", "up", START_TIMEOUT)

    gaps = probe_gaps(relay, 10, 10)
    median = gaps[len(gaps) // 2]
    assert 0.26 < median < 0.34, f"gaps {gaps}"

    # Probes that run past the next one's due time -- timeouts (300 ms)
    # longer than the fast interval (100 ms) while in doubt: the next
    # comes a fast interval (or, down, an interval) after the timeout,
    # never at once.
    relay.set_delay(1000)
    acd.wait_state("dns", "down", 5)
    gaps = probe_gaps(relay, 3, 10)
    assert gaps[0] > 0.58, f"gaps {gaps}"      # 300 + 300 ms, down
    relay.set_delay(0)
    acd.wait_state("dns", "up", 5)


def test_ipv6_service_address_is_up(lab, host_ns, binaries):
    server = Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])
    acd = Anycastd(lab, host_ns, dns_service(prefix="2001:db8::53/128"))

    acd.wait_state("dns", "up", START_TIMEOUT)
    chk = acd.check("dns", "dns")
    assert "2001:db8::53" in chk["target"], f"{chk}"
    assert chk["successes"] >= RISE and chk["failures"] == 0, f"{chk}"

    server.kill()
    acd.wait_state("dns", "down", FALL * INTERVAL + TIMEOUT + 5)
    # ICMPv6 port unreachable, heard on the shared probe socket.
    chk = acd.check("dns", "dns")
    assert chk["last"]["reason"] == "refused", f"{chk}"


def test_probe_limit_bounds_the_probes_in_flight(lab, host_ns, binaries):
    # `probe limit 2;` and six checks against a server answering after
    # 300 ms: never more than two queries outstanding at the server, the
    # others wait their turn (late_ms, probes.waited), and all come up.
    # Without a limit, every check had a probe in flight at start-up:
    # 100,000 checks kept 476 MB of that burst (issue 15).
    delay = 0.3
    host_ns.add_addr("192.0.2.54/32")
    Nsd(lab, host_ns, ["192.0.2.54"])
    relay = Relay(lab, host_ns, listen="192.0.2.53", server="192.0.2.54")
    relay.set_delay(delay * 1000)
    checks = "".join(f"""
                check dns c{i} {{
                    query example.test SOA; expect authoritative;
                    interval 1s; timeout 900ms; rise 2; fall 2;
                }}""" for i in range(6))
    acd = Anycastd(lab, host_ns, f"""
        probe limit 2;
        service dns {{
            prefix 192.0.2.53/32;
            {checks}
        }}
        """)
    acd.wait_state("dns", "up", 15)
    # Once all is up (a probe that failed at once at start-up, before the
    # relay or NSD answered anything, frees its slot early): the next 12
    # queries.  A third query can only come once one of two outstanding
    # was answered, DELAY after it came (less what the clocks may differ
    # by).
    base = len(relay.query_times())
    times, _ = wait_until(
        lambda: (lambda t: t if len(t) >= 12 else None)(
            sorted(relay.query_times()[base:])), 15, "12 more queries")
    crowded = [(a, c) for a, c in zip(times, times[2:])
               if c - a < delay - 0.05]
    assert not crowded, f"3 queries within {delay} s: {crowded}"
    data = acd.ctl("show", "checks")
    assert data["probes"]["limit"] == 2, data["probes"]
    assert data["probes"]["waited"] > 0, data["probes"]
    assert data["probes"]["in_flight"] <= 2, data["probes"]
    late = [c["late_ms"]["max"] for c in data["checks"]]
    assert max(late) >= delay * 1000 / 2, late


DROP_54 = """
table inet acd_t_drop54 {
    chain out {
        type filter hook output priority 0; policy accept;
        ip daddr 192.0.2.54 udp dport 53 drop
    }
}
"""


def test_failed_sends_fail_their_own_checks_only(lab, host_ns, binaries,
                                                 figure):
    # The checks share the UDP probe sockets (dns_udp.c).  nftables
    # refuses the sends to 192.0.2.54 (EPERM): those checks must fail at
    # once, with the error (not a timeout), and the queries beside them
    # on the same sockets, to 192.0.2.53, must still go and their
    # service stay up, with no failure at all.
    host_ns.add_addr("192.0.2.54/32")
    Nsd(lab, host_ns, ["192.0.2.53", "192.0.2.54"])

    def checks(server):
        return "".join(f"""
                check dns c{i} {{
                    server {server}; query example.test SOA;
                    expect authoritative;
                    interval 200ms; timeout 150ms; rise 1; fall 1;
                }}""" for i in range(8))
    acd = Anycastd(lab, host_ns, f"""
        service good {{ prefix 192.0.2.53/32; {checks("192.0.2.53")} }}
        service bad {{ prefix 192.0.2.54/32; {checks("192.0.2.54")} }}
        """)
    acd.wait_state("good", "up", START_TIMEOUT)
    acd.wait_state("bad", "up", START_TIMEOUT)
    lab.on_close(lambda: host_ns.run(["nft", "delete", "table", "inet",
                                      "acd_t_drop54"], check=False))
    host_ns.run(["nft", "-f", "-"], input=DROP_54)
    _, took = acd.wait_state("bad", "down", 1.5)
    figure("sends refused to 8 checks down", took, 1.5)
    before = {c["name"]: c for c in acd.ctl("show", "checks")["checks"]
              if c["service"] == "good"}
    wait_until(lambda: all(
        c["successes"] >= before[c["name"]]["successes"] + 5
        for c in acd.ctl("show", "checks")["checks"]
        if c["service"] == "good") or None, 10, "5 more answers each")
    for chk in acd.ctl("show", "checks")["checks"]:
        if chk["service"] == "bad":
            assert chk["state"] == "down", f"{chk}"
            assert "Operation not permitted" in chk["last"]["detail"], \
                f"{chk}"
        else:
            assert chk["state"] == "up", f"{chk}"
            assert chk["failures"] == before[chk["name"]]["failures"], \
                f"{chk}"
    assert acd.service("good")["state"] == "up"
