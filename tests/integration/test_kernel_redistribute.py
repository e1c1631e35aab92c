# SPDX-License-Identifier: ISC
"""Redistribution of anycastd's kernel routes by real routing daemons
(issue 4, the seed's router-side design end to end):

    backend 1 (NSD) --+
                      +-- router R --BGP-- neighbour N (BIRD 2)
    backend 2 (NSD) --+   anycastd + BIRD 2 or FRR

anycastd in R keeps 192.0.2.53/32 and 2001:db8::53/128 over the healthy
backends (protocol 53).  In R, BIRD learns them with its kernel protocol
(`learn`, importing only krt_source 53), or FRR's zebra learns them and
bgpd `redistribute kernel`s them; either exports them over BGP to N.
N's BIRD table, and its kernel table, learn and lose both prefixes as the
backends pass and fail, and a query from N to the service address is
answered by a backend through R.
"""

import pytest

from kernel_helpers import (ANYCAST4, ANYCAST6, PREFIX4, PREFIX6,
                            BirdNeighbour, BirdRouter, FrrRouter, RouterSite,
                            frr_runnable)
from lab import answers_soa, wait_until

START_TIMEOUT = 8.0
SESSION_TIMEOUT = 15.0
# Backend checks: interval 200ms, fall 2; then the routing daemons.
CHANGE_TIMEOUT = 8.0
BOTH = {PREFIX4, PREFIX6}


def wait_neighbour(site, nbr, router, want, timeout, what):
    """Until N's BGP table and N's kernel table hold exactly `want` of the
    service prefixes."""
    def match():
        router.alive()
        nbr.alive()
        got = (nbr.bgp_prefixes() & BOTH, nbr.kernel_prefixes())
        match.last = got
        return got == (want, want)
    try:
        wait_until(match, timeout, what, interval=0.1)
    except AssertionError as e:
        raise AssertionError(
            f"{e}\n(BIRD table, kernel) of N: {match.last}, want {want}"
            f"\nanycastd: {site.acd.try_ctl('show', 'routes')}"
            f"{router.describe()}{nbr.describe()}") from None


def run_redistribution(lab, router_cls):
    site = RouterSite(lab)
    nbr = BirdNeighbour(lab, site.r)       # also makes the R-N link
    router = router_cls(lab, site.r)
    try:
        wait_until(lambda: router.alive() and nbr.established(),
                   SESSION_TIMEOUT, "BGP sessions R-N Established (v4 and "
                   "v6)", interval=0.1)
    except AssertionError as e:
        raise AssertionError(f"{e}{router.describe()}{nbr.describe()}") \
            from None
    site.acd.wait_state("dns", "up", START_TIMEOUT)
    site.wait_hops((1, 2), START_TIMEOUT)
    wait_neighbour(site, nbr, router, BOTH, CHANGE_TIMEOUT,
                   "N to learn both prefixes")
    # End to end: N's query reaches a backend's NSD through R.
    for addr in (ANYCAST4, ANYCAST6):
        assert answers_soa(nbr.ns, addr), f"no answer from {addr} via R"

    site.b[1].kill()                # one backend left: still announced
    site.wait_hops((2,), CHANGE_TIMEOUT)
    wait_neighbour(site, nbr, router, BOTH, CHANGE_TIMEOUT,
                   "N to keep both prefixes")
    assert answers_soa(nbr.ns, ANYCAST4)

    site.b[2].kill()                # none: lost
    site.wait_hops((), CHANGE_TIMEOUT)
    wait_neighbour(site, nbr, router, set(), CHANGE_TIMEOUT,
                   "N to lose both prefixes")

    site.b[1].start()               # back: learnt again
    site.wait_hops((1,), START_TIMEOUT)
    wait_neighbour(site, nbr, router, BOTH, CHANGE_TIMEOUT,
                   "N to learn both prefixes again")
    for addr in (ANYCAST4, ANYCAST6):
        wait_until(lambda: answers_soa(nbr.ns, addr), 3,
                   f"an answer from {addr} via R again")


def test_bird_learns_and_exports_anycastd_routes(lab, binaries):
    run_redistribution(lab, BirdRouter)


def test_frr_redistributes_anycastd_routes(lab, binaries):
    why = frr_runnable()
    if why:
        pytest.fail(f"FRR cannot run here: {why}")
    run_redistribution(lab, FrrRouter)
