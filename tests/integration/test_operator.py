# SPDX-License-Identifier: ISC
"""Issue 14, operator experience: what a new user stumbled on.

  - the first probes of checks with a long interval come within a second
    of the start, not somewhere in the whole interval;
"""

import time

from daemon import Anycastd

# Four services with `interval 30s`: with first probes spread over the
# whole interval, all four up within this bound had a chance of
# (4/30)^4, about 3 in 10,000.  The splay is at most 1 s; the rest is
# fork+exec and polling on a loaded machine.
FIRST_VERDICT_BOUND = 4.0


def test_first_verdict_within_a_second_with_interval_30s(
        lab, host_ns, binaries, figure):
    names = [f"svc{i}" for i in range(4)]
    services = "".join(f"""
        service {name} {{
            prefix 192.0.2.{10 + i}/32;
            check exec ok {{
                command "/bin/true";
                interval 30s; fast-interval 30s; timeout 2s; rise 1;
            }}
        }}
        """ for i, name in enumerate(names))
    start = time.monotonic()
    acd = Anycastd(lab, host_ns, services)
    for name in names:
        acd.wait_state(name, "up", FIRST_VERDICT_BOUND + 1)
    took = time.monotonic() - start
    figure("start to four services up, interval 30s", took,
           FIRST_VERDICT_BOUND)
    assert took <= FIRST_VERDICT_BOUND, \
        f"services up {took:.2f}s after the start, interval 30s"
