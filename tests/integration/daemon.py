# SPDX-License-Identifier: ISC
"""anycastd under test, and anycastctl to look at it.

The daemon runs in the foreground (-f -d) inside a namespace, logging to
a file in the test's scratch directory.  Its control socket is a path in
that directory: a Unix socket bound to a path is reachable from any network
namespace, so anycastctl runs from the test's own namespace.

Every look at the daemon goes through `anycastctl --json`, as an operator's
script would; nothing parses the human log except to show it on failure.

When the test ends, Anycastd.close() asks for an orderly shutdown (one
SIGTERM), then fails the test if the daemon did not exit 0 within its
drain time or if its stderr holds a sanitizer report (make check runs
this suite against the ASan+UBSan build).
"""

import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import lab

BUILD = Path(os.environ.get("ANYCASTD_BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = lab.REPO / BUILD
ANYCASTD = BUILD / "anycastd"
ANYCASTCTL = BUILD / "anycastctl"

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:")


def sanitizer_reports(text):
    return [line for line in text.splitlines()
            if any(m in line for m in SANITIZER_MARKERS)]


class CtlError(AssertionError):
    pass


class Anycastd:
    def __init__(self, lab_, ns, config, shutdown_wait=3.0, start=True,
                 name="anycastd"):
        """config: the services (and any other statements) of the config;
        the control socket and stderr logging are added here.
        shutdown_wait: how long close() waits after SIGTERM, at least the
        longest `drain time` in config.  name: of the config, socket and
        log files, for several daemons in one test."""
        self.lab = lab_
        self.ns = ns
        self.name = name
        self.conf = lab_.workdir / f"{name}.conf"
        self.sock = lab_.workdir / f"{name}.sock"
        self.shutdown_wait = shutdown_wait
        self.proc = None
        # anycastd drops root: its user reads the config on reload and
        # its exec user runs the tests' scripts from here.
        os.chmod(lab_.workdir, 0o755)
        self.write_config(config)
        lab_.on_close(self.close)
        if start:
            self.start()

    # -- config ---------------------------------------------------------
    def header(self):
        return f'control "{self.sock}";\nlog stderr;\n'

    def config_text(self, config):
        return self.header() + textwrap.dedent(config).lstrip("\n")

    def write_config(self, config, path=None):
        path = path or self.conf
        Path(path).write_text(self.config_text(config))
        return path

    def check_config(self, path):
        """anycastd -t -c PATH: (exit code, stderr)."""
        res = lab.run([ANYCASTD, "-t", "-c", path], check=False)
        return res.returncode, res.stderr + res.stdout

    # -- process --------------------------------------------------------
    def start(self, timeout=10):
        self.proc = self.ns.spawn(self.name,
                                  [ANYCASTD, "-f", "-d", "-c", self.conf])
        lab.wait_until(self._control_ready, timeout,
                       "anycastd's control socket to answer status")

    def _control_ready(self):
        if not self.proc.alive():
            raise AssertionError(
                f"anycastd exited with {self.proc.popen.returncode} at "
                f"start:\n{self.log()}")
        return self.try_ctl("status") is not None

    def log(self):
        return self.proc.log() if self.proc else ""

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def signal(self, sig):
        self.proc.signal(sig)       # the daemon only, not its group

    def wait_exit(self, timeout):
        return self.proc.wait(timeout)

    def close(self):
        """Orderly shutdown, then the checks every test gets for free."""
        if self.proc is None:
            return
        rc = self.proc.popen.returncode
        how = "before the end of the test"
        if self.alive():
            how = "on SIGTERM"
            self.signal(signal.SIGTERM)
            rc = self.wait_exit(self.shutdown_wait)
            if rc is None:
                self.proc.kill()
        log = self.log()
        print("---- anycastd stderr (last 60 lines) ----\n"
              + "\n".join(log.splitlines()[-60:]))
        reports = sanitizer_reports(log)
        assert not reports, f"sanitizer report in anycastd stderr: {reports}"
        assert rc is not None, \
            f"anycastd still running {self.shutdown_wait}s after SIGTERM"
        assert rc == 0, f"anycastd exited {rc} {how}"

    # -- anycastctl -----------------------------------------------------
    def ctl_raw(self, *args, timeout=5):
        """Run anycastctl --json ARGS: (CompletedProcess, parsed JSON or None)."""
        res = subprocess.run(
            [ANYCASTCTL, "-s", self.sock, "--json", *map(str, args)],
            capture_output=True, text=True, timeout=timeout)
        try:
            data = json.loads(res.stdout)
        except ValueError:
            data = None
        return res, data

    def ctl(self, *args):
        """anycastctl --json ARGS, which must succeed with ok:true."""
        res, data = self.ctl_raw(*args)
        if data is None or data.get("ok") is not True or res.returncode != 0:
            raise CtlError(f"anycastctl {' '.join(map(str, args))}: exit "
                           f"{res.returncode}, stdout {res.stdout!r}, "
                           f"stderr {res.stderr!r}")
        assert data.get("version") == 1, data
        return data

    def try_ctl(self, *args):
        try:
            return self.ctl(*args)
        except (CtlError, subprocess.TimeoutExpired):
            return None

    def status(self):
        return self.ctl("status")

    def service(self, name):
        for svc in self.status()["services"]:
            if svc["name"] == name:
                return svc
        raise AssertionError(f"no service {name} in status")

    def check(self, service, name):
        for chk in self.ctl("show", "checks")["checks"]:
            if chk["service"] == service and chk["name"] == name:
                return chk
        raise AssertionError(f"no check {service}/{name} in show checks")

    def wait_state(self, service, states, timeout):
        """Poll until the service is in one of states: (service, seconds)."""
        if isinstance(states, str):
            states = (states,)

        def reached():
            if not self.alive():
                raise AssertionError(f"anycastd died:\n{self.log()}")
            svc = self.service(service)
            return svc if svc["state"] in states else None

        try:
            return lab.wait_until(reached, timeout,
                                  f"service {service} in {states}")
        except AssertionError as e:
            raise AssertionError(
                f"{e}\nshow checks: {self.try_ctl('show', 'checks')}") from None

    def watch(self, service, seconds, interval=0.05):
        """Poll for `seconds`; returns every service state seen, in order."""
        seen = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self.alive():
                raise AssertionError(f"anycastd died:\n{self.log()}")
            state = self.service(service)["state"]
            if not seen or seen[-1] != state:
                seen.append(state)
            time.sleep(interval)
        return seen


def ms(seconds):
    """A duration for the config, in its own unit syntax: 0.3 -> "300ms"."""
    return f"{round(seconds * 1000)}ms"
