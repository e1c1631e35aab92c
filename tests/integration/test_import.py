# SPDX-License-Identifier: ISC
"""`anycastd import ios` of the seed, run for real in the anycast lab.

tests/import/ios/seed-completed.ios is the seed's Cisco lines (ip sla 101
with a dns operation every 30 s, track 101, the tracked static route)
completed with the lab's documentation addresses.  Its import must be a
configuration that anycastd runs as site C's router (lab/lab with
ACD_LAB_CONF_C), that routes C's client to C's own DNS server, and that
fails over by itself when that server dies: the seed's design, translated.

The golden output of the import is checked by tests/import/run; this test
checks that it works.
"""

import subprocess

import pytest

import daemon
from lab import REPO
from test_lab import AnycastLab

SEED = REPO / "tests" / "import" / "ios" / "seed-completed.ios"
# The seed's frequency 30 (ip sla 101), and IOS's default timeout.
FREQUENCY_MS = 30000
TIMEOUT_MS = 5000
# BGP, BIRD and the kernel, as in test_lab.py, with room for a busy host.
MARGIN_MS = 1000


@pytest.fixture
def imported(lab, binaries):
    conf = lab.workdir / "seed.conf"
    res = subprocess.run([str(daemon.ANYCASTD), "import", "ios", str(SEED)],
                         capture_output=True, text=True, timeout=10)
    assert res.returncode == 0, res.stderr
    conf.write_text(res.stdout)
    return conf


def test_imported_seed_routes_to_its_site_and_fails_over(lab, imported,
                                                         figure):
    for tool in ("bird", "birdc", "nsd", "nft"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            pytest.fail(f"{tool} missing: run scripts/install-deps")
    # The first probe may come a whole frequency after the start.
    al = AnycastLab(lab, "router", ACD_LAB_CONF_C=str(imported),
                    ACD_LAB_UP_TIMEOUT=str(FREQUENCY_MS // 1000 + 30))

    # The imported route sends C's client to C, as the lab's own config.
    assert al.answered_by("c") == "site-c"
    svc = al.service("c")
    assert svc["name"] == "dns" and svc["state"] == "up", svc

    # C's DNS server dies: the next probe fails (fall 1, as IOS acts on
    # one probe), the route goes, and BIRD sends C's client to B.
    bound = FREQUENCY_MS + TIMEOUT_MS + MARGIN_MS
    q = al.dnsq("c", "kill", "--until-site", "site-b", "--max-time",
                bound / 1000 + 5)
    t = al.fault("c", "kill")
    al.wait_dnsq(q, bound / 1000 + 10)
    s = al.summary(q, t)
    figure("imported seed: NSD at C killed, kill to first answer from B",
           s["failover_ms"] / 1000, bound / 1000)
    assert s["site_at_since"] == "site-c", s
    assert s["failover_to"] == "site-b", s
    assert s["failover_ms"] <= bound, s
    assert al.service("c")["state"] == "down"
