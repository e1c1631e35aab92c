# SPDX-License-Identifier: ISC
"""BGP truth (issue 11): per service and peer, whether each prefix is
announced right now -- in the Adj-RIB-Out as sent -- in `status`, `show
routes` and the metrics, checked against what a real BIRD holds.

  - up: announced to the peer, both prefixes, everywhere;
  - an operator drain for 45 s with drain time 1 s: once the drain time
    is over the router has withdrawn the routes, and status says the
    service is withdrawn (announced false, per peer and prefix false,
    anycastctl's table "(withdrawn)") rather than "drain(45s left)";
  - the session down: nothing is announced, whatever the state.
"""

import subprocess

from bgp_peers import EXPECT_UP, PREFIXES, Site
from daemon import ANYCASTCTL

SESSION_TIMEOUT = 15.0
ROUTE_TIMEOUT = 8.0


def announced(acd):
    """{(peer, prefix): announced} of show routes, and of status."""
    routes = {(r["peer"], r["prefix"]): r["announced"]
              for r in acd.ctl("show", "routes")["routes"]
              if r["service"] == "dns"}
    svc = acd.service("dns")
    status = {(b["peer"], p): on for b in svc["bgp"]
              for p, on in b["announced"].items()}
    return routes, status, svc


def test_status_says_what_is_announced_and_withdrawn(lab, host_ns,
                                                     binaries):
    site = Site(lab, host_ns, "bird", drain=1.0)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    every = {("upstream", p): True for p in PREFIXES}
    routes, status, svc = announced(site.acd)
    assert routes == every and status == every, (routes, status)
    assert svc["announced"] is True
    text = subprocess.run([ANYCASTCTL, "-s", site.acd.sock, "show",
                           "routes"], capture_output=True, text=True)
    assert "ANNOUNCED" in text.stdout and " yes " in text.stdout, text

    # A drain of 45 s, drain time 1 s: withdrawn after 1 s.
    site.acd.ctl("drain", "dns", "--for", "45s")
    site.acd.wait_state("dns", "draining", 1)
    site.wait_withdrawn(ROUTE_TIMEOUT)

    def withdrawn():
        r, s, v = announced(site.acd)
        return not any(r.values()) and not any(s.values()) and \
            v["announced"] is False and (r, s, v)
    r, s, v = site.wait(withdrawn, 2, "status to say withdrawn")
    assert set(r) == set(every) and set(s) == set(every), (r, s)
    assert v["state"] == "draining" and v["drain"] is True, v
    text = subprocess.run([ANYCASTCTL, "-s", site.acd.sock, "status"],
                          capture_output=True, text=True)
    assert "(withdrawn)" in text.stdout and "left)" not in text.stdout, \
        text.stdout

    # Undrained: announced again, and the router has it.
    site.acd.ctl("undrain", "dns")
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    site.wait(lambda: announced(site.acd)[:2] == (every, every), 2,
              "status to say announced")

    # The session down: nothing is in the Adj-RIB-Out.
    site.router.stop()
    site.wait(lambda: site.acd_state() != "Established", 10,
              "the session to go down")
    routes, status, svc = announced(site.acd)
    assert not any(routes.values()) and not any(status.values()), \
        (routes, status)
    assert svc["bgp"][0]["established"] is False, svc
