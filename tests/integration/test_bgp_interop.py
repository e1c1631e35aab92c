# SPDX-License-Identifier: ISC
"""anycastd against real routers: BIRD 2, FRR bgpd and GoBGP (issue 3).

Each router runs in a namespace of its own, linked to anycastd's by a
veth pair (bgp_peers.py), and everything asserted about routes is read
from the router's own CLI: birdc, vtysh, gobgp.  For each router:

  - the session comes up over IPv4 and over IPv6 transport, and both the
    IPv4 and the IPv6 prefix arrive with the configured AS path (prepend
    1: 65100 65100), MED, community and large community;
  - degraded sends the degraded attributes (prepend 3 more);
  - the service going down withdraws both, coming back re-announces;
  - draining adds GRACEFUL_SHUTDOWN 65535:0 (and the draining MED), and
    after `drain time` the routes are withdrawn;
  - a router restart is followed by a new session and the routes again;
  - SIGTERM to anycastd drains (the router sees 65535:0), then reaches
    the router as Cease / Administrative Shutdown carrying "anycastd
    shutting down" (RFC 9003), and the routes are gone;
  - TCP MD5 (BIRD and FRR): the right key establishes, a wrong one never
    does, while the router's kernel counts the bad segments.
"""

import signal
import time

import pytest

from bgp_peers import (EXPECT_DEGRADED, EXPECT_DRAINING, EXPECT_UP, KINDS,
                       PREFIXES, SHUTDOWN_MSG, TRANSPORTS, Site,
                       tcp_ext_counter)

# Poll deadlines.  Nothing here sleeps; these only bound how long a
# failure takes to show.
SESSION_TIMEOUT = 15.0     # covers anycastd's connect backoff 1s, 2s, 4s
ROUTE_TIMEOUT = 8.0
DRAIN = 2.0                # the service's drain time in the drain test
DRAIN_SLACK = 0.3          # the exec check's interval, and then some
SIGTERM_DRAIN = 1.5
# How long a wrong MD5 key is watched not to establish: longer than
# anycastd's connect retry (1 s) and its hold time (3 s).
WRONG_KEY_WATCH = 3.5


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("kind", KINDS)
def test_announce_withdraw_drain(lab, host_ns, binaries, kind, transport):
    site = Site(lab, host_ns, kind, transport, drain=DRAIN)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    peer = site.acd_peer()
    assert peer["prefixes_sent"] == 2, peer
    assert peer["hold_time_s"] == 3, peer

    # degraded -> the degraded attributes (3 more prepends)
    site.set_health("degraded")
    site.acd.wait_state("dns", "degraded", 5)
    site.wait_routes(EXPECT_DEGRADED, ROUTE_TIMEOUT)

    # down -> withdrawn from the router's RIB; up -> back, same attributes
    site.set_health("down")
    site.acd.wait_state("dns", "down", 5)
    site.wait_withdrawn(ROUTE_TIMEOUT)
    assert site.router.established(), "the session must stay up"
    site.set_health("up")
    site.acd.wait_state("dns", "up", 5)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)

    # draining -> 65535:0 plus the draining attributes for the drain time,
    # then withdrawn
    start = time.monotonic()
    site.acd.ctl("drain", "dns")
    site.wait_routes(EXPECT_DRAINING, DRAIN)
    site.wait_withdrawn(DRAIN + ROUTE_TIMEOUT)
    took = time.monotonic() - start
    assert took >= DRAIN - DRAIN_SLACK, \
        f"withdrawn {took:.2f}s into a {DRAIN}s drain"
    site.acd.ctl("undrain", "dns")
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    peer = site.acd_peer()
    assert peer["flaps"] == 0 and peer["notifications_in"] == 0, peer


@pytest.mark.parametrize("kind", KINDS)
def test_router_restart_reestablishes_and_reannounces(lab, host_ns,
                                                      binaries, kind):
    site = Site(lab, host_ns, kind)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)

    site.router.stop()
    site.wait(lambda: site.acd_state() != "Established", 5,
              "anycastd to notice the router went away")
    site.router.start()
    site.router.wait_ready()
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    peer = site.acd_peer()
    assert peer["flaps"] >= 1, peer
    assert peer["prefixes_sent"] == 2, peer


@pytest.mark.parametrize("kind", KINDS)
def test_sigterm_drains_then_sends_administrative_shutdown(lab, host_ns,
                                                           binaries, kind):
    site = Site(lab, host_ns, kind, drain=SIGTERM_DRAIN)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)

    site.acd.signal(signal.SIGTERM)
    site.wait_routes(EXPECT_DRAINING, SIGTERM_DRAIN)
    assert site.acd.wait_exit(SIGTERM_DRAIN + 5) == 0, \
        f"anycastd:\n{site.acd.log()}"
    site.wait_withdrawn(ROUTE_TIMEOUT)
    notice = site.wait(site.router.shutdown_notice, 5,
                       f"{kind} to report the NOTIFICATION it received")
    # Cease (6) / Administrative Shutdown (2) with its message, RFC 9003
    assert notice == (6, 2, SHUTDOWN_MSG), f"{kind} received {notice}"


@pytest.mark.parametrize("right_key", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("kind", ["bird", "frr"])
def test_tcp_md5(lab, host_ns, binaries, kind, right_key):
    key = "s3cret-md5"
    site = Site(lab, host_ns, kind, password=key,
                acd_password=key if right_key else "not-the-key")
    if right_key:
        site.wait_established(SESSION_TIMEOUT)
        site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
        return

    # Wrong key: the router's kernel drops anycastd's SYNs (RFC 2385) and
    # counts them.  Watch for WRONG_KEY_WATCH seconds and until it has
    # dropped three; at no point may either end be Established.
    pid = site.router.proc.pid
    seen = set()
    start = time.monotonic()

    def rejected_long_enough():
        state = site.acd_state()
        seen.add(state)
        assert state != "Established", "Established with the wrong MD5 key"
        assert not site.router.established(), \
            f"{kind} Established with the wrong MD5 key"
        return (tcp_ext_counter(pid, "TCPMD5Failure") >= 3
                and time.monotonic() - start >= WRONG_KEY_WATCH)
    site.wait(rejected_long_enough, WRONG_KEY_WATCH + 7,
              f"{kind}'s kernel to reject 3 segments with a bad MD5 digest")
    assert not any(p in site.router.routes() for p in PREFIXES)
    assert seen <= {"Idle", "Connect", "Active"}, seen
