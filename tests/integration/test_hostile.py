# SPDX-License-Identifier: ISC
"""A responder that answers every query wrongly must never bring a service up.

Each hostile answer is a good authoritative answer with one defect (see
hostile.py), so a check that is up here has accepted exactly that defect.
The service is watched for many intervals: it must never be up or
degraded, must end down, and the check must count the failures (and the
bogus answers, for a wrong id or question) without a single success.
"""

import pytest

import hostile
from daemon import Anycastd, ms
from responders import Hostile

INTERVAL, TIMEOUT, RISE, FALL = 0.2, 0.15, 2, 2
WATCH = 2.0             # ten intervals: rise would have been met five times


def config(transport):
    return f"""
        service dns {{
            prefix 192.0.2.53/32;
            drain time 200ms;
            check dns {{
                query example.test SOA;
                expect authoritative;
                interval {ms(INTERVAL)}; timeout {ms(TIMEOUT)};
                rise {RISE}; fall {FALL};
                {"tcp;" if transport == "tcp" else ""}
            }}
        }}
        """


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("mode", hostile.MODES)
def test_hostile_responder_is_never_up(lab, host_ns, binaries, mode,
                                       transport):
    Hostile(lab, host_ns, "192.0.2.53", mode)
    acd = Anycastd(lab, host_ns, config(transport))

    seen = acd.watch("dns", WATCH)
    assert "up" not in seen and "degraded" not in seen, seen
    assert seen[-1] == "down", seen

    chk = acd.check("dns", "dns")
    assert chk["successes"] == 0, f"{chk}"
    assert chk["failures"] >= FALL, f"{chk}"
    assert chk["last"]["status"] == "fail", f"{chk}"
    if mode in ("wrong-id", "wrong-question"):
        # An answer that is not for our query is bogus, not just a failure.
        assert chk["bogus"] > 0, f"{chk}"
    assert acd.alive()
