# SPDX-License-Identifier: ISC
"""`expect id.server` against BIND and its CHAOS rate limit.

BIND answers CHAOS queries from a built-in view limited to 3 responses a
second per client /24 and silently drops the rest.  A check that asked
id.server on every probe, and on every fast re-probe after one loss, went
over that limit as soon as other clients of the /24 asked too, and then
never got `rise` answers in a row: down for ever against a healthy
server.  Identity is now asked seldom and shared by the checks of one
server (src/dns/dns_ident.h); these tests hold BIND to it.
"""

import re
import time

from daemon import Anycastd, ms
from dns_servers import Bind, zone_text
from lab import wait_until

SERVER = "192.0.2.53"
LOADER = "192.0.2.60"       # another client in the same /24 as anycastd
START = 15.0
LOAD_SECONDS = 12.0


def config(interval=1.0, timeout=0.5):
    checks = ""
    for name, query in (("soa", "example.test SOA"),
                        ("www", "www.example.test A")):
        checks += f"""
            check dns {name} {{
                query {query};
                expect nsid "site-c";
                expect id.server "site-c";
                interval {ms(interval)}; timeout {ms(timeout)};
                rise 2; fall 2;
            }}"""
    return f"""
        service dns {{
            prefix {SERVER}/32;
            drain time 100ms;
            {checks}
        }}
        """


def id_queries(bind, client):
    """id.server queries the query log shows from client."""
    pat = re.compile(rf"client @\S+ {re.escape(client)}#\d+ \(id\.server\): "
                     r"query: id\.server CH TXT")
    return sum(1 for line in bind.log().splitlines() if pat.search(line))


def kdig_load(lab, ns, loops, pause):
    """`loops` concurrent kdig loops asking id.server, one each `pause` s."""
    procs = []
    for i in range(loops):
        procs.append(ns.spawn(f"kdig{i}", [
            "sh", "-c", f"while :; do kdig -b {LOADER} @{SERVER} "
            f"id.server CH TXT +retry=0 +time=1 >/dev/null; "
            f"sleep {pause}; done"]))
    return procs


def test_id_server_stays_up_under_bind_chaos_rate_limit(
        lab, host_ns, binaries):
    host_ns.add_addr(f"{LOADER}/32")
    bind = Bind(lab, host_ns, "named", [SERVER],
                {"example.test": zone_text(2024010101)}, server_id="site-c",
                querylog=True)
    acd = Anycastd(lab, host_ns, config())
    acd.wait_state("dns", "up", START)
    for name in ("soa", "www"):
        assert acd.check("dns", name)["last"]["status"] == "ok"

    # Two kdig loops: about 2 id.server queries a second from the /24,
    # under BIND's limit of 3 alone, over it with a query per probe of
    # each of the two checks on top (and far over it with fast
    # re-probes after the first drop).
    before = id_queries(bind, SERVER)
    t0 = time.monotonic()
    load = kdig_load(lab, host_ns, loops=2, pause=1)
    seen = acd.watch("dns", LOAD_SECONDS)
    for p in load:
        p.kill()
    elapsed = time.monotonic() - t0
    asked = id_queries(bind, SERVER) - before
    print(f"measured: id.server queries from anycastd (2 checks, 1 s "
          f"interval): {asked} in {elapsed:.1f} s")
    assert seen == ["up"], (seen, acd.try_ctl("show", "checks"),
                            acd.log()[-3000:])
    # One query per 10 s for the server, not per check and probe: 2 a
    # second before.  A lost answer retries after 2 s; allow a few.
    assert 1 <= asked <= elapsed / 10 + 4, (asked, elapsed)

    # And it stays up without the load.
    seen = acd.watch("dns", 3.0)
    assert seen == ["up"], (seen, acd.try_ctl("show", "checks"))


def test_id_server_overloaded_recovers_when_load_stops(
        lab, host_ns, binaries, figure):
    """A /24 far over BIND's limit drops everything, ours too: then the
    check goes down (the identity is unknown for three queries in a row),
    and comes back once the load stops -- before, fast re-probes kept it
    over the limit on their own."""
    host_ns.add_addr(f"{LOADER}/32")
    bind = Bind(lab, host_ns, "named", [SERVER],
                {"example.test": zone_text(2024010101)}, server_id="site-c")
    acd = Anycastd(lab, host_ns, config())
    acd.wait_state("dns", "up", START)

    load = kdig_load(lab, host_ns, loops=4, pause=0.1)
    try:
        wait_until(lambda: "rate limit drop" in bind.log(), 10,
                   "BIND to drop CHAOS answers")
        # Three unanswered identity queries, 2 s apart, then fall 2.
        _, took = acd.wait_state("dns", "down", 30)
    finally:
        for p in load:
            p.kill()
    figure("/24 over the CHAOS limit to down", took)
    why = acd.service("dns")["reason"]
    assert re.search(r"check failed 2/2: id\.server: the last 3 queries "
                     r"unanswered \(timeout after 500ms\)$", why), why
    # BIND forgives the /24's debt within its 15 s window; then one
    # answered id.server query brings both checks back.
    _, took = acd.wait_state("dns", "up", 40)
    figure("load off to up", took)
    for name in ("soa", "www"):
        assert acd.check("dns", name)["last"]["status"] == "ok"
