# SPDX-License-Identifier: ISC
"""Shutdown: SIGTERM drains for `drain time` then exits 0; a second SIGTERM
exits at once, and so does the first when nothing carries the service
(no route, no dynamic address, no Established BGP session).  Under make check this runs on the ASan+UBSan build, and
the daemon's stderr must hold no sanitizer report (every test's teardown
checks that too; here it is the point of the test).
"""

import signal
import time

from daemon import Anycastd, sanitizer_reports
from nsd import Nsd

START_TIMEOUT = 5.0
MARGIN = 0.5


def config(drain, output="route { dev lo; }"):
    """A service whose drain matters: a device route carries it, as one
    that BIRD or FRR would redistribute."""
    return f"""
        service dns {{
            prefix 192.0.2.53/32;
            prefix 2001:db8::53/128;
            drain time {drain};
            {output}
            check dns {{
                query example.test SOA;
                expect authoritative;
                interval 200ms; timeout 150ms; rise 2; fall 2;
            }}
            check tcp dns-tcp {{
                port 53;
                interval 200ms; timeout 150ms; rise 2; fall 2;
            }}
        }}
        """


def test_sigterm_drains_then_exits_0_without_sanitizer_report(
        lab, host_ns, binaries, figure):
    Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])
    acd = Anycastd(lab, host_ns, config("1s"), shutdown_wait=1 + 5)
    acd.wait_state("dns", "up", START_TIMEOUT)
    # Walk through the control paths once, so they run under the sanitizers.
    acd.ctl("show", "checks")
    acd.ctl("drain", "dns")
    acd.ctl("undrain", "dns")
    acd.ctl("reload")
    acd.wait_state("dns", "up", START_TIMEOUT)

    start = time.monotonic()
    acd.signal(signal.SIGTERM)
    acd.wait_state("dns", "draining", 1.0)
    rc = acd.wait_exit(1.0 + 5)
    took = time.monotonic() - start
    assert rc is not None, "still running 6s after SIGTERM, drain time 1s"
    figure("SIGTERM to exit, drain time 1s", took, 1.0)
    assert rc == 0, f"exit {rc} on SIGTERM"
    assert 0.8 <= took <= 1.0 + MARGIN, f"exited {took:.3f}s after SIGTERM"
    assert not sanitizer_reports(acd.log())


def test_second_sigterm_exits_at_once(lab, host_ns, binaries, figure):
    Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])
    acd = Anycastd(lab, host_ns, config("30s"))
    acd.wait_state("dns", "up", START_TIMEOUT)

    acd.signal(signal.SIGTERM)
    acd.wait_state("dns", "draining", 1.0)
    acd.signal(signal.SIGTERM)
    rc = acd.wait_exit(MARGIN + 1)
    assert rc is not None, "still running after a second SIGTERM"
    assert rc == 0, f"exit {rc} on the second SIGTERM"
    assert not sanitizer_reports(acd.log())


def test_sigterm_exits_at_once_when_nothing_carries_the_service(
        lab, host_ns, binaries, figure):
    """Issue 14: no route, no address, no BGP session: nothing to drain, so
    a 30 s drain time must not hold the exit."""
    Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])
    acd = Anycastd(lab, host_ns, config("30s", output=""))
    acd.wait_state("dns", "up", START_TIMEOUT)

    start = time.monotonic()
    acd.signal(signal.SIGTERM)
    rc = acd.wait_exit(5)
    took = time.monotonic() - start
    assert rc is not None, "still running 5s after SIGTERM, nothing carried"
    figure("SIGTERM to exit, nothing to drain, drain time 30s", took, 1.0)
    assert rc == 0, f"exit {rc} on SIGTERM"
    assert took <= 1.0, f"exited {took:.3f}s after SIGTERM"
    assert "nothing to drain" in acd.log(), acd.log()
