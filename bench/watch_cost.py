#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""What watches cost while all is well (issue 16): anycastd with N
services, each with one dns check (default timers) of the same NSD, with
no watch, with `watch process pidfile`, and with that plus `watch
listener udp; watch listener tcp;`, and with `watch tcp-session;` (a TCP
session per service, NSD allowing 2,000).  For each: anycastd's CPU time
(utime+stime from /proc/PID/stat) over a window after the services are
up, and its resident memory (VmRSS).  The difference from the first row
is the watches' cost.

    bench/watch_cost.py [--services 1000] [--window 20]

Needs root: NSD and anycastd run in a network namespace of their own
(tests/integration/lab.py makes and removes it), on 2001:db8::53.
"""

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))

import lab as lab_module  # noqa: E402
from watch_site import Server  # noqa: E402

ANYCASTD = HERE.parent / os.environ.get("ANYCASTD_BUILD", "build") / \
    "anycastd"
TICK = os.sysconf("SC_CLK_TCK")

ROWS = {
    "no watch": "",
    "watch process": 'watch process pidfile "{pidfile}";',
    "watch process + listener udp + tcp":
        'watch process pidfile "{pidfile}"; watch listener udp; '
        'watch listener tcp;',
    "watch tcp-session": "watch tcp-session;",
}


def config(n, watches, pidfile, control):
    out = [f'control "{control}";\nlog stderr;\nlog level warn;\n']
    for i in range(n):
        out.append(f"""service s{i} {{
    prefix 2001:db8:1::{i + 1:x}/128;
    check dns {{
        server 2001:db8::53;
        query example.test SOA;
        {watches.format(pidfile=pidfile)}
    }}
}}
""")
    return "".join(out)


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(the_lab, ns, n, name, watches, pidfile, window):
    conf = Path(the_lab.workdir) / f"acd-{len(os.listdir(the_lab.workdir))}.conf"
    conf.write_text(config(n, watches, pidfile,
                           Path(the_lab.workdir) / f"{conf.stem}.sock"))
    proc = ns.spawn(f"anycastd-{conf.stem}", [ANYCASTD, "-f", "-c", conf])
    try:
        # a whole interval for the spread first probes, and rise
        time.sleep(3)
        if not proc.alive():
            raise SystemExit(f"anycastd exited: {proc.log()}")
        c0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(window)
        c1, t1 = cpu_seconds(proc.pid), time.monotonic()
        rss = rss_kb(proc.pid)
        sessions = len(ns.run(["ss", "-Htn", "state", "established", "dport",
                               "=", ":53"]).stdout.splitlines())
    finally:
        proc.kill()
    return (c1 - c0) / (t1 - t0), rss, sessions


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--window", type=float, default=20)
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("watch_cost: needs root (network namespaces)")
    the_lab = lab_module.Lab()
    # anycastd drops root: its user reads the pid file in here
    os.chmod(the_lab.workdir, 0o755)
    try:
        ns = the_lab.netns()
        ns.add_addr("192.0.2.53/32")
        ns.add_addr("2001:db8::53/128")
        server = Server(the_lab, ns, "nsd")
        pidfile = server.pidfile
        print(f"| {args.services} services, one dns check each "
              f"| CPU (% of one core) | RSS (KiB) | TCP sessions open |")
        print("|---|---|---|---|")
        for name, watches in ROWS.items():
            cpu, rss, sessions = measure(the_lab, ns, args.services, name,
                                         watches, pidfile, args.window)
            print(f"| {name} | {cpu * 100:.1f} | {rss} | {sessions} |",
                  flush=True)
    finally:
        the_lab.close()


if __name__ == "__main__":
    main()
