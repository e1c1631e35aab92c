# SPDX-License-Identifier: ISC
"""NSD, the real authoritative server the checks probe.

Each test gets its own NSD: config, zone, pid and state files live in the
test's scratch directory (nothing under /etc or /var), it runs in the
foreground (-d) inside a namespace, as root without chroot so that it can
bind port 53 there and read the scratch directory.
"""

import signal
from pathlib import Path

import lab

NSD = "/usr/sbin/nsd"
ZONE = "example.test"
IDENTITY = "acd-test-site"

ZONE_TEXT = """\
$ORIGIN example.test.
$TTL 300
@    IN SOA ns1 hostmaster 2024010101 3600 900 604800 300
@    IN NS  ns1
ns1  IN A    192.0.2.53
ns1  IN AAAA 2001:db8::53
www  IN A    192.0.2.80
"""


def config_text(workdir, addresses, port):
    listen = "".join(f"    ip-address: {a}@{port}\n" for a in addresses)
    return f"""\
server:
{listen}    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{workdir}"
    database: ""
    zonelistfile: "{workdir}/zone.list"
    xfrdfile: "{workdir}/xfrd.state"
    xfrdir: "{workdir}"
    pidfile: "{workdir}/nsd.pid"
    identity: "{IDENTITY}"
    nsid: "ascii_{IDENTITY}"
    verbosity: 1
    # Probes every 100 ms from one address must never be rate limited.
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: {ZONE}
    zonefile: "{workdir}/{ZONE}.zone"
"""


class Nsd:
    def __init__(self, lab_, ns, addresses, port=53, name="nsd"):
        self.ns = ns
        self.addresses = list(addresses)
        self.port = port
        self.workdir = Path(lab_.workdir) / name
        self.workdir.mkdir()
        (self.workdir / f"{ZONE}.zone").write_text(ZONE_TEXT)
        self.conf = self.workdir / "nsd.conf"
        self.conf.write_text(config_text(self.workdir, self.addresses, port))
        self.proc = ns.spawn(name, [NSD, "-d", "-c", self.conf])
        self.wait_ready()

    def wait_ready(self, timeout=10):
        """Until every address answers the zone's SOA, authoritatively."""
        for addr in self.addresses:
            lab.wait_until(
                lambda: self._answers(addr), timeout,
                f"NSD answering on {addr} port {self.port}", interval=0.05)

    def _answers(self, addr):
        if not self.proc.alive():
            raise AssertionError(f"nsd exited: {self.proc.log()}")
        return lab.answers_soa(self.ns, addr, self.port)

    # NSD answers from a forked server child: stop or kill the whole group.
    def kill(self):
        self.proc.kill()

    def stop(self):
        self.proc.signal_group(signal.SIGSTOP)

    def cont(self):
        self.proc.signal_group(signal.SIGCONT)
