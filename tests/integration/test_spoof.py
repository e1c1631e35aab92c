# SPDX-License-Identifier: ISC
"""Spoofed answers on the shared UDP probe sockets are never taken.

The dns checks' UDP queries leave from a few shared sockets (src/dns/dns_udp.c),
and an answer is taken only from the address and port the query went to,
with its id and question (src/dns/dns_demux.h).  Here a second, healthy check
(NSD on 192.0.2.55) shares the probe sockets with a check of 192.0.2.53,
where hostile.py answers every query with a good answer -- the query's id
and question, AA, the SOA -- but from the wrong port or address, or from
the right source with the wrong id.  The spoofed service must never come
up, while the healthy one stays up on the same sockets.
"""

import pytest

from daemon import Anycastd, ms
from nsd import Nsd
from responders import Hostile

INTERVAL, TIMEOUT, RISE, FALL = 0.2, 0.15, 2, 2
WATCH = 2.0             # ten intervals: rise would have been met five times


def config():
    def service(name, prefix, server):
        return f"""
        service {name} {{
            prefix {prefix};
            drain time 200ms;
            check dns {{
                server {server};
                query example.test SOA;
                expect authoritative;
                interval {ms(INTERVAL)}; timeout {ms(TIMEOUT)};
                rise {RISE}; fall {FALL};
            }}
        }}
        """
    return (service("spoofed", "192.0.2.53/32", "192.0.2.53")
            + service("good", "198.51.100.53/32", "192.0.2.55"))


@pytest.mark.parametrize("mode", ["wrong-port", "wrong-addr", "wrong-id"])
def test_spoofed_answers_on_shared_sockets_are_not_taken(
        lab, host_ns, binaries, mode):
    host_ns.add_addr("192.0.2.54/32")
    host_ns.add_addr("192.0.2.55/32")
    Nsd(lab, host_ns, ["192.0.2.55"])
    spoofer = Hostile(lab, host_ns, "192.0.2.53", mode,
                      spoof_from="192.0.2.54" if mode == "wrong-addr"
                      else None)
    acd = Anycastd(lab, host_ns, config())
    acd.wait_state("good", "up", 5)

    seen = acd.watch("spoofed", WATCH)
    assert "up" not in seen and "degraded" not in seen, seen
    assert seen[-1] == "down", seen
    chk = acd.check("spoofed", "dns")
    assert chk["successes"] == 0, f"{chk}"
    assert chk["last"]["reason"] == "timeout", f"{chk}"
    if mode == "wrong-id":
        assert chk["bogus"] > 0, f"{chk}"
    else:
        # They came, each the answer to a query in flight.
        assert spoofer.spoofed() >= FALL, spoofer.proc.log()

    good = acd.check("good", "dns")
    assert good["state"] == "up" and good["failures"] == 0, f"{good}"
    assert acd.alive()
