# SPDX-License-Identifier: ISC
"""Weighted anycast: the link bandwidth community, split by FRR, and a
degraded backend's smaller weight in router mode.

Two DNS hosts, each running anycastd with its own AS, announce
192.0.2.53/32 to one FRR router; host 1 says `bandwidth 30M`, host 2
`bandwidth 10M`.  FRR, with multipath across ASes (multipath-relax), puts
one route in the kernel over both hosts with next-hop weights in
proportion: about 3 to 1.  When host 1 turns degraded (its check exits 1)
its `degraded { bandwidth 1M; }` takes over and its weight drops below
host 2's; when it is up again the split is back.

    h1  eth0 198.51.100.2/30  --  r1 198.51.100.1/30  router (FRR, AS 65000)
    h2  eth0 198.51.100.6/30  --  r2 198.51.100.5/30

The check is an exec check reading an exit code from a file, as in
test_checks.py: what is tested is what goes on the wire and what FRR and
the kernel make of it.

Router mode: backend 1 has `weight 4 degraded-weight 1`; while its check
is degraded the kernel route gives it weight 1 instead of 4, and 4 again
when it is up.
"""

import json
import shutil
import subprocess

import pytest

import lab as lab_module
from bgp_peers import open_dir
from daemon import Anycastd
from kernel_helpers import RouterSite, flag_dir, hops, our_routes
from lab import wait_until

ROUTER_AS = 65000
HOSTS = {  # name: (router side, host side, AS, bandwidth)
    "h1": ("198.51.100.1", "198.51.100.2", 65101, "30M"),
    "h2": ("198.51.100.5", "198.51.100.6", 65102, "10M"),
}
SCRIPT = """\
#!/bin/sh
exit "$(cat "$(dirname "$0")/$1.code")"
"""


def frr_conf():
    nbrs = "".join(f" neighbor {h_addr} remote-as {asn}\n"
                   for _, h_addr, asn, _ in HOSTS.values())
    return f"""\
frr defaults traditional
hostname router
!
router bgp {ROUTER_AS}
 bgp router-id 198.51.100.1
 no bgp ebgp-requires-policy
 bgp bestpath as-path multipath-relax
{nbrs} address-family ipv4 unicast
  maximum-paths 8
 exit-address-family
!
"""


class Frr:
    """zebra (which installs the route in the kernel) and bgpd."""

    def __init__(self, lab, ns):
        self.ns = ns
        self.dir = open_dir(lab, "frr", owner="frr")
        common = ["-u", "frr", "-g", "frr", "-z", self.dir / "zserv.api",
                  "--vty_socket", self.dir, "-P", "0", "--log", "stdout"]
        (self.dir / "zebra.conf").write_text("hostname zebra\n")
        self.zebra = ns.spawn("zebra", ["/usr/lib/frr/zebra", "-f",
                                        self.dir / "zebra.conf", "-i",
                                        self.dir / "zebra.pid", *common])
        lab_module.wait_until(lambda: (self.dir / "zserv.api").exists(),
                              10, "zebra's socket")
        conf = self.dir / "bgpd.conf"
        conf.write_text(frr_conf())
        shutil.chown(conf, "frr", "frr")
        self.bgpd = ns.spawn("bgpd", ["/usr/lib/frr/bgpd", "-f", conf, "-i",
                                      self.dir / "bgpd.pid", *common])

    def vtysh(self, cmd):
        res = lab_module.run(["vtysh", "--vty_socket", self.dir, "-d",
                              "bgpd", "-c", cmd], check=False)
        return res.stdout if res.returncode == 0 else ""


def link(router, host, r_if, r_addr, h_addr):
    router.ip("link", "add", r_if, "type", "veth", "peer", "name", "eth0",
              "netns", host.name)
    router.add_addr(f"{r_addr}/30", r_if)
    host.add_addr(f"{h_addr}/30", "eth0")
    router.ip("link", "set", r_if, "up")
    host.ip("link", "set", "eth0", "up")


def kernel_weights(router):
    """{next hop: weight} of the kernel route to 192.0.2.53 (FRR's)."""
    out = router.ip("-j", "route", "show", "192.0.2.53/32").stdout
    routes = json.loads(out or "[]")
    if not routes:
        return {}
    r = routes[0]
    if "nexthops" not in r:
        return {r["gateway"]: 1} if "gateway" in r else {}
    return {nh["gateway"]: nh.get("weight", 1) for nh in r["nexthops"]}


def wait_weights(router, what, predicate, timeout=20):
    return lab_module.wait_until(
        lambda: (lambda w: w if len(w) == 2 and predicate(w) else None)(
            kernel_weights(router)), timeout, what)


def test_link_bandwidth_weights_frr_multipath_by_health(lab, binaries):
    if shutil.which("vtysh") is None:
        pytest.fail("FRR missing: run scripts/install-deps")
    router = lab.netns()
    hosts = {h: lab.netns() for h in HOSTS}
    for i, (h, (r_addr, h_addr, _, _)) in enumerate(HOSTS.items()):
        link(router, hosts[h], f"r{i + 1}", r_addr, h_addr)
    frr = Frr(lab, router)

    script = lab.workdir / "check.sh"
    script.write_text(SCRIPT)
    script.chmod(0o755)
    acds = {}
    for h, (r_addr, h_addr, asn, bw) in HOSTS.items():
        (lab.workdir / f"{h}.code").write_text("0\n")
        acds[h] = Anycastd(lab, hosts[h], f"""
            router-id {h_addr};
            bgp router {{
                local as {asn};
                neighbor {r_addr} as {ROUTER_AS};
                hold time 3s;
            }}
            service dns {{
                prefix 192.0.2.53/32;
                address lo;
                check exec health {{
                    command "{script}" "{h}";
                    interval 200ms; timeout 200ms; rise 2; fall 2;
                }}
                announce router {{
                    bandwidth {bw};
                    degraded {{ bandwidth 1M; }}
                }}
                drain time 0s;
            }}
            """, name=f"anycastd-{h}")

    h1, h2 = HOSTS["h1"][1], HOSTS["h2"][1]
    # Up: 30M against 10M.
    try:
        w, _ = wait_weights(router, "a weighted route over both hosts",
                            lambda w: w[h1] > 2 * w[h2])
    except AssertionError:
        print(frr.vtysh("show bgp ipv4 unicast 192.0.2.53/32"),
              frr.vtysh("show bgp summary"),
              router.ip("route").stdout,
              acds["h1"].ctl_raw("show", "peers").stdout)
        raise
    print(f"up: kernel weights {w}")
    # FRR read the community as sent: 30 Mbit/s is 3,750,000 bytes/s.
    shown = frr.vtysh("show bgp ipv4 unicast 192.0.2.53/32")
    assert "LB:65101:3750000" in shown, shown

    # Host 1 degraded: its share drops below host 2's, its route stays.
    (lab.workdir / "h1.code").write_text("1\n")
    acds["h1"].wait_state("dns", "degraded", 5)
    w, _ = wait_weights(router, "host 1's weight below host 2's",
                        lambda w: w[h1] < w[h2])
    print(f"h1 degraded: kernel weights {w}")

    # Up again: the 3 to 1 split is back.
    (lab.workdir / "h1.code").write_text("0\n")
    acds["h1"].wait_state("dns", "up", 5)
    w, _ = wait_weights(router, "the 3 to 1 split back",
                        lambda w: w[h1] > 2 * w[h2])
    print(f"h1 up again: kernel weights {w}")


# ---- router mode: a degraded backend's weight drops ------------------------

def degradable(path):
    """An exec check: degraded (exit 1) while path exists, else up."""
    return (f'check exec {{ command "/bin/sh" "-c" "test -e {path} && '
            f'exit 1; exit 0"; interval 200ms; timeout 150ms; rise 1; '
            f'fall 1; }}')


def test_router_mode_degraded_backend_gets_its_degraded_weight(lab,
                                                              binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    slow = flag_dir(lab) / "backend1.slow"
    b1, b2 = site.b[1], site.b[2]
    site.acd.write_config(f"""
        service dns {{
            prefix 192.0.2.53/32;
            drain time 0s;
            route {{
                via {b1.addr4} weight 4 degraded-weight 1 {degradable(slow)};
                via {b2.addr4} weight 2 {site.flag[2].check()};
            }}
        }}
        """)
    site.acd.start()

    def weights():
        return {gw: w for gw, _, w in
                hops(our_routes(site.r).get("192.0.2.53/32")) or []}

    def wait(want, what):
        try:
            wait_until(lambda: weights() == want, 8, what)
        except AssertionError:
            raise AssertionError(f"{what}: kernel has {weights()}, "
                                 f"want {want}") from None

    wait({b1.addr4: 4, b2.addr4: 2}, "both backends at their weights")
    slow.touch()
    wait({b1.addr4: 1, b2.addr4: 2}, "backend 1 degraded at weight 1")
    assert site.acd.service("dns")["state"] == "up"
    slow.unlink()
    wait({b1.addr4: 4, b2.addr4: 2}, "backend 1 back at weight 4")
