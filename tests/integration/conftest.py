# SPDX-License-Identifier: ISC
"""Fixtures for the integration tests.

`lab`      a lab.Lab: scratch dir, namespaces, processes; all torn down
           after the test, pass or fail.
`host_ns`  a namespace in host mode: 192.0.2.53/32 and 2001:db8::53/128 on
           its lo, where anycastd, the DNS server and the probes all run.
`figure`   records a measured figure; all are listed at the end of the run.
"""

import os

import pytest

import daemon
import lab as lab_module

FIGURES = []


@pytest.fixture(name="lab")
def lab_fixture():
    if os.geteuid() != 0:
        pytest.fail("integration tests need root (network namespaces)")
    the_lab = lab_module.Lab()
    yield the_lab
    the_lab.close()


@pytest.fixture
def host_ns(lab):
    ns = lab.netns()
    ns.add_addr("192.0.2.53/32")
    ns.add_addr("2001:db8::53/128")
    return ns


@pytest.fixture
def binaries():
    """The daemon's tests fail, never skip, when it was not built."""
    for path in (daemon.ANYCASTD, daemon.ANYCASTCTL):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} missing: build it first (make), or set "
                        f"ANYCASTD_BUILD")


@pytest.fixture
def figure(request):
    def record(what, seconds, bound=None):
        FIGURES.append((request.node.name, what, seconds, bound))
        print(f"measured: {what}: {seconds * 1000:.0f} ms"
              + (f" (bound {bound * 1000:.0f} ms)" if bound else ""))
    return record


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("measured figures")
    for test, what, seconds, bound in FIGURES:
        limit = f" (bound {bound * 1000:.0f} ms)" if bound else ""
        terminalreporter.write_line(
            f"{test}: {what}: {seconds * 1000:.0f} ms{limit}")
