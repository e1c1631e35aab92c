# SPDX-License-Identifier: ISC
"""Real DNS servers for the DNS-aware checks: NSD as primary, secondary or
host of a thousand zones, zones signed with ldns-signzone, Unbound as a
validating resolver, BIND as an authoritative server with its built-in
CHAOS view (and that view's rate limit).

Like nsd.py, every server runs in the foreground inside a namespace, with
its config, zones, keys, pid and state files in the test's scratch
directory, and is stopped through its process group by the Lab.
"""

import datetime
import signal
from pathlib import Path

import dns.flags
import dns.rcode

import lab

NSD = "/usr/sbin/nsd"
UNBOUND = "/usr/sbin/unbound"
NAMED = "/usr/sbin/named"
IDENTITY = "acd-test-site"


def zone_text(serial, extra=""):
    """An example zone with relative names, usable under any origin."""
    return f"""\
$TTL 300
@    IN SOA ns1 hostmaster {serial} 3600 900 604800 300
@    IN NS  ns1
ns1  IN A    192.0.2.53
www  IN A    192.0.2.80
{extra}"""


def stamp(delta):
    """An ldns-signzone date, now + delta (a timedelta), in UTC."""
    t = datetime.datetime.now(datetime.timezone.utc) + delta
    return t.strftime("%Y%m%d%H%M%S")


class Nsd:
    """NSD serving `zones`: {name: zone text, or a dict of zone options}.

    A zone given as text is a primary zone read from a file; a dict gives
    the zone's option lines ("request-xfr: ...") and optionally "text".
    """

    def __init__(self, lab_, ns, name, addresses, zones, port=53,
                 identity=IDENTITY, ready_zone=None):
        self.ns = ns
        self.name = name
        self.addresses = list(addresses)
        self.port = port
        self.workdir = Path(lab_.workdir) / name
        self.workdir.mkdir()
        self.zones = {}
        blocks = []
        for zone, spec in zones.items():
            if isinstance(spec, str):
                spec = {"text": spec}
            path = self.zone_path(zone)
            if "text" in spec:
                path.write_text(spec["text"])
            self.zones[zone] = path
            opts = "".join(f"    {o}\n" for o in spec.get("options", []))
            blocks.append(f"zone:\n    name: {zone}\n"
                          f"    zonefile: \"{path}\"\n{opts}")
        listen = "".join(f"    ip-address: {a}@{port}\n"
                         for a in self.addresses)
        self.conf = self.workdir / "nsd.conf"
        self.conf.write_text(f"""\
server:
{listen}    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{self.workdir}"
    database: ""
    zonelistfile: "{self.workdir}/zone.list"
    xfrdfile: "{self.workdir}/xfrd.state"
    xfrdir: "{self.workdir}"
    pidfile: "{self.workdir}/nsd.pid"
    identity: "{identity}"
    verbosity: 1
    rrl-ratelimit: 0
remote-control:
    control-enable: no
""" + "".join(blocks))
        self.proc = ns.spawn(name, [NSD, "-d", "-c", self.conf])
        self.wait_ready(ready_zone or next(iter(zones)))

    def zone_path(self, zone):
        return self.workdir / f"{zone}.zone"

    def wait_ready(self, zone, timeout=20):
        for addr in self.addresses:
            lab.wait_until(lambda a=addr: self._answers(a, zone), timeout,
                           f"{self.name} answering {zone} on {addr}",
                           interval=0.05)

    def _answers(self, addr, zone):
        if not self.proc.alive():
            raise AssertionError(f"{self.name} exited: {self.proc.log()}")
        return lab.answers_soa(self.ns, addr, self.port, qname=zone)

    def write_zone(self, zone, text):
        """Replace a zone file, then reload: NSD rereads changed files."""
        path = self.zone_path(zone)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)
        self.reload()

    def reload(self):
        self.proc.signal(signal.SIGHUP)     # the main process, not the group

    def serial(self, zone, addr=None):
        res = lab.dns_probe(self.ns, addr or self.addresses[0], zone, "SOA",
                            port=self.port, timeout=0.5)
        if res.answer is None:
            return None
        msg = res.message()
        for rrset in msg.answer:
            for rr in rrset:
                return rr.serial
        return None


class Bind:
    """BIND's named serving primary `zones` {name: text} on `addresses`.

    `server_id` answers id.server CH TXT and NSID.  BIND's built-in
    "_bind" CHAOS view is left as BIND ships it: `named -C` shows its
    rate limit of 3 responses a second per client /24, the rest dropped.
    With `querylog`, every query is logged to the process log.
    """

    def __init__(self, lab_, ns, name, addresses, zones, server_id,
                 querylog=False):
        self.ns = ns
        self.name = name
        self.addresses = list(addresses)
        self.workdir = Path(lab_.workdir) / name
        self.workdir.mkdir()
        blocks = []
        for zone, text in zones.items():
            path = self.workdir / f"{zone}.zone"
            path.write_text(text)
            blocks.append(f'zone "{zone}" {{ type primary; '
                          f'file "{path}"; }};\n')
        listen = "".join(f"{a}; " for a in self.addresses)
        self.conf = self.workdir / "named.conf"
        self.conf.write_text(f"""\
options {{
    directory "{self.workdir}";
    pid-file "{self.workdir}/named.pid";
    session-keyfile "{self.workdir}/session.key";
    managed-keys-directory "{self.workdir}";
    listen-on port 53 {{ {listen}}};
    listen-on-v6 {{ none; }};
    server-id "{server_id}";
    recursion no;
    dnssec-validation no;
    querylog {"yes" if querylog else "no"};
}};
controls {{ }};
""" + "".join(blocks))
        lab.run(["named-checkconf", self.conf])
        # -g: foreground, logging to stderr; -n 1: one worker thread.
        self.proc = ns.spawn(name, [NAMED, "-g", "-n", "1", "-c",
                                    self.conf])
        zone = next(iter(zones))
        for addr in self.addresses:
            lab.wait_until(lambda a=addr: self._answers(a, zone), 30,
                           f"{name} answering {zone} on {addr}",
                           interval=0.1)

    def _answers(self, addr, zone):
        if not self.proc.alive():
            raise AssertionError(f"{self.name} exited: {self.proc.log()}")
        return lab.answers_soa(self.ns, addr, qname=zone)

    def log(self):
        return self.proc.log()


class Signer:
    """A KSK and a ZSK for a zone, made with ldns-keygen, and ldns-signzone."""

    def __init__(self, lab_, ns, zone, name="keys"):
        self.ns = ns
        self.zone = zone
        self.dir = Path(lab_.workdir) / name
        self.dir.mkdir()
        self.ksk = self._keygen("-k")
        self.zsk = self._keygen()

    def _keygen(self, *flags):
        res = lab.run(["ldns-keygen", "-a", "ECDSAP256SHA256", *flags,
                       self.zone], cwd=self.dir)
        return self.dir / res.stdout.strip()

    @property
    def trust_anchor(self):
        """The KSK's DNSKEY, as a file Unbound takes as a trust anchor."""
        return Path(f"{self.ksk}.key")

    def sign(self, text, expire, incept=None):
        """The signed zone of TEXT; expire/incept are timedeltas from now."""
        unsigned = self.dir / "zone.unsigned"
        signed = self.dir / "zone.signed"
        unsigned.write_text(f"$ORIGIN {self.zone}.\n" + text)
        argv = ["ldns-signzone", "-o", self.zone, "-e", stamp(expire),
                "-f", signed]
        if incept is not None:
            argv += ["-i", stamp(incept)]
        lab.run(argv + [unsigned, self.ksk, self.zsk])
        return signed.read_text()


class Unbound:
    """A validating Unbound on `address`, stubs {zone: server address}."""

    def __init__(self, lab_, ns, address, stubs, anchors, ready_name,
                 name="unbound"):
        self.ns = ns
        self.address = address
        self.workdir = Path(lab_.workdir) / name
        self.workdir.mkdir()
        stub = "".join(f"stub-zone:\n    name: \"{z}\"\n"
                       f"    stub-addr: {a}\n" for z, a in stubs.items())
        anchor = "".join(f"    trust-anchor-file: \"{a}\"\n" for a in anchors)
        self.conf = self.workdir / "unbound.conf"
        self.conf.write_text(f"""\
server:
    interface: {address}
    port: 53
    access-control: 0.0.0.0/0 allow
    access-control: ::/0 allow
    username: ""
    chroot: ""
    directory: "{self.workdir}"
    pidfile: "{self.workdir}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    val-log-level: 2
    num-threads: 1
    do-ip6: {"yes" if ":" in address else "no"}
    do-not-query-localhost: no
    module-config: "validator iterator"
    # The test zones live under test., which Unbound serves itself by
    # default (RFC 6761): let them be resolved.
    local-zone: "test." nodefault
{anchor}remote-control:
    control-enable: no
{stub}""")
        lab.run(["unbound-checkconf", self.conf])
        self.proc = ns.spawn(name, [UNBOUND, "-d", "-c", self.conf])
        lab.wait_until(lambda: self._resolves(ready_name), 20,
                       f"unbound resolving {ready_name}", interval=0.1)

    def _resolves(self, qname):
        if not self.proc.alive():
            raise AssertionError(f"unbound exited: {self.proc.log()}")
        res = lab.dns_probe(self.ns, self.address, qname, "A", timeout=0.5)
        if res.answer is None:
            return False
        msg = res.message()
        return (msg.rcode() == dns.rcode.NOERROR
                and bool(msg.flags & dns.flags.RA) and len(msg.answer) > 0)
