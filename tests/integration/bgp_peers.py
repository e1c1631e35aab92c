# SPDX-License-Identifier: ISC
"""Real BGP routers for anycastd to talk to: BIRD 2, FRR bgpd and GoBGP.

A Site is what one test needs: anycastd in the host namespace (the
conftest's host_ns), a router in a namespace of its own, and a veth pair
between them addressed from documentation ranges on both families:

    host_ns  veth0  198.51.100.10/24  2001:db8:ffff::10/64   AS 65100
    peer ns  veth1  198.51.100.1/24   2001:db8:ffff::1/64    AS 65001

The router is passive (anycastd connects, as it would to a site router)
and imports everything.  Each router keeps its config, sockets and state
in a directory of its own, is started in the foreground as a child of
the test (so lab.Lab kills it by its process group, never by name), and
is asked what it learned through its own CLI: birdc, vtysh, gobgp.  What
each CLI says is boiled down to Route tuples so that tests read the same
for all three.

The service announced is dns: 192.0.2.53/32 and 2001:db8::53/128, with
an exec check the test flips with Site.set_health(): a file "down" in
Site.flags makes it exit 2 (down), a file "degraded" exit 1.
"""

import json
import re
import shutil
import signal
import tempfile
from collections import namedtuple
from pathlib import Path

import lab as lab_module
from daemon import Anycastd, ms, sanitizer_reports

ACD_AS, PEER_AS = 65100, 65001
ACD_ADDR = {"ipv4": "198.51.100.10", "ipv6": "2001:db8:ffff::10"}
PEER_ADDR = {"ipv4": "198.51.100.1", "ipv6": "2001:db8:ffff::1"}
PLEN = {"ipv4": 24, "ipv6": 64}
ROUTER_ID = {"acd": "198.51.100.10", "peer": "198.51.100.1"}
PREFIX4, PREFIX6 = "192.0.2.53/32", "2001:db8::53/128"
PREFIXES = (PREFIX4, PREFIX6)
GSHUT = "65535:0"
SHUTDOWN_MSG = "anycastd shutting down"

# The announce block every Site uses, and what a router must see from it.
ANNOUNCE = """
        announce upstream {
            community 65100:53;
            large-community 65100:0:53;
            med 10;
            prepend 1;
            degraded { prepend 3; }
            draining { med 500; }
        }"""
EXPECT_UP = dict(as_path=(ACD_AS, ACD_AS), med=10,
                 communities=frozenset({"65100:53"}),
                 large=frozenset({"65100:0:53"}))
# degraded { prepend 3; } adds to the announce block's prepend 1 (bgp_out.c).
EXPECT_DEGRADED = dict(EXPECT_UP, as_path=(ACD_AS,) * 5)
EXPECT_DRAINING = dict(EXPECT_UP, med=500,
                       communities=frozenset({"65100:53", GSHUT}))

# One path as a router holds it.
Route = namedtuple("Route", "as_path med communities large")

KINDS = ("bird", "frr", "gobgp")
TRANSPORTS = ("ipv4", "ipv6")


def other(transport):
    return "ipv6" if transport == "ipv4" else "ipv4"


def route_matches(route, expect):
    return route is not None and route._asdict() == dict(expect)


def open_dir(lab, name, owner=None):
    """A scratch directory other users can reach (the test's workdir is
    0700 root): FRR runs as frr, anycastd drops to nobody, and its exec
    check must see the health flags.  Named like the workdir, so that the
    run script's cleanup finds it too; removed when the test ends."""
    d = Path(tempfile.mkdtemp(prefix=f"acd-t-{lab_module.RUN_ID}-{name}-",
                              dir="/tmp"))
    d.chmod(0o755)
    if owner:
        shutil.chown(d, owner, owner)
    lab.on_close(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


# ---- the kernel's view ------------------------------------------------------

def listening(pid, port):
    """True once a socket of pid's network namespace listens on TCP port."""
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{name}").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError):
            return False
        for line in lines[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                return True
    return False


def tcp_ext_counter(pid, name):
    """A TcpExt counter (e.g. TCPMD5Failure) of pid's network namespace."""
    lines = Path(f"/proc/{pid}/net/netstat").read_text().splitlines()
    for keys, values in zip(lines[::2], lines[1::2]):
        if keys.startswith("TcpExt:"):
            table = dict(zip(keys.split()[1:], values.split()[1:]))
            return int(table[name])
    raise AssertionError(f"no TcpExt {name} in /proc/{pid}/net/netstat")


# ---- the routers ------------------------------------------------------------

def cli_answer(router, answer):
    """A router's CLI must answer when asked for routes: an empty RIB and
    a CLI that failed must never look alike."""
    if answer is None:
        raise AssertionError(f"{router.kind}'s CLI did not answer; "
                             f"log:\n{router.log()[-2000:]}")
    return answer


class Router:
    """What the tests ask of every router; subclasses say how."""

    kind = "?"

    def __init__(self, lab, ns, transport, password=None, hold=9, bfd=None,
                 bfd_auth=None):
        self.lab = lab
        self.bfd = bfd          # BFD interval in ms (multiplier 3), or None
        self.bfd_auth = bfd_auth    # BIRD: (meticulous, key id, password)
        self.ns = ns
        self.transport = transport
        self.neighbor = ACD_ADDR[transport]
        self.local = PEER_ADDR[transport]
        self.password = password
        self.hold = hold
        self.dir = self.make_dir()
        self.proc = None
        self.starts = 0

    def make_dir(self):
        d = Path(self.lab.workdir) / self.kind
        d.mkdir()
        return d

    # -- process -----------------------------------------------------------
    def start(self):
        self.starts += 1
        self.proc = self.spawn()

    def wait_ready(self, timeout=10):
        """Until the router listens on port 179 and its CLI answers."""
        def ready():
            if not self.proc.alive():
                raise AssertionError(f"{self.kind} exited at start:\n"
                                     f"{self.log()}")
            return listening(self.proc.pid, 179) and self.cli_ready()
        lab_module.wait_until(ready, timeout, f"{self.kind} to listen and "
                              f"answer its CLI", interval=0.05)

    def stop(self, timeout=10):
        """SIGTERM, as an operator stopping the router would."""
        self.proc.signal(signal.SIGTERM)
        if self.proc.wait(timeout) is None:
            raise AssertionError(f"{self.kind} still running {timeout}s "
                                 f"after SIGTERM")

    def pause(self):
        self.proc.signal(signal.SIGSTOP)

    def resume(self):
        self.proc.signal(signal.SIGCONT)

    def log(self):
        return self.proc.log() if self.proc else ""

    # -- to be provided ----------------------------------------------------
    def spawn(self):
        raise NotImplementedError

    def cli_ready(self):
        raise NotImplementedError

    def established(self):
        raise NotImplementedError

    def routes(self):
        """{prefix: Route} of what the router holds from anycastd."""
        raise NotImplementedError

    def shutdown_notice(self):
        """(code, subcode, shutdown message) of the NOTIFICATION that
        ended the last session, or None."""
        raise NotImplementedError


class Bird(Router):
    kind = "bird"

    def spawn(self):
        pw = f'password "{self.password}";' if self.password else ""
        bfd, bfd_on = "", ""
        if self.bfd:
            auth = ""
            if self.bfd_auth:
                meticulous, key_id, secret = self.bfd_auth
                auth = (f'authentication {"meticulous " if meticulous else ""}'
                        f'keyed sha1; password "{secret}" {{ id {key_id}; }}; ')
            bfd = (f'protocol bfd {{ interface "*" {{ min rx interval '
                   f'{self.bfd} ms; min tx interval {self.bfd} ms; '
                   f'idle tx interval 1000 ms; multiplier 3; {auth}}}; }}\n')
            bfd_on = "bfd on;"
        self.conf = self.dir / "bird.conf"
        self.sock = self.dir / "bird.ctl"
        self.conf.write_text(f"""\
log stderr all;
router id {ROUTER_ID['peer']};
protocol device {{}}
{bfd}protocol bgp acd {{
    local {self.local} as {PEER_AS};
    neighbor {self.neighbor} as {ACD_AS};
    passive on;
    hold time {self.hold};
    connect retry time 1;
    error wait time 1, 2;
    {pw}
    {bfd_on}
    ipv4 {{ import all; export none; }};
    ipv6 {{ import all; export none; }};
}}
""")
        return self.ns.spawn(f"bird{self.starts}",
                             ["bird", "-f", "-c", self.conf, "-s", self.sock])

    def birdc(self, *cmd):
        res = lab_module.run(["birdc", "-s", self.sock, *cmd], check=False)
        return res.stdout if res.returncode == 0 else None

    def cli_ready(self):
        return self.birdc("show", "status") is not None

    def protocol(self):
        return self.birdc("show", "protocols", "all", "acd") or ""

    def established(self):
        return re.search(r"BGP state:\s+Established", self.protocol()) \
            is not None

    def routes(self):
        out = cli_answer(self, self.birdc("show", "route", "all"))
        routes, prefix, attrs = {}, None, None

        def flush():
            if prefix is not None:
                routes[prefix] = bird_route(attrs)
        for line in out.splitlines():
            m = re.match(r"^([0-9a-f:.]+/\d+)\s", line)
            if m:
                flush()
                prefix, attrs = m.group(1), {}
                continue
            m = re.match(r"^\s+BGP\.(\w+):\s*(.*)$", line)
            if m and attrs is not None:
                attrs[m.group(1)] = m.group(2)
        flush()
        return routes

    def shutdown_notice(self):
        text = self.protocol()
        m = re.search(r"Last error:\s+Received: (.*)", text)
        if not m:
            return None
        msg = re.search(r"Message:\s+(.*)", text)
        reason = m.group(1).strip()
        code = BIRD_CEASE.get(reason, (reason, None))
        return (*code, msg.group(1).strip() if msg else None)


# How BIRD words the Cease subcodes it receives (RFC 4486).
BIRD_CEASE = {"Administrative shutdown": (6, 2),
              "Administrative reset": (6, 4)}


def bird_route(attrs):
    path = tuple(int(a) for a in attrs.get("as_path", "").split())
    med = int(attrs["med"]) if "med" in attrs else None
    comms = frozenset(f"{a}:{b}" for a, b in re.findall(
        r"\((\d+),(\d+)\)", attrs.get("community", "")))
    large = frozenset(f"{a}:{b}:{c}" for a, b, c in re.findall(
        r"\((\d+), (\d+), (\d+)\)", attrs.get("large_community", "")))
    return Route(path, med, comms, large)


FRR_COMMUNITY_NAMES = {"gracefulShutdown": "65535:0",
                       "noExport": "65535:65281",
                       "noAdvertise": "65535:65282",
                       "localAs": "65535:65283"}


class Frr(Router):
    """bgpd with its zebra (without zebra, bgpd cannot tell that an IPv6
    link-local next hop is on its veth, and drops such routes), both as
    the frr user, which is in the frrvty group FRR requires."""

    kind = "frr"

    def make_dir(self):
        return open_dir(self.lab, "frr", owner="frr")

    def common(self):
        return ["-u", "frr", "-g", "frr", "-z", self.dir / "zserv.api",
                "--vty_socket", self.dir, "-P", "0", "--log", "stdout"]

    def start(self):
        if self.starts == 0:
            (self.dir / "zebra.conf").write_text("hostname zebra\n")
            self.zebra = self.ns.spawn("zebra", [
                "/usr/lib/frr/zebra", "-f", self.dir / "zebra.conf",
                "-i", self.dir / "zebra.pid", *self.common()])
            lab_module.wait_until(
                lambda: (self.dir / "zserv.api").exists()
                or not self.zebra.alive(), 10, "zebra's socket")
            assert self.zebra.alive(), f"zebra exited:\n{self.zebra.log()}"
            if self.bfd:
                self.start_bfdd()
        super().start()

    def start_bfdd(self):
        """bfdd, with a profile of the test's interval for bgpd to use."""
        conf = self.dir / "bfdd.conf"
        conf.write_text(f"""\
bfd
 profile acd
  receive-interval {self.bfd}
  transmit-interval {self.bfd}
  detect-multiplier 3
 !
!
""")
        shutil.chown(conf, "frr", "frr")
        self.bfdd = self.ns.spawn("bfdd", [
            "/usr/lib/frr/bfdd", "-f", conf, "-i", self.dir / "bfdd.pid",
            *self.common()])
        lab_module.wait_until(
            lambda: self.bfd_peers() is not None or not self.bfdd.alive(),
            10, "bfdd's CLI")
        assert self.bfdd.alive(), f"bfdd exited:\n{self.bfdd.log()}"

    def bfd_peers(self):
        """bfdd's `show bfd peers json`, or None while it cannot answer."""
        res = lab_module.run(["vtysh", "--vty_socket", self.dir, "-d", "bfdd",
                              "-c", "show bfd peers json"], check=False)
        if res.returncode != 0:
            return None
        try:
            return json.loads(res.stdout)
        except ValueError:
            return None

    def spawn(self):
        n = self.neighbor
        pw = f" neighbor {n} password {self.password}\n" if self.password \
            else ""
        if self.bfd:
            pw += f" neighbor {n} bfd\n neighbor {n} bfd profile acd\n"
        self.conf = self.dir / "bgpd.conf"
        self.conf.write_text(f"""\
frr defaults traditional
hostname peer
!
router bgp {PEER_AS}
 bgp router-id {ROUTER_ID['peer']}
 no bgp ebgp-requires-policy
 neighbor {n} remote-as {ACD_AS}
 neighbor {n} passive
 neighbor {n} timers {max(1, self.hold // 3)} {self.hold}
{pw} address-family ipv4 unicast
  neighbor {n} activate
 exit-address-family
 address-family ipv6 unicast
  neighbor {n} activate
 exit-address-family
!
""")
        shutil.chown(self.conf, "frr", "frr")
        return self.ns.spawn(f"bgpd{self.starts}", [
            # -n: no routes to the kernel; with BFD they go there, so
            # that a test can watch the FIB change within milliseconds.
            "/usr/lib/frr/bgpd", *([] if self.bfd else ["-n"]),
            "-f", self.conf,
            "-i", self.dir / "bgpd.pid", *self.common()])

    def vtysh(self, *cmds):
        """The JSON documents the commands print, in order (None on error)."""
        argv = ["vtysh", "--vty_socket", self.dir, "-d", "bgpd"]
        for c in cmds:
            argv += ["-c", c]
        res = lab_module.run(argv, check=False)
        if res.returncode != 0:
            return None
        docs, text, dec = [], res.stdout, json.JSONDecoder()
        pos = 0
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                return docs
            try:
                doc, pos = dec.raw_decode(text, pos)
            except ValueError:
                return None
            docs.append(doc)

    def cli_ready(self):
        return self.vtysh("show bgp summary json") is not None

    def neighbor_json(self):
        docs = self.vtysh(f"show bgp neighbors {self.neighbor} json")
        return (docs or [{}])[0].get(self.neighbor, {})

    def established(self):
        return self.neighbor_json().get("bgpState") == "Established"

    def routes(self):
        docs = cli_answer(self, self.vtysh("show bgp ipv4 unicast json",
                                           "show bgp ipv6 unicast json"))
        prefixes = [p for d in docs for p in d.get("routes", {})]
        if not prefixes:
            return {}
        afi = {p: "ipv6" if ":" in p else "ipv4" for p in prefixes}
        details = cli_answer(self, self.vtysh(
            *(f"show bgp {afi[p]} unicast {p} json" for p in prefixes)))
        routes = {}
        for d in details:
            for path in d.get("paths", []):
                if path.get("peer", {}).get("peerId") == self.neighbor:
                    routes[d["prefix"]] = frr_route(path)
        return routes

    def shutdown_notice(self):
        n = self.neighbor_json()
        if n.get("lastResetDueTo") != "BGP Notification received":
            return None
        cs = n.get("lastErrorCodeSubcode", "")     # "0602": code, subcode
        return (int(cs[:2], 16), int(cs[2:], 16),
                n.get("lastShutdownDescription"))


def frr_route(path):
    # FRR names the well-known communities (RFC 1997, RFC 8326).
    comms = path.get("community", {}).get("list", [])
    return Route(tuple(int(a) for a in path["aspath"]["string"].split()),
                 path.get("metric"),
                 frozenset(FRR_COMMUNITY_NAMES.get(c, c) for c in comms),
                 frozenset(path.get("largeCommunity", {}).get("list", [])))


class Gobgp(Router):
    kind = "gobgp"
    API_PORT = 50051        # on the namespace's own loopback

    def spawn(self):
        pw = f'    auth-password = "{self.password}"\n' if self.password \
            else ""
        self.conf = self.dir / "gobgpd.toml"
        self.conf.write_text(f"""\
[global.config]
  as = {PEER_AS}
  router-id = "{ROUTER_ID['peer']}"
  port = 179
[[neighbors]]
  [neighbors.config]
    neighbor-address = "{self.neighbor}"
    peer-as = {ACD_AS}
{pw}  [neighbors.transport.config]
    passive-mode = true
  [neighbors.timers.config]
    hold-time = {self.hold}
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
""")
        return self.ns.spawn(f"gobgpd{self.starts}", [
            "gobgpd", "-f", self.conf, "-t", "toml", "--pprof-disable",
            "--api-hosts", f"127.0.0.1:{self.API_PORT}"])

    def gobgp(self, *args):
        res = self.ns.run(["gobgp", "-u", "127.0.0.1", "-p", self.API_PORT,
                           *args, "-j"], check=False)
        if res.returncode != 0:
            return None
        try:
            return json.loads(res.stdout)
        except ValueError:
            return None

    def cli_ready(self):
        return self.gobgp("neighbor") is not None

    def established(self):
        n = self.gobgp("neighbor", self.neighbor)
        if isinstance(n, list):
            n = n[0] if n else {}
        return (n or {}).get("state", {}).get("session_state") == 6

    def routes(self):
        routes = {}
        for family in ("ipv4", "ipv6"):
            rib = cli_answer(self, self.gobgp("global", "rib", "-a", family))
            for prefix, paths in rib.items():
                for p in paths:
                    if p.get("neighbor-ip") == self.neighbor:
                        routes[prefix] = gobgp_route(p["attrs"])
        return routes

    def shutdown_notice(self):
        last = None
        for line in self.log().splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("msg") == "received notification":
                last = (ev.get("Code"), ev.get("Subcode"),
                        ev.get("Communicated-Reason"))
        return last


def gobgp_route(attrs):
    by_type = {a["type"]: a for a in attrs}
    path = tuple(asn for seg in by_type.get(2, {}).get("as_paths", [])
                 for asn in seg.get("asns", []))
    med = by_type[4]["metric"] if 4 in by_type else None
    comms = frozenset(f"{c >> 16}:{c & 0xFFFF}"
                      for c in by_type.get(8, {}).get("communities", []))
    large = frozenset(f"{v['ASN']}:{v['LocalData1']}:{v['LocalData2']}"
                      for v in by_type.get(32, {}).get("value", []))
    return Route(path, med, comms, large)


ROUTERS = {"bird": Bird, "frr": Frr, "gobgp": Gobgp}


# ---- a site: anycastd and one router ----------------------------------------

def link(lab, host_ns):
    """A namespace for a router, joined to host_ns by a veth pair.

    No duplicate address detection on the veths: their IPv6 link-local
    addresses, which anycastd sends as next hop and FRR insists on having
    itself, are usable at once instead of after ~2 s."""
    peer_ns = lab.netns()
    for ns in (host_ns, peer_ns):
        ns.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
    lab.veth(host_ns, [f"{ACD_ADDR[t]}/{PLEN[t]}" for t in TRANSPORTS],
             peer_ns, [f"{PEER_ADDR[t]}/{PLEN[t]}" for t in TRANSPORTS])
    return peer_ns


def bgp_block(transport, password=None, hold=3, extra=""):
    pw = f'\n            password "{password}";' if password else ""
    pw += f"\n            {extra}" if extra else ""
    return f"""
        bgp upstream {{
            local as {ACD_AS};
            neighbor {PEER_ADDR[transport]} as {PEER_AS};
            hold time {hold}s;
            connect retry 1s;
            next-hop {ACD_ADDR[other(transport)]};{pw}
        }}"""


def service_block(flags, drain=0.0):
    return f"""
        service dns {{
            prefix {PREFIX4};
            prefix {PREFIX6};
            drain time {ms(drain)};
            check exec {{
                command "/bin/sh" "-c"
                    "test -e $1/down && exit 2; test ! -e $1/degraded"
                    "health" "{flags}";
                interval 200ms; timeout 150ms; rise 1; fall 1;
            }}{ANNOUNCE}
        }}"""


class Site:
    """anycastd in host_ns talking to one real router of `kind`.

    password: the router's TCP MD5 key; acd_password: anycastd's (by
    default the same).  hold: anycastd's hold time, peer_hold the
    router's (the session uses the smaller).  drain: the service's drain
    time in seconds, 0 unless the test watches a drain (teardown takes
    that long too).
    """

    def __init__(self, lab, host_ns, kind, transport="ipv4", password=None,
                 acd_password=None, hold=3, drain=0.0, peer_hold=9,
                 bfd=None, acd_bfd=None, bfd_auth=None):
        self.lab = lab
        self.host_ns = host_ns
        self.kind = kind
        self.transport = transport
        self.peer_ns = link(lab, host_ns)
        self.router = ROUTERS[kind](lab, self.peer_ns, transport,
                                    password=password, hold=peer_hold,
                                    bfd=bfd, **({"bfd_auth": bfd_auth}
                                                if bfd_auth else {}))
        self.router.start()
        self.flags = open_dir(lab, "health")
        self.router.wait_ready()
        self.acd = Anycastd(
            lab, host_ns,
            f"router-id {ROUTER_ID['acd']};\n"
            + bgp_block(transport, acd_password or password, hold,
                        acd_bfd or "")
            + service_block(self.flags, drain),
            shutdown_wait=drain + 5)

    # -- anycastd's side ----------------------------------------------------
    def acd_peer(self):
        peers = self.acd.ctl("show", "peers")["peers"]
        assert len(peers) == 1, peers
        return peers[0]

    def acd_state(self):
        if not self.acd.alive():
            raise AssertionError(f"anycastd died:\n{self.acd.log()}")
        return self.acd_peer()["state"]

    # -- waiting -----------------------------------------------------------
    def describe(self):
        return (f"\nanycastd: {self.acd.try_ctl('show', 'peers')}"
                f"\n{self.kind} log (tail):\n"
                + "\n".join(self.router.log().splitlines()[-25:]))

    def wait(self, predicate, timeout, what):
        try:
            return lab_module.wait_until(predicate, timeout, what,
                                         interval=0.05)[0]
        except AssertionError as e:
            raise AssertionError(f"{e}{self.describe()}") from None

    def wait_established(self, timeout=15):
        """Both ends say Established: anycastd and the router's CLI."""
        self.wait(lambda: self.acd_state() == "Established"
                  and self.router.established(), timeout,
                  f"anycastd and {self.kind} Established over "
                  f"{self.transport}")

    def wait_routes(self, expect, timeout=10, prefixes=PREFIXES):
        """Until the router holds every prefix with the expected path."""
        def match():
            routes = self.router.routes()
            self.last_routes = routes
            return all(route_matches(routes.get(p), expect)
                       for p in prefixes) and routes
        self.last_routes = None
        try:
            return lab_module.wait_until(match, timeout, "routes", 0.05)[0]
        except AssertionError as e:
            raise AssertionError(
                f"{self.kind} never held {list(prefixes)} as {expect} "
                f"({e}); last seen: {self.last_routes}"
                f"{self.describe()}") from None

    def wait_withdrawn(self, timeout=10, prefixes=PREFIXES):
        def gone():
            routes = self.router.routes()
            self.last_routes = routes
            return not any(p in routes for p in prefixes)
        self.last_routes = None
        try:
            lab_module.wait_until(gone, timeout, "withdrawal", 0.05)
        except AssertionError as e:
            raise AssertionError(
                f"{self.kind} still holds {self.last_routes} ({e})"
                f"{self.describe()}") from None

    def set_health(self, state):
        """The exec check's verdict from now on: up, degraded or down."""
        for name in ("down", "degraded"):
            flag = self.flags / name
            if name == state:
                flag.touch()
            elif flag.exists():
                flag.unlink()


def forget_killed(acd):
    """After the test SIGKILLed anycastd on purpose: check it died of that
    signal, with no sanitizer report, and keep teardown from failing on
    the exit status."""
    rc = acd.wait_exit(5)
    log = acd.log()
    assert rc == -signal.SIGKILL, f"anycastd exit {rc}, expected SIGKILL"
    assert not sanitizer_reports(log), sanitizer_reports(log)
    acd.proc = None
    return log



# ---- a site with the misbehaving speaker ------------------------------------

class BadPeerSite:
    """anycastd in host_ns connecting to bgp_badpeer.py in MODE."""

    def __init__(self, lab, host_ns, mode, transport="ipv4", drain=0.0):
        self.lab = lab
        self.mode = mode
        self.peer_ns = link(lab, host_ns)
        self.proc = self.peer_ns.spawn("badpeer", [
            lab_module.PYTHON, lab_module.HERE / "bgp_badpeer.py",
            "--listen", PEER_ADDR[transport], "--mode", mode])
        self.wait(lambda: self.events("listening"), 10, "bgp_badpeer.py "
                  "to listen")
        self.acd = Anycastd(
            lab, host_ns,
            f"router-id {ROUTER_ID['acd']};\n" + bgp_block(transport)
            + service_block(open_dir(lab, "health"), drain),
            shutdown_wait=drain + 5)

    def events(self, *names):
        """The events bgp_badpeer.py reported so far (of those names)."""
        out = []
        for line in self.proc.log().splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if not names or ev["event"] in names:
                out.append(ev)
        return out

    def wait(self, predicate, timeout, what):
        def check():
            if not self.proc.alive():
                raise AssertionError(f"bgp_badpeer.py died:\n"
                                     f"{self.proc.log()}")
            return predicate()
        try:
            return lab_module.wait_until(check, timeout, what, 0.05)[0]
        except AssertionError as e:
            acd = getattr(self, "acd", None)
            raise AssertionError(
                f"{e}\nbad peer events: {self.events()}\nanycastd: "
                f"{acd.try_ctl('show', 'peers') if acd else None}") from None

    def first_answer(self, timeout=10):
        """What anycastd did about the crafted message on the first
        connection: the NOTIFICATION event, or the close without one."""
        def answered():
            evs = self.events("sent", "notification", "closed", "timeout")
            sent = [i for i, e in enumerate(evs) if e["event"] == "sent"]
            if not sent:
                return None
            after = [e for e in evs[sent[0] + 1:] if e["event"] != "sent"]
            return after[0] if after else None
        return self.wait(answered, timeout, "anycastd's answer to the "
                         f"{self.mode} message")

    def acd_peer(self):
        if not self.acd.alive():
            raise AssertionError(f"anycastd died:\n{self.acd.log()}")
        return self.acd.ctl("show", "peers")["peers"][0]
