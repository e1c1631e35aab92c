# SPDX-License-Identifier: ISC
"""A site for the watch tests (issue 16): a real DNS server (NSD or Knot)
and anycastd in host_ns, and BIRD in a namespace of its own, peering with
anycastd over the veth pair of bgp_peers.link() and exporting what it
learns into its kernel table -- so "the route is gone at the router" is a
kernel route deletion there, timed by `ip -ts monitor route`.

The server's pid file is in the test's scratch directory; a restart
starts the same binary on the same config, so the same pid file gets a
new pid, as a `systemctl restart` would.
"""

import datetime
import os
import re
import signal
from pathlib import Path

import lab as lab_module
from bgp_peers import (ACD_ADDR, ACD_AS, ANNOUNCE, PEER_ADDR, PEER_AS, Bird,
                       bgp_block, link)
from daemon import Anycastd
from kernel_helpers import RouteMonitor

NSD = "/usr/sbin/nsd"
KNOTD = "/usr/sbin/knotd"
ADDRS = ("192.0.2.53", "2001:db8::53")
PREFIX4, PREFIX6 = "192.0.2.53/32", "2001:db8::53/128"

ZONE_TEXT = """\
$ORIGIN example.test.
$TTL 300
@    IN SOA ns1 hostmaster 2024010101 3600 900 604800 300
@    IN NS  ns1
ns1  IN A    192.0.2.53
"""


class KernelBird(Bird):
    """BIRD as bgp_peers.Bird runs it, and also writing what it learns
    into its kernel table."""

    def spawn(self):
        self.conf = self.dir / "bird.conf"
        self.sock = self.dir / "bird.ctl"
        self.conf.write_text(f"""\
log stderr all;
router id {PEER_ADDR['ipv4']};
protocol device {{}}
protocol bgp acd {{
    local {self.local} as {PEER_AS};
    neighbor {self.neighbor} as {ACD_AS};
    passive on;
    hold time {self.hold};
    connect retry time 1;
    error wait time 1, 2;
    ipv4 {{ import all; export none; }};
    ipv6 {{ import all; export none; }};
}}
protocol kernel {{ ipv4 {{ export all; }}; }}
protocol kernel {{ ipv6 {{ export all; }}; }}
""")
        return self.ns.spawn(f"bird{self.starts}",
                             ["bird", "-f", "-c", self.conf, "-s", self.sock])


class Server:
    """A real DNS server in ns, started and restarted on one config."""

    def __init__(self, lab, ns, kind, start=True):
        self.lab = lab
        self.ns = ns
        self.kind = kind
        self.workdir = Path(lab.workdir) / kind
        self.workdir.mkdir()
        (self.workdir / "example.test.zone").write_text(ZONE_TEXT)
        self.pidfile = self.workdir / f"{kind}.pid"
        self.conf = self.workdir / f"{kind}.conf"
        self.conf.write_text(self.nsd_conf() if kind == "nsd"
                             else self.knot_conf())
        self.proc = None
        self.starts = 0
        if start:
            self.start()

    def nsd_conf(self):
        listen = "".join(f"    ip-address: {a}\n" for a in ADDRS)
        w = self.workdir
        return f"""\
server:
{listen}    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{w}"
    database: ""
    zonelistfile: "{w}/zone.list"
    xfrdfile: "{w}/xfrd.state"
    xfrdir: "{w}"
    pidfile: "{self.pidfile}"
    verbosity: 1
    rrl-ratelimit: 0
    # bench/watch_cost.py keeps a TCP session per service
    tcp-count: 2000
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: "{w}/example.test.zone"
"""

    def knot_conf(self):
        w = self.workdir
        listen = ", ".join(f"{a}@53" for a in ADDRS)
        return f"""\
server:
    rundir: "{w}"
    pidfile: "{self.pidfile}"
    listen: [ {listen} ]
database:
    storage: "{w}"
template:
  - id: default
    storage: "{w}"
zone:
  - domain: example.test
    file: "{w}/example.test.zone"
log:
  - target: stderr
    any: info
"""

    def argv(self):
        if self.kind == "nsd":
            return [NSD, "-d", "-c", self.conf]
        return [KNOTD, "-c", self.conf, "-s", self.workdir / "knot.sock"]

    def start(self, timeout=20):
        self.starts += 1
        self.proc = self.ns.spawn(f"{self.kind}-{self.starts}", self.argv())
        for addr in ADDRS:
            lab_module.wait_until(
                lambda a=addr: self._answers(a), timeout,
                f"{self.kind} answering on {addr}", interval=0.05)
        # and its pid file names it
        lab_module.wait_until(self._pidfile_current, timeout,
                              f"{self.pidfile} naming {self.proc.pid}",
                              interval=0.05)

    def _answers(self, addr):
        if not self.proc.alive():
            raise AssertionError(f"{self.kind} exited: {self.proc.log()}")
        return lab_module.answers_soa(self.ns, addr)

    def _pidfile_current(self):
        try:
            return int(self.pidfile.read_text().split()[0]) == self.proc.pid
        except (FileNotFoundError, ValueError, IndexError):
            return False

    def kill_group(self, sig=signal.SIGKILL):
        """sig to the server and its children, NOT reaped yet: while it
        is a zombie, anycastd can read how it exited."""
        os.killpg(self.proc.pid, sig)
        if sig != signal.SIGKILL:
            os.killpg(self.proc.pid, signal.SIGCONT)

    def reap(self, timeout=10):
        rc = self.proc.wait(timeout)
        if rc is None:
            raise AssertionError(f"{self.kind} still running")
        # NSD's server children, if any outlived it: gone before a
        # restart binds the same port.
        self.proc.signal_group(signal.SIGKILL)
        lab_module.wait_until(lambda: not group_alive(self.proc.pid),
                              timeout, f"{self.kind}'s children to exit")
        return rc


def group_alive(pgid):
    """Whether a process of group pgid runs (zombies do not count)."""
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class WatchSite:
    """anycastd (host_ns) with CHECK as its service's check, BIRD in its
    own namespace with a kernel table, and a DNS server of `kind`."""

    def __init__(self, lab, host_ns, kind, check, start_server=True,
                 root=False):
        self.root = root
        self.lab = lab
        self.host_ns = host_ns
        self.peer_ns = link(lab, host_ns)
        self.bird = KernelBird(lab, self.peer_ns, "ipv4")
        self.bird.start()
        self.bird.wait_ready()
        self.server = Server(lab, host_ns, kind, start=start_server)
        self.acd = Anycastd(lab, host_ns, ("user root;" if root else "") + f"""
            router-id {ACD_ADDR['ipv4']};
            {bgp_block('ipv4', hold=3)}
            service dns {{
                prefix {PREFIX4};
                prefix {PREFIX6};
                drain time 0s;
                {check.format(pidfile=self.server.pidfile)}
                {ANNOUNCE}
            }}
            """)
        self.monitor = RouteMonitor(lab, self.peer_ns, "route-monitor")

    def kernel_routes(self):
        out = self.peer_ns.ip("route", "show", "proto", "bird").stdout
        out6 = self.peer_ns.ip("-6", "route", "show", "proto",
                               "bird").stdout
        return out + out6

    def routed(self):
        text = self.kernel_routes()
        return all(re.search(rf"^{re.escape(p.split('/')[0])}\b", text,
                             re.M) for p in (PREFIX4, PREFIX6))

    def wait_routed(self, timeout=8):
        try:
            lab_module.wait_until(self.routed, timeout, "both prefixes in "
                                  "the router's kernel table",
                                  interval=0.02)
        except AssertionError as e:
            raise AssertionError(
                f"{e}\nkernel: {self.kernel_routes()}\nbird: "
                f"{self.bird.birdc('show', 'route', 'all')}\n"
                f"{self.bird.log()[-1500:]}") from None

    def wait_unrouted(self, timeout):
        lab_module.wait_until(lambda: not any(
            re.search(rf"^{re.escape(p.split('/')[0])}\b",
                      self.kernel_routes(), re.M)
            for p in (PREFIX4, PREFIX6)), timeout,
            "both prefixes gone from the router's kernel table",
            interval=0.02)

    def deletions(self, prefix=PREFIX4):
        """Wall-clock times of the monitor's deletions of prefix."""
        plain = re.escape(prefix.split("/")[0])
        times = []
        for line in self.monitor.proc.log().splitlines():
            m = re.match(rf"^\[([0-9T:.\-]+)\] Deleted {plain} ", line)
            if m:
                times.append(datetime.datetime.fromisoformat(
                    m.group(1)).timestamp())
        return times

    def check_state(self, name="dns"):
        return self.acd.check("dns", name)


__all__ = ["WatchSite", "PEER_ADDR", "ADDRS"]
