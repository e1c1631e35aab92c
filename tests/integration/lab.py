# SPDX-License-Identifier: ISC
"""Network namespaces and processes for the integration tests.

A Lab owns everything one test creates: a scratch directory, network
namespaces named "acd-t-<run>-<random>", the veth pairs between them and
the processes started in them.  Lab.close() undoes it all in reverse
order, also when the test failed: processes first (each killed through the
process group of the process the test itself started, never by name),
then the namespaces, then the scratch directory.

Only documentation prefixes are ever configured, and only inside the
namespaces: the host's own interfaces are never touched.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.rcode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PYTHON = "/usr/bin/python3"      # Debian's, which has pytest and dnspython

# The run script exports a run id so that it can clean up namespaces left
# behind by an interrupted run (and only those) after pytest has exited.
RUN_ID = os.environ.get("ACD_TEST_RUN", secrets.token_hex(3))


def wait_until(predicate, timeout, what, interval=0.02):
    """Poll predicate() until it returns a true value or timeout seconds pass.

    Returns (value, elapsed seconds).  Raises AssertionError naming `what`
    and the last value seen, so a failure says what was waited for.
    """
    start = time.monotonic()
    deadline = start + timeout
    last = None
    while True:
        last = predicate()
        now = time.monotonic()
        if last:
            return last, now - start
        if now >= deadline:
            raise AssertionError(
                f"timed out after {timeout:.2f}s waiting for {what}; "
                f"last value: {last!r}")
        time.sleep(min(interval, max(0.0, deadline - now)))


def run(argv, check=True, timeout=20, **kw):
    """Run a command to completion; its output is returned as text."""
    res = subprocess.run(argv, capture_output=True, text=True,
                         timeout=timeout, **kw)
    if check and res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))}: exit "
                           f"{res.returncode}: {res.stderr.strip()}")
    return res


class Proc:
    """A process the test started in its own session (so pgid == pid).

    Signals go either to the process alone or to its whole group: NSD forks
    server children that answer the queries, so stopping or killing "the
    server" means its group.
    """

    def __init__(self, name, popen, log_path):
        self.name = name
        self.popen = popen
        self.pid = popen.pid
        self.log_path = log_path

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def signal_group(self, sig):
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """SIGKILL the whole group (SIGCONT too, in case it was stopped)."""
        self.signal_group(signal.SIGKILL)
        self.signal_group(signal.SIGCONT)
        self.popen.wait(10)

    def log(self):
        try:
            return Path(self.log_path).read_text(errors="replace")
        except FileNotFoundError:
            return ""


class Netns:
    """One network namespace, lo up, nothing else until asked."""

    def __init__(self, lab, name):
        self.lab = lab
        self.name = name

    def ip(self, *args):
        return run(["ip", "-n", self.name, *args])

    def add_addr(self, cidr, dev="lo"):
        # nodad: a test must not wait ~2s for IPv6 duplicate detection.
        extra = ["nodad"] if ":" in cidr else []
        self.ip("addr", "add", cidr, "dev", dev, *extra)

    def exec_argv(self, argv):
        return ["ip", "netns", "exec", self.name, *map(str, argv)]

    def run(self, argv, **kw):
        return run(self.exec_argv(argv), **kw)

    def spawn(self, name, argv, env=None):
        """Start argv in this namespace, output to <workdir>/<name>.log.

        `ip netns exec` execs argv in place, so the pid we get is the pid
        of the program itself.
        """
        return self.lab.spawn(name, self.exec_argv(argv), env=env)

    def query(self, server, qname, rdtype="SOA", **kw):
        """One DNS exchange from inside this namespace, see dnsprobe.py."""
        return dns_probe(self, server, qname, rdtype, **kw)


class Lab:
    def __init__(self):
        # Short path: Unix socket paths are limited to 107 bytes.
        self.workdir = Path(tempfile.mkdtemp(prefix=f"acd-t-{RUN_ID}-",
                                            dir="/tmp"))
        self.namespaces = []
        self.procs = []
        self.finalizers = []

    def netns(self):
        name = f"acd-t-{RUN_ID}-{secrets.token_hex(3)}"
        run(["ip", "netns", "add", name])
        ns = Netns(self, name)
        self.namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        return ns

    def veth(self, ns_a, addrs_a, ns_b, addrs_b):
        """A veth pair "veth0" in ns_a <-> "veth1" in ns_b, both up.

        Created inside ns_a with its peer moved straight into ns_b, so no
        interface ever exists in the host's namespace.
        """
        ns_a.ip("link", "add", "veth0", "type", "veth",
                "peer", "name", "veth1", "netns", ns_b.name)
        for ns, dev, addrs in ((ns_a, "veth0", addrs_a),
                               (ns_b, "veth1", addrs_b)):
            for cidr in addrs:
                ns.add_addr(cidr, dev)
            ns.ip("link", "set", dev, "up")

    def spawn(self, name, argv, env=None):
        log_path = self.workdir / f"{name}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log, env=env,
                                     start_new_session=True)
        proc = Proc(name, popen, log_path)
        self.procs.append(proc)
        return proc

    def on_close(self, fn):
        """Run fn() first in close(), e.g. an orderly daemon shutdown."""
        self.finalizers.append(fn)

    def close(self):
        errors = []
        for fn in reversed(self.finalizers):
            try:
                fn()
            except Exception as e:          # keep tearing down, report later
                errors.append(e)
        for proc in reversed(self.procs):
            if proc.alive():
                proc.kill()
            else:
                # Its children (NSD's servers) may still run.
                proc.signal_group(signal.SIGKILL)
        for ns in reversed(self.namespaces):
            run(["ip", "netns", "del", ns.name], check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)
        if errors:
            raise errors[0]


class ProbeResult:
    """What dnsprobe.py saw: the raw query and answer, or an error."""

    def __init__(self, data):
        self.error = data.get("error")
        self.query = bytes.fromhex(data.get("query", ""))
        self.answer = bytes.fromhex(data["answer"]) if "answer" in data else None
        self.rtt_ms = data.get("rtt_ms")

    def message(self):
        return dns.message.from_wire(self.answer)

    def __repr__(self):
        return (f"ProbeResult(error={self.error!r}, rtt_ms={self.rtt_ms}, "
                f"answer={self.answer.hex() if self.answer else None})")


def dns_probe(ns, server, qname, rdtype="SOA", rdclass="IN", port=53,
              tcp=False, nsid=False, timeout=1.0):
    argv = [PYTHON, HERE / "dnsprobe.py", server, qname, rdtype,
            "--class", rdclass, "--port", port, "--timeout", timeout]
    if tcp:
        argv.append("--tcp")
    if nsid:
        argv.append("--nsid")
    res = ns.run(argv, timeout=timeout + 10)
    return ProbeResult(json.loads(res.stdout))


def answers_soa(ns, server, port=53, tcp=False, qname="example.test"):
    """True once server answers qname SOA with NOERROR and AA set."""
    res = dns_probe(ns, server, qname, "SOA", port=port, tcp=tcp,
                    timeout=0.5)
    if res.answer is None:
        return False
    try:
        msg = res.message()
    except Exception:
        return False
    return (msg.rcode() == dns.rcode.NOERROR
            and bool(msg.flags & dns.flags.AA) and len(msg.answer) > 0)
