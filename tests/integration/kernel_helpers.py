# SPDX-License-Identifier: ISC
"""Helpers for the kernel-output tests (issue 4): what the kernel holds,
the router-mode topology, and the routing daemons that redistribute.

What anycastd put in the kernel is read from the kernel itself: routes
with `ip -j route` (anycastd's carry protocol 53), addresses with a small
rtnetlink dump of our own (ip(8) of Debian 12 does not print IFA_PROTO).
This file doubles as that dump: run in a namespace as

    python3 kernel_helpers.py addrs

it prints the namespace's addresses as JSON, each with its IFA_PROTO.

The router-mode topology (RouterSite), addresses from documentation ranges:

    backend i (i = 1, 2)  veth0  198.51.100.(16i-14)/28  2001:db8:i::2/64
    router R              bei    198.51.100.(16i-15)/28  2001:db8:i::1/64
    neighbour N           veth0  198.51.100.34/28        2001:db8:3::2/64
    router R              nbr0   198.51.100.33/28        2001:db8:3::1/64

Each backend runs a real NSD on its veth addresses (and, for end-to-end
queries, on the service addresses 192.0.2.53 and 2001:db8::53 on its lo);
anycastd runs in R with one `via` per backend and family, each checked
with a DNS query to that backend.
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lab as lab_module
from daemon import ANYCASTD, Anycastd, sanitizer_reports
from lab import wait_until
from nsd import Nsd

PROTO = 53
PREFIX4, PREFIX6 = "192.0.2.53/32", "2001:db8::53/128"
ANYCAST4, ANYCAST6 = "192.0.2.53", "2001:db8::53"

# ---- an rtnetlink address dump (also run as a script, see above) ------------

RTM_NEWADDR, RTM_GETADDR = 20, 22
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
IFA_ADDRESS, IFA_LOCAL, IFA_PROTO = 1, 2, 11


def _attrs(buf):
    """(type, payload) of each rtattr in buf."""
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4 or off + alen > len(buf):
            break
        yield atype, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def netlink_addrs():
    """Every address of this namespace: dicts dev, address, prefixlen,
    proto (IFA_PROTO, or 0 when the kernel reported none)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    try:
        sock.bind((0, 0))
        body = struct.pack("=BBBBI", socket.AF_UNSPEC, 0, 0, 0, 0)
        sock.send(struct.pack("=IHHII", 16 + len(body), RTM_GETADDR,
                              NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
        out = []
        while True:
            data = sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype = struct.unpack_from("=IH", data, off)
                if mtype == NLMSG_DONE:
                    return out
                if mtype == NLMSG_ERROR:
                    raise OSError(-struct.unpack_from("=i", data, off + 16)[0],
                                  "netlink address dump failed")
                if mtype == RTM_NEWADDR:
                    out.append(_parse_addr(data[off + 16:off + mlen]))
                off += (mlen + 3) & ~3
    finally:
        sock.close()


def _parse_addr(msg):
    family, plen, _flags, _scope, index = struct.unpack_from("=BBBBI", msg)
    attrs = dict(_attrs(msg[8:]))
    raw = attrs.get(IFA_LOCAL, attrs.get(IFA_ADDRESS))
    return {"dev": socket.if_indextoname(index),
            "address": socket.inet_ntop(family, raw),
            "prefixlen": plen,
            "proto": attrs[IFA_PROTO][0] if IFA_PROTO in attrs else 0}


HERE = Path(__file__).resolve().parent


# ---- what the kernel holds --------------------------------------------------

def ip_json(ns, *args):
    res = ns.ip("-j", *args)
    return json.loads(res.stdout or "[]")


def addrs(ns):
    """Every address in ns, with its IFA_PROTO (see netlink_addrs)."""
    res = ns.run([lab_module.PYTHON, HERE / "kernel_helpers.py", "addrs"])
    return json.loads(res.stdout)


def addr_set(ns, dev=None):
    """{(dev, "address/len", proto)} of ns (of dev only, if given)."""
    return {(a["dev"], f"{a['address']}/{a['prefixlen']}", a["proto"])
            for a in addrs(ns) if dev is None or a["dev"] == dev}


def has_addr(ns, cidr, dev, proto=None):
    """True if ns has cidr on dev (with that IFA_PROTO, if given)."""
    for d, a, p in addr_set(ns, dev):
        if a == cidr and (proto is None or p == proto):
            return True
    return False


def full_dst(route, family):
    dst = route["dst"]
    if dst == "default" or "/" in dst:
        return dst
    return f"{dst}/{32 if family == 4 else 128}"


def routes(ns, family, *selector):
    """{dst/len: route} of `ip -FAMILY route show SELECTOR` (empty for a
    table that does not exist yet)."""
    res = lab_module.run(["ip", "-n", ns.name, "-j", f"-{family}", "route",
                          "show", *selector], check=False)
    if res.returncode != 0:
        if "FIB table does not exist" in res.stderr:
            return {}
        raise RuntimeError(f"ip route show {' '.join(selector)}: "
                           f"{res.stderr.strip()}")
    return {full_dst(r, family): r for r in json.loads(res.stdout or "[]")}


def our_routes(ns, table="main"):
    """{dst/len: route} of every route with protocol 53 in table, both
    families."""
    found = {}
    for family in (4, 6):
        found.update(routes(ns, family, "table", str(table), "proto",
                            str(PROTO)))
    return found


def hops(route):
    """Sorted [(gateway, dev, weight)]; a single-hop route has no weight
    in the kernel: None."""
    if route is None:
        return None
    if "nexthops" in route:
        return sorted((h.get("gateway"), h.get("dev"), h.get("weight", 1))
                      for h in route["nexthops"])
    return [(route.get("gateway"), route.get("dev"), None)]


def ipv6_unsettled(ns):
    """The links of ns whose IPv6 is still coming up: up with a carrier
    but no link-local address yet, or with an address still tentative
    (duplicate address detection; its local route comes after)."""
    busy = []
    for link in ip_json(ns, "addr", "show"):
        flags = link.get("flags", [])
        if link["ifname"] == "lo" or "UP" not in flags or \
                "LOWER_UP" not in flags:
            continue
        v6 = [a for a in link.get("addr_info", []) if a["family"] == "inet6"]
        if not any(a.get("scope") == "link" for a in v6) or \
                any(a.get("tentative") for a in v6):
            busy.append(link["ifname"])
    return busy


def kernel_state(ns):
    """What a test compares before and after: link names, every address
    (with its IFA_PROTO) and every route of every table, both families,
    each as a canonical string.  Flags that change by themselves (IPv6
    duplicate address detection) are left out, and the snapshot waits for
    the links' IPv6 to settle: a link-local address and its routes appear
    by themselves a moment after a link comes up."""
    prev = None
    for _ in range(25):
        wait_until(lambda: not ipv6_unsettled(ns), 10,
                   "the links' IPv6 link-local addresses to settle",
                   interval=0.05)
        state = _kernel_snapshot(ns)
        if state == prev:
            return state
        prev = state
        time.sleep(0.2)
    raise AssertionError(f"the kernel's state keeps changing: {state}")


def _kernel_snapshot(ns):
    links = sorted(link["ifname"] for link in ip_json(ns, "link", "show"))
    routes_ = []
    for family in (4, 6):
        for r in ip_json(ns, f"-{family}", "route", "show", "table", "all"):
            r = {k: v for k, v in r.items() if k not in ("flags", "pref")}
            routes_.append(f"ipv{family} " + json.dumps(r, sort_keys=True))
    return {"links": links, "addrs": sorted(addr_set(ns)),
            "routes": sorted(routes_)}


def without_ours(state):
    """kernel_state minus what carries anycastd's protocol, and minus the
    routes the kernel makes for anycastd's addresses (local, and the IPv6
    prefix route of a /128)."""
    ours = {a[1].split("/")[0] for a in state["addrs"] if a[2] == PROTO}

    def theirs(r):
        d = json.loads(r.split(" ", 1)[1])
        if d.get("protocol") in (str(PROTO), "anycastd"):
            return False
        return not (d.get("protocol") == "kernel" and d.get("dst") in ours)
    return {"links": state["links"],
            "addrs": [a for a in state["addrs"] if a[2] != PROTO],
            "routes": [r for r in state["routes"] if theirs(r)]}


class RouteMonitor:
    """`ip monitor route` in a namespace for the length of a test step:
    which routes were deleted (a flap the snapshots before and after
    would not show)."""

    def __init__(self, lab, ns, name):
        self.proc = ns.spawn(name, ["ip", "-ts", "monitor", "route"])
        # Until it listens: a probe route, added and removed until the
        # monitor shows it.
        probe = "203.0.113.250/32"

        def seen():
            ns.ip("route", "replace", "blackhole", probe, "proto", "static")
            ns.ip("route", "del", "blackhole", probe, "proto", "static")
            return f"Deleted blackhole {probe.split('/')[0]}" in \
                self.proc.log()
        wait_until(seen, 5, "ip monitor to listen", interval=0.05)

    def deleted(self, dst):
        """The monitor's lines telling that a route to dst went."""
        plain = dst.split("/")[0]
        return [line for line in self.proc.log().splitlines()
                if "Deleted" in line and f" {plain} " in f" {line} "]

    def stop(self):
        self.proc.kill()


# ---- anycastd's own view ----------------------------------------------------

def kernel_list(acd):
    """The "kernel" list of `anycastctl --json show routes`."""
    return acd.ctl("show", "routes")["kernel"]


def kernel_entry(acd, prefix, kind="route"):
    for e in kernel_list(acd):
        if e["prefix"] == prefix and e["kind"] == kind:
            return e
    return None


def ctl_hops(entry):
    """Sorted [(via, weight)] of a show-routes kernel entry."""
    return sorted((h["via"], h["weight"]) for h in entry["nexthops"])


def daemon_kernel(acd):
    d = acd.status()["daemon"]
    return d["kernel_errors"], d["kernel_last_error"]


def forget_killed(acd):
    """After SIGKILLing anycastd on purpose: it died of that, without a
    sanitizer report; teardown must not fail on its exit status."""
    rc = acd.wait_exit(5)
    log = acd.log()
    assert rc == -9, f"anycastd exit {rc}, expected SIGKILL"
    assert not sanitizer_reports(log), sanitizer_reports(log)
    acd.proc = None
    return log


def run_to_exit(acd, timeout=10):
    """Start anycastd expecting it to fail at start: (exit code, log)."""
    proc = acd.ns.spawn("anycastd-fail", [ANYCASTD, "-f", "-d", "-c",
                                          acd.conf])
    rc = proc.wait(timeout)
    if rc is None:
        proc.kill()
        raise AssertionError(f"anycastd still running {timeout}s after "
                             f"start:\n{proc.log()}")
    return rc, proc.log()


# ---- checks the test drives -------------------------------------------------

def flag_dir(lab):
    """A directory for Flag files that anycastd's exec checks can see
    when the daemon runs them as an unprivileged user (the test's workdir
    is 0700 root).  A sibling of the workdir, named like it, so that the
    run script's cleanup finds it too."""
    d = getattr(lab, "kernel_flag_dir", None)
    if d is None:
        d = Path(tempfile.mkdtemp(prefix=f"acd-t-{lab_module.RUN_ID}-flags-",
                                  dir="/tmp"))
        d.chmod(0o755)
        lab.on_close(lambda: shutil.rmtree(d, ignore_errors=True))
        lab.kernel_flag_dir = d
    return d


class Flag:
    """An exec check that fails while a file exists: set(False) makes its
    service (or backend) fail, set(True) pass again."""

    def __init__(self, lab, name):
        self.path = flag_dir(lab) / f"{name}.down"

    def check(self, interval="200ms"):
        # Exit 2: down (1 would be degraded, which still passes).
        return (f'check exec {{ command "/bin/sh" "-c" "test -e '
                f'{self.path} && exit 2; exit 0"; interval {interval}; '
                f'timeout 150ms; rise 1; fall 1; }}')

    def set(self, healthy):
        if healthy:
            self.path.unlink(missing_ok=True)
        else:
            self.path.touch()


def dns_check(interval="200ms"):
    """The DNS check each backend gets: the zone's SOA, authoritative."""
    return (f"check dns {{ query example.test SOA; expect authoritative; "
            f"interval {interval}; timeout 150ms; rise 2; fall 2; }}")


# ---- topology ---------------------------------------------------------------

def veth(ns_a, dev_a, addrs_a, ns_b, dev_b, addrs_b):
    """A veth pair dev_a in ns_a <-> dev_b in ns_b, addressed and up.
    (lab.Lab.veth always names them veth0/veth1: a router needs more.)"""
    ns_a.ip("link", "add", dev_a, "type", "veth", "peer", "name", dev_b,
            "netns", ns_b.name)
    for ns, dev, cidrs in ((ns_a, dev_a, addrs_a), (ns_b, dev_b, addrs_b)):
        for cidr in cidrs:
            ns.add_addr(cidr, dev)
        ns.ip("link", "set", dev, "up")


def sysctl(ns, *settings):
    ns.run(["sysctl", "-q", "-w", *settings])


class Backend:
    """A DNS server namespace behind the router, on link be<i>."""

    def __init__(self, lab, router_ns, i):
        self.lab = lab
        self.i = i
        self.ns = lab.netns()
        self.dev = f"be{i}"             # the router's side
        self.addr4 = f"198.51.100.{16 * (i - 1) + 2}"
        self.addr6 = f"2001:db8:{i}::2"
        self.gw4 = f"198.51.100.{16 * (i - 1) + 1}"
        self.gw6 = f"2001:db8:{i}::1"
        veth(router_ns, self.dev, [f"{self.gw4}/28", f"{self.gw6}/64"],
             self.ns, "veth0", [f"{self.addr4}/28", f"{self.addr6}/64"])
        # Replies to clients beyond the router (the neighbour) go back
        # through it; the service addresses are on lo for those clients.
        self.ns.ip("route", "add", "default", "via", self.gw4)
        self.ns.ip("-6", "route", "add", "default", "via", self.gw6)
        self.ns.add_addr(PREFIX4)
        self.ns.add_addr(PREFIX6)
        self.nsd = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.nsd = Nsd(self.lab, self.ns,
                       [self.addr4, self.addr6, ANYCAST4, ANYCAST6],
                       name=f"nsd-b{self.i}-{self.starts}")

    def kill(self):
        self.nsd.kill()

    def vias(self, weight=1, check=None):
        """This backend's two `via` lines, each with its check (by default
        a DNS query to that address)."""
        return "".join(f"\n                via {a} weight {weight} "
                       f"{check or dns_check()};"
                       for a in (self.addr4, self.addr6))


class RouterSite:
    """Router namespace R with backends 1 and 2, and anycastd in R keeping
    192.0.2.53/32 and 2001:db8::53/128 over the healthy ones (weights:
    backend 1 gets 3, backend 2 gets 1).

    nsd=True: each backend runs NSD and is checked with DNS queries;
    nsd=False: each backend's health is a Flag (self.flag[i]), for tests
    about the kernel side only.  extra: more config after the service."""

    WEIGHTS = {1: 3, 2: 1}

    def __init__(self, lab, nsd=True, extra="", start_acd=True):
        self.lab = lab
        self.nsd = nsd
        self.r = lab.netns()
        # No duplicate address detection: links are usable at once (bgpd
        # waits for a non-tentative link-local address on its link).
        sysctl(self.r, "net.ipv4.ip_forward=1",
               "net.ipv6.conf.all.forwarding=1",
               "net.ipv6.conf.all.accept_dad=0",
               "net.ipv6.conf.default.accept_dad=0")
        self.b = {i: Backend(lab, self.r, i) for i in (1, 2)}
        self.flag = {i: Flag(lab, f"backend{i}") for i in (1, 2)}
        if nsd:
            for b in self.b.values():
                b.start()
        self.acd = Anycastd(lab, self.r, self.config() + extra,
                            start=start_acd)

    def check(self, i):
        return None if self.nsd else self.flag[i].check()

    def config(self, backends=(1, 2)):
        vias = "".join(self.b[i].vias(self.WEIGHTS[i], self.check(i))
                       for i in backends)
        return f"""
            service dns {{
                prefix {PREFIX4};
                prefix {PREFIX6};
                drain time 0s;
                route {{{vias}
                }}
            }}
            """

    def expect_hops(self, *backends):
        """What the kernel should hold for PREFIX4 and PREFIX6 when exactly
        `backends` are healthy: {prefix: hops()}."""
        want = {}
        for prefix, fam in ((PREFIX4, 4), (PREFIX6, 6)):
            hs = [(self.b[i].addr4 if fam == 4 else self.b[i].addr6,
                   self.b[i].dev,
                   self.WEIGHTS[i] if len(backends) > 1 else None)
                  for i in backends]
            want[prefix] = sorted(hs) if hs else None
        return want

    def kernel_hops(self):
        ours = our_routes(self.r)
        return {p: hops(ours.get(p)) for p in (PREFIX4, PREFIX6)}

    def wait_hops(self, backends, timeout):
        """Until the kernel's routes have exactly `backends` as next hops
        (no route at all when none)."""
        want = self.expect_hops(*backends)

        def match():
            if not self.acd.alive():
                raise AssertionError(f"anycastd died:\n{self.acd.log()}")
            self.last = self.kernel_hops()
            return self.last == want
        try:
            return wait_until(match, timeout,
                              f"routes over backends {backends}")[1]
        except AssertionError:
            raise AssertionError(
                f"kernel never held {want}; last seen {self.last}\n"
                f"show routes: {self.acd.try_ctl('show', 'routes')}\n"
                f"show checks: {self.acd.try_ctl('show', 'checks')}") \
                from None


# ---- routing daemons redistributing the route -------------------------------

R_AS, N_AS = 65010, 65020
R_NBR4, N_ADDR4 = "198.51.100.33", "198.51.100.34"
R_NBR6, N_ADDR6 = "2001:db8:3::1", "2001:db8:3::2"


def listening(pid, port):
    """True once a socket of pid's network namespace listens on TCP port."""
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{name}").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError):
            return False
        for line in lines[1:]:
            fields = line.split()
            if fields[3] == "0A" and \
                    int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


class BirdNeighbour:
    """BIRD 2 in namespace N, linked to R: BGP sessions over IPv4 (for
    IPv4) and IPv6 (for IPv6), passive, importing all into its table and
    exporting that to N's kernel."""

    def __init__(self, lab, r_ns):
        self.lab = lab
        self.ns = lab.netns()
        sysctl(self.ns, "net.ipv6.conf.all.accept_dad=0",
               "net.ipv6.conf.default.accept_dad=0")
        veth(r_ns, "nbr0", [f"{R_NBR4}/28", f"{R_NBR6}/64"],
             self.ns, "veth0", [f"{N_ADDR4}/28", f"{N_ADDR6}/64"])
        d = Path(lab.workdir) / "bird-n"
        d.mkdir()
        self.sock = d / "bird.ctl"
        conf = d / "bird.conf"
        conf.write_text(f"""\
log stderr all;
router id {N_ADDR4};
protocol device {{ }}
protocol kernel {{ ipv4 {{ import none; export all; }}; }}
protocol kernel {{ ipv6 {{ import none; export all; }}; }}
protocol bgp r4 {{
    local {N_ADDR4} as {N_AS};
    neighbor {R_NBR4} as {R_AS};
    passive on;
    ipv4 {{ import all; export none; }};
}}
protocol bgp r6 {{
    local {N_ADDR6} as {N_AS};
    neighbor {R_NBR6} as {R_AS};
    passive on;
    ipv6 {{ import all; export none; }};
}}
""")
        self.proc = self.ns.spawn("bird-n", ["bird", "-f", "-c", conf,
                                             "-s", self.sock])
        wait_until(lambda: self.alive() and self.birdc("show", "status"),
                   10, "the neighbour's BIRD to answer birdc")

    def alive(self):
        if not self.proc.alive():
            raise AssertionError(f"neighbour BIRD exited:\n{self.proc.log()}")
        return True

    def birdc(self, *cmd):
        res = lab_module.run(["birdc", "-s", self.sock, *cmd], check=False)
        return res.stdout if res.returncode == 0 else None

    def established(self):
        out = self.birdc("show", "protocols") or ""
        return all(any(line.split()[:1] == [p] and "Established" in line
                       for line in out.splitlines())
                   for p in ("r4", "r6"))

    def bgp_prefixes(self):
        """The prefixes BIRD's table holds from R over BGP."""
        found = set()
        for proto in ("r4", "r6"):
            out = self.birdc("show", "route", "protocol", proto) or ""
            for line in out.splitlines():
                first = line.split()[:1]
                if first and "/" in first[0]:
                    found.add(first[0])
        return found

    def kernel_prefixes(self):
        """The service prefixes in N's own forwarding table."""
        ours = set()
        for fam, p in ((4, PREFIX4), (6, PREFIX6)):
            if p in routes(self.ns, fam, p):
                ours.add(p)
        return ours

    def describe(self):
        return (f"\nneighbour protocols:\n{self.birdc('show', 'protocols')}"
                f"\nneighbour routes:\n{self.birdc('show', 'route')}")


class BirdRouter:
    """BIRD 2 in R: the kernel protocol learns the routes of protocol 53
    (krt_source) and BGP exports just those to the neighbour."""

    kind = "bird"

    def __init__(self, lab, ns):
        d = Path(lab.workdir) / "bird-r"
        d.mkdir()
        self.sock = d / "bird.ctl"
        conf = d / "bird.conf"
        conf.write_text(f"""\
log stderr all;
router id {R_NBR4};
protocol device {{ }}
# anycastd's routes: learnt from the kernel (alien routes), only those of
# its protocol, never written back.
protocol kernel k4 {{
    learn;
    scan time 2;
    ipv4 {{ import where krt_source = {PROTO}; export none; }};
}}
protocol kernel k6 {{
    learn;
    scan time 2;
    ipv6 {{ import where krt_source = {PROTO}; export none; }};
}}
template bgp nbr {{
    local as {R_AS};
    connect delay time 1;
    connect retry time 1;
    error wait time 1, 2;
}}
protocol bgp n4 from nbr {{
    local {R_NBR4};
    neighbor {N_ADDR4} as {N_AS};
    ipv4 {{ import none; export where proto = "k4"; }};
}}
protocol bgp n6 from nbr {{
    local {R_NBR6};
    neighbor {N_ADDR6} as {N_AS};
    ipv6 {{ import none; export where proto = "k6"; }};
}}
""")
        self.proc = ns.spawn("bird-r", ["bird", "-f", "-c", conf,
                                        "-s", self.sock])
        wait_until(lambda: self.alive() and listening(self.proc.pid, 179)
                   and self.birdc("show", "status"), 10,
                   "the router's BIRD to answer birdc")

    def alive(self):
        if not self.proc.alive():
            raise AssertionError(f"router BIRD exited:\n{self.proc.log()}")
        return True

    def birdc(self, *cmd):
        res = lab_module.run(["birdc", "-s", self.sock, *cmd], check=False)
        return res.stdout if res.returncode == 0 else None

    def describe(self):
        return (f"\nrouter BIRD routes:\n{self.birdc('show', 'route', 'all')}"
                f"\nrouter BIRD log (tail):\n"
                + "\n".join(self.proc.log().splitlines()[-20:]))


class FrrRouter:
    """zebra and bgpd in R, each with its own state and socket directory:
    zebra learns anycastd's kernel routes, bgpd `redistribute kernel`s
    them to the neighbour."""

    kind = "frr"

    def __init__(self, lab, ns):
        # The test's workdir is 0700 root; FRR runs as frr.  A sibling
        # named like it, so the run script's cleanup finds it too.
        self.dir = Path(tempfile.mkdtemp(
            prefix=f"acd-t-{lab_module.RUN_ID}-frr-", dir="/tmp"))
        shutil.chown(self.dir, "frr", "frr")
        lab.on_close(lambda: shutil.rmtree(self.dir, ignore_errors=True))
        common = ["-u", "frr", "-g", "frr", "-z", self.dir / "zserv.api",
                  "--vty_socket", self.dir, "-P", "0", "--log", "stdout"]
        zconf = self.dir / "zebra.conf"
        zconf.write_text("hostname r-zebra\n")
        shutil.chown(zconf, "frr", "frr")
        self.zebra = ns.spawn("zebra", ["/usr/lib/frr/zebra", "-f", zconf,
                                        "-i", self.dir / "zebra.pid",
                                        *common])
        wait_until(lambda: self.alive()
                   and (self.dir / "zserv.api").exists(), 10,
                   "zebra's API socket")
        bconf = self.dir / "bgpd.conf"
        bconf.write_text(f"""\
frr defaults traditional
hostname r-bgpd
!
router bgp {R_AS}
 bgp router-id {R_NBR4}
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor {N_ADDR4} remote-as {N_AS}
 neighbor {N_ADDR4} timers connect 1
 neighbor {N_ADDR6} remote-as {N_AS}
 neighbor {N_ADDR6} timers connect 1
 address-family ipv4 unicast
  redistribute kernel
  neighbor {N_ADDR4} activate
 exit-address-family
 address-family ipv6 unicast
  redistribute kernel
  neighbor {N_ADDR6} activate
 exit-address-family
!
""")
        shutil.chown(bconf, "frr", "frr")
        self.bgpd = ns.spawn("bgpd", ["/usr/lib/frr/bgpd", "-f", bconf,
                                      "-i", self.dir / "bgpd.pid", *common])
        wait_until(lambda: self.alive() and listening(self.bgpd.pid, 179)
                   and self.vtysh("bgpd", "show bgp summary json"), 10,
                   "bgpd to listen and answer vtysh")

    def alive(self):
        for p in (self.zebra, getattr(self, "bgpd", None)):
            if p is not None and not p.alive():
                raise AssertionError(f"{p.name} exited:\n{p.log()}")
        return True

    def vtysh(self, daemon_, *cmds):
        argv = ["vtysh", "--vty_socket", self.dir, "-d", daemon_]
        for c in cmds:
            argv += ["-c", c]
        res = lab_module.run(argv, check=False)
        return res.stdout if res.returncode == 0 else None

    def describe(self):
        zebra = self.vtysh("zebra", "show ip route", "show ipv6 route")
        bgpd = self.vtysh("bgpd", "show bgp ipv4 unicast",
                          "show bgp ipv6 unicast")
        return (f"\nzebra routes:\n{zebra}\nbgpd:\n{bgpd}"
                f"\nzebra log (tail):\n"
                + "\n".join(self.zebra.log().splitlines()[-15:])
                + "\nbgpd log (tail):\n"
                + "\n".join(self.bgpd.log().splitlines()[-15:]))


def frr_runnable():
    """Why FRR cannot run here, or None."""
    for path in ("/usr/lib/frr/zebra", "/usr/lib/frr/bgpd", "/usr/bin/vtysh"):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed"
    try:
        subprocess.run(["id", "frr"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        return "there is no frr user"
    return None


if __name__ == "__main__":
    if sys.argv[1:] != ["addrs"]:
        sys.exit("usage: kernel_helpers.py addrs")
    json.dump(netlink_addrs(), sys.stdout)
