# SPDX-License-Identifier: ISC
"""Start relay.py and hostile.py in a namespace and wait until they answer."""

import os

import hostile
import lab


class Relay:
    """relay.py on listen:port in front of server:server_port."""

    def __init__(self, lab_, ns, listen, server, port=53, server_port=53,
                 name="relay", truncate_udp=False, authoritative=True):
        self.ns = ns
        self.authoritative = authoritative
        self.listen = listen
        self.port = port
        self.truncate_udp = truncate_udp
        self.delay_file = lab_.workdir / f"{name}.delay_ms"
        self.set_delay(0)
        self.proc = ns.spawn(name, [
            lab.PYTHON, lab.HERE / "relay.py", "--listen", listen,
            "--port", port, "--server", server, "--server-port", server_port,
            "--delay-file", self.delay_file]
            + (["--truncate-udp"] if truncate_udp else []))
        lab.wait_until(self._answers, 10, f"relay answering on {listen}",
                       interval=0.05)

    def _answers(self):
        if not self.proc.alive():
            raise AssertionError(f"relay exited: {self.proc.log()}")
        if not self.authoritative:
            return self.ns.query(self.listen, "example.test", "SOA",
                                 port=self.port, tcp=self.truncate_udp,
                                 timeout=0.5).answer is not None
        return lab.answers_soa(self.ns, self.listen, self.port,
                               tcp=self.truncate_udp)

    def _query_lines(self):
        return [line.split() for line in self.proc.log().splitlines()
                if line.startswith(("udp ", "tcp "))]

    def queries(self):
        """(transport, name, type, class) of every query relayed so far."""
        return [tuple(f[:4]) for f in self._query_lines()]

    def query_times(self):
        """When each query came, in seconds (CLOCK_MONOTONIC)."""
        return [float(f[4]) for f in self._query_lines() if len(f) > 4]

    def set_delay(self, ms):
        # Write then rename: the relay never reads a half-written file.
        tmp = self.delay_file.with_suffix(".tmp")
        tmp.write_text(f"{int(ms)}\n")
        os.replace(tmp, self.delay_file)


class Hostile:
    """hostile.py on listen:port, answering every query wrongly."""

    def __init__(self, lab_, ns, listen, mode, port=53, name="hostile",
                 spoof_from=None):
        self.ns = ns
        self.listen = listen
        self.port = port
        self.mode = mode
        self.proc = ns.spawn(name, [
            lab.PYTHON, lab.HERE / "hostile.py", "--listen", listen,
            "--port", port, "--mode", mode]
            + (["--from", spoof_from] if spoof_from else []))
        lab.wait_until(self._answers, 10, f"hostile answering on {listen}",
                       interval=0.05)

    def _answers(self):
        if not self.proc.alive():
            raise AssertionError(f"hostile exited: {self.proc.log()}")
        if self.mode in hostile.SPOOF_MODES:
            # A spoofed answer is no answer to a checking client either.
            return "hostile ready" in self.proc.log()
        return self.ns.query(self.listen, "example.test", "SOA",
                             port=self.port, timeout=0.5).answer is not None

    def spoofed(self):
        """How many spoofed answers it has sent."""
        return self.proc.log().count("spoofed ")
