# SPDX-License-Identifier: ISC
"""Damping of a flapping service, against a real NSD stopped and resumed.

What an operator reads must agree: the status sentence's penalty is the
JSON's penalty (before, the sentence kept the penalty of the last change
while the JSON decayed it), and the start and the end of suppression each
get a log line of their own, with the penalty at that moment.
"""

import re
import time

from daemon import Anycastd
from lab import wait_until
from nsd import Nsd

CONFIG = """
    service dns {
        prefix 192.0.2.53/32;
        drain time 100ms;
        damping { penalty 1000; half-life 10s; suppress 2500; reuse 2000;
                  max-suppress 1m; }
        check dns {
            query example.test SOA;
            interval 100ms; timeout 80ms; rise 1; fall 1;
        }
    }
    """


def penalty_in(reason):
    m = re.search(r"penalty (\d+) ", reason)
    return int(m.group(1)) if m else None


def test_damping_logs_start_and_end_and_one_penalty(lab, host_ns, binaries):
    server = Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, CONFIG)
    acd.wait_state("dns", "up", 10)

    # Three flaps within a few seconds: 1000 each, decaying with a 10 s
    # half-life, cross 2500.
    for _ in range(3):
        server.stop()
        acd.wait_state("dns", "down", 5)
        server.cont()
        wait_until(lambda: acd.service("dns")["state"] == "up"
                   or acd.service("dns")["damping"]["suppressed"], 5,
                   "up again, or suppressed")
    svc = acd.service("dns")
    assert svc["damping"]["suppressed"], svc
    m = re.search(r"service dns: damping suppresses it: penalty (\d+) "
                  r"reached suppress 2500; held down until below reuse "
                  r"2000 \(in \S+, at most 1m\)", acd.log())
    assert m, acd.log()[-2000:]
    assert 2500 <= int(m.group(1)) <= 3000, m.group(0)

    # Healthy but held down: the sentence and the JSON of one answer say
    # the same penalty, and both decay (the sentence no longer keeps the
    # value of the last change).
    wait_until(lambda: acd.service("dns")["checks_passing"] == 1, 5,
               "the check passing again")
    seen = []
    for _ in range(2):
        svc = acd.service("dns")
        if not svc["damping"]["suppressed"]:
            break
        assert svc["reason"].startswith("damped: flapping, penalty "), svc
        assert penalty_in(svc["reason"]) == svc["damping"]["penalty"], svc
        seen.append(svc["damping"]["penalty"])
        # 0.3 s decays ~2 % at a 10 s half-life: tens of points, and
        # short enough not to cross reuse from just above it.
        time.sleep(0.3)
    assert len(seen) == 2 and seen[1] < seen[0], seen

    # Released once the penalty decays below reuse: its own line, before
    # the service's change.
    acd.wait_state("dns", "up", 15)
    log = acd.log()
    m = re.search(r"service dns: damping releases it: penalty (\d+) below "
                  r"reuse 2000, after \S+ suppressed\n.*service dns: down "
                  r"-> up", log)
    assert m, log[-2000:]
    assert 1900 <= int(m.group(1)) < 2000, m.group(0)
