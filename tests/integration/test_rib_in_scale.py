# SPDX-License-Identifier: ISC
"""A big config and a full table (issue 12, item 6).

Each prefix a peer announces is looked up among the service prefixes
(src/bgp/bgp_rib_in.c).  When that was a comparison with every configured
prefix, 100,000 service prefixes and 500,000 received routes kept a core
busy for ~20 s (bench/rib-in: 85 s on this kind of machine).  Here:
10,000 service prefixes (more take long to read under ASan), and
bgp_badpeer.py sends 1,000,000 IPv6 routes (the 10,000 among them) in
packed UPDATEs; anycastd's CPU from the start of the session to the last
prefix counted is bounded.  Before the fix that is 10^10 comparisons,
14 s of CPU here; now a fraction of a second.
"""

import json
import os
from pathlib import Path

import lab as lab_module
from bgp_peers import PEER_ADDR, ROUTER_ID, bgp_block, link
from daemon import Anycastd

CONFIG, ROUTES = 10000, 1000000
CPU_BOUND = 3.0         # seconds


def prefix6(i):
    return f"2001:db8:{i >> 16:x}:{i & 0xFFFF:x}::/64"


def cpu_seconds(pid):
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def test_full_table_against_a_big_config(lab, host_ns, binaries, figure):
    peer_ns = link(lab, host_ns)
    prefixes = "".join(f"\n            prefix {prefix6(i)};"
                       for i in range(CONFIG))
    acd = Anycastd(lab, host_ns, f"""
        router-id {ROUTER_ID['acd']};
        {bgp_block("ipv4", hold=30)}
        service bulk {{{prefixes}
            drain time 0ms;
            check exec never {{
                command "/bin/sh" "-c" "exit 2";
                rise 1; fall 1;
            }}
        }}
        """, shutdown_wait=10)
    pid = acd.proc.popen.pid
    cpu0 = cpu_seconds(pid)             # the config is read: from here on
    peer = peer_ns.spawn("badpeer", [
        lab_module.PYTHON, lab_module.HERE / "bgp_badpeer.py",
        "--listen", PEER_ADDR["ipv4"], "--mode", "table",
        "--routes", ROUTES])

    def sent():
        assert peer.alive(), peer.log()
        return any(json.loads(line).get("what") == "table"
                   for line in peer.log().splitlines()
                   if line.startswith("{"))
    lab_module.wait_until(sent, 120, "bgp_badpeer.py to send the table")

    def received():
        p = acd.ctl("show", "peers")["peers"][0]
        return p["prefixes_in"] >= ROUTES and p
    p, _ = lab_module.wait_until(received, 120,
                                 f"anycastd to count {ROUTES} prefixes")
    cpu = cpu_seconds(pid) - cpu0
    figure(f"anycastd CPU, {ROUTES} routes against {CONFIG} service "
           f"prefixes", cpu, CPU_BOUND)
    assert p["state"] == "Established", p
    assert p["prefixes_in"] == ROUTES and p["treat_as_withdraw_in"] == 0, p
    assert cpu < CPU_BOUND, f"{cpu:.2f} s of CPU"
