# SPDX-License-Identifier: ISC
"""Least privilege, read from /proc/PID/status of the running processes.

Started as root, anycastd becomes the `user` (default: anycastd if that
user exists, else a uid that no account, group or process has) and keeps
only CAP_NET_ADMIN, which it uses: a `dynamic` address comes and goes
after the drop.  CAP_NET_BIND_SERVICE stays only for a passive BGP peer
below port 1024, and its listener is rebound by a reload.  The control
socket is root:<the user's group> 0660 for an account of its own, and
root's only (0600) otherwise.  Exec checks run as the `exec user`
(default nobody), never as the daemon's uid, with no capability at all,
also when the daemon itself stays root (`user root;`); the daemon keeps
CAP_SETUID/CAP_SETGID permitted to switch them -- narrowed by a seccomp
filter to the exec user's ids -- and CAP_KILL to kill them, and a child
over its timeout is still killed.  Nothing running as
nobody -- a check included -- can signal the daemon or use its socket.
"""

import os
import pwd
import stat

from daemon import ANYCASTCTL, ANYCASTD, Anycastd
from lab import run, wait_until

START_TIMEOUT = 5.0
CHANGE_TIMEOUT = 3.0

CAP_KILL, CAP_SETGID, CAP_SETUID = 5, 6, 7
CAP_NET_BIND_SERVICE, CAP_NET_ADMIN = 10, 12

PROBE = """\
#!/bin/sh
# Record who the exec check runs as, then pass (or hang, to be killed).
d={out}
id -u > "$d/uid.tmp" && mv "$d/uid.tmp" "$d/uid"
printf '%s\\n' "$HOME" "$USER" "$LOGNAME" > "$d/env.tmp" &&
    mv "$d/env.tmp" "$d/env"
grep -E '^(Uid|Gid|Cap[A-Za-z]+):' /proc/self/status > "$d/status.tmp" &&
    mv "$d/status.tmp" "$d/status"
[ -e "$d/hang" ] || exit 0
echo $$ > "$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid"
exec sleep 30
"""


PRIVATE_UIDS = range(61184, 65519 + 1)
NOBODY = pwd.getpwnam("nobody")


def dedicated_user():
    """The anycastd account, or None: then the daemon takes a free uid."""
    try:
        return pwd.getpwnam("anycastd")
    except KeyError:
        return None


def uids_of_others(pid):
    """Every uid of every process but PID."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == pid:
            continue
        try:
            st = status_of(int(entry))
        except OSError:
            continue
        out.update(st["Uid"])
    return out


def proc_status(text):
    """Uid/Gid as 4-tuples of ints, Cap* as ints."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("Uid", "Gid"):
            out[key] = tuple(int(v) for v in value.split())
        elif key.startswith("Cap"):
            out[key] = int(value.strip(), 16)
    return out


def status_of(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return proc_status(f.read())


def bits(*caps):
    return sum(1 << c for c in caps)


class Probe:
    """The exec check script and the directory it reports into."""

    def __init__(self, lab):
        # The unprivileged users must reach the script, its output
        # directory, and the config (reloads) in the scratch directory.
        os.chmod(lab.workdir, 0o755)
        self.out = lab.workdir / "probe-out"
        self.out.mkdir(mode=0o777)
        self.out.chmod(0o777)
        self.script = lab.workdir / "probe.sh"
        self.script.write_text(PROBE.format(out=self.out))
        self.script.chmod(0o755)

    def check(self, interval="200ms", timeout="200ms"):
        return f"""check exec probe {{
                command "{self.script}";
                interval {interval}; timeout {timeout}; rise 1; fall 1;
            }}"""

    def child(self):
        """(uid, /proc status) of the last run, once there is one."""
        def ready():
            return (self.out / "uid").exists() and \
                (self.out / "status").exists()
        wait_until(ready, START_TIMEOUT, "the exec check to report")
        return (int((self.out / "uid").read_text()),
                proc_status((self.out / "status").read_text()))

    def env(self):
        """HOME, USER and LOGNAME of the last run."""
        wait_until(lambda: (self.out / "env").exists(), START_TIMEOUT,
                   "the exec check to report its environment")
        return tuple((self.out / "env").read_text().splitlines())


def service(probe, extra=""):
    return f"""
        service dns {{
            prefix 192.0.2.99/32;
            address lo dynamic;
            drain time 0s;
            {probe.check()}
        }}
        {extra}
        """


def has_addr(ns, cidr):
    return cidr in ns.run(["ip", "-o", "addr", "show", "dev", "lo"]).stdout


def test_daemon_drops_to_net_admin_and_children_to_nothing(lab, binaries):
    ns = lab.netns()
    probe = Probe(lab)
    acd = Anycastd(lab, ns, service(probe))
    acd.wait_state("dns", "up", START_TIMEOUT)
    # CAP_NET_ADMIN is what it kept, and it works: the address came.
    wait_until(lambda: has_addr(ns, "192.0.2.99/32"), CHANGE_TIMEOUT,
               "the dynamic address on lo")

    st = status_of(acd.proc.pid)
    uid = st["Uid"][0]
    assert st["Uid"] == (uid,) * 4 and uid != 0, st
    # Children are switched to nobody and killed: CAP_SETUID/CAP_SETGID
    # permitted only, CAP_KILL effective.
    assert st["CapEff"] == bits(CAP_NET_ADMIN, CAP_KILL), hex(st["CapEff"])
    assert st["CapPrm"] == bits(CAP_NET_ADMIN, CAP_KILL, CAP_SETUID,
                                CAP_SETGID), hex(st["CapPrm"])
    assert st["CapInh"] == 0 and st["CapAmb"] == 0, st
    # ... and a seccomp filter lets set*id name only nobody (priv_setid.c).
    with open(f"/proc/{acd.proc.pid}/status", encoding="ascii") as f:
        raw = f.read()
    assert "\nNoNewPrivs:\t1\n" in raw and "\nSeccomp:\t2\n" in raw, raw

    child_uid, child = probe.child()
    assert child_uid == NOBODY.pw_uid != uid
    assert child["Uid"] == (NOBODY.pw_uid,) * 4, child
    assert child["CapEff"] == child["CapPrm"] == child["CapAmb"] == 0, child

    sock = os.stat(acd.sock)
    user = dedicated_user()
    if user is not None:
        # An account of its own: root and its group.
        assert uid == user.pw_uid
        assert stat.S_IMODE(sock.st_mode) == 0o660, oct(sock.st_mode)
        assert (sock.st_uid, sock.st_gid) == (0, user.pw_gid), sock
    else:
        # No account: a uid nobody else has, the socket root's alone, and
        # the log says how to create the account.
        assert uid in PRIVATE_UIDS, uid
        assert st["Gid"] == (uid,) * 4, st
        try:
            pwd.getpwuid(uid)
            raise AssertionError(f"uid {uid} belongs to an account")
        except KeyError:
            pass
        assert uid not in uids_of_others(acd.proc.pid)
        assert stat.S_IMODE(sock.st_mode) == 0o600, oct(sock.st_mode)
        assert (sock.st_uid, sock.st_gid) == (0, 0), sock
        assert "adduser --system --group --no-create-home anycastd" in \
            acd.log()

    # Neither nobody (the checks' user) nor anyone else but root can
    # signal the daemon or drive it; anycastctl as root gets in.
    res = run(["runuser", "-u", "nobody", "--", "kill", "-0",
               str(acd.proc.pid)], check=False)
    assert res.returncode != 0 and "not permitted" in res.stderr, res
    res = run(["runuser", "-u", "nobody", "--", str(ANYCASTCTL), "-s",
               str(acd.sock), "disable", "dns"], check=False)
    assert res.returncode != 0, res
    assert acd.service("dns")["state"] == "up"

    # Still able to take the address away after the drop.
    acd.ctl("disable", "dns")
    wait_until(lambda: not has_addr(ns, "192.0.2.99/32"), CHANGE_TIMEOUT,
               "the dynamic address gone after disable")


def test_passive_peer_below_1024_keeps_bind_service(lab, binaries):
    ns = lab.netns()
    probe = Probe(lab)
    config = service(probe, """
        router-id 198.51.100.10;
        bgp upstream {
            local as 65100;
            neighbor 198.51.100.1 as 65001;
            passive;
        }
        """)
    acd = Anycastd(lab, ns, config)
    acd.wait_state("dns", "up", START_TIMEOUT)
    st = status_of(acd.proc.pid)
    want = bits(CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, CAP_KILL)
    assert st["CapEff"] == want, hex(st["CapEff"])
    assert st["CapPrm"] == want | bits(CAP_SETUID, CAP_SETGID), \
        hex(st["CapPrm"])

    def listening():
        return ":179 " in ns.run(["ss", "-Hltn"]).stdout
    wait_until(listening, CHANGE_TIMEOUT, "a listener on port 179")
    # A reload rebinds the listeners: the kept capability is what lets
    # the unprivileged daemon take port 179 again.
    acd.ctl("reload")
    wait_until(listening, CHANGE_TIMEOUT, "port 179 again after reload")
    assert "cannot listen" not in acd.log()


def test_user_root_keeps_root_but_children_are_not(lab, binaries):
    ns = lab.netns()
    probe = Probe(lab)
    acd = Anycastd(lab, ns, "user root;\n" + service(probe))
    acd.wait_state("dns", "up", START_TIMEOUT)
    assert status_of(acd.proc.pid)["Uid"] == (0, 0, 0, 0)
    uid, child = probe.child()
    assert uid == NOBODY.pw_uid
    assert child["CapEff"] == child["CapPrm"] == 0, child


def test_other_exec_user_is_switched_to_and_killed_at_timeout(lab,
                                                              binaries):
    ns = lab.netns()
    probe = Probe(lab)
    other = pwd.getpwnam("daemon")
    acd = Anycastd(lab, ns, f"exec user {other.pw_name};\n" + service(probe))
    acd.wait_state("dns", "up", START_TIMEOUT)
    uid, child = probe.child()
    assert uid == other.pw_uid
    assert child["Uid"] == (other.pw_uid,) * 4, child
    assert child["CapEff"] == child["CapPrm"] == 0, child
    # Switching takes CAP_SETUID/CAP_SETGID, kept permitted but not
    # effective; killing another user's child takes CAP_KILL.
    st = status_of(acd.proc.pid)
    assert st["CapPrm"] == bits(CAP_NET_ADMIN, CAP_KILL, CAP_SETUID,
                                CAP_SETGID), hex(st["CapPrm"])
    assert st["CapEff"] == bits(CAP_NET_ADMIN, CAP_KILL), hex(st["CapEff"])

    (probe.out / "hang").touch()
    acd.wait_state("dns", "down", CHANGE_TIMEOUT)
    assert acd.check("dns", "probe")["last"]["reason"] == "timeout"
    pid = int((probe.out / "pid").read_text())
    wait_until(lambda: not os.path.exists(f"/proc/{pid}"), CHANGE_TIMEOUT,
               f"the hung child {pid} killed")


def test_unknown_user_fails_at_start(lab, binaries):
    conf = lab.workdir / "bad-user.conf"
    conf.write_text(f'control "{lab.workdir}/bad.sock";\nlog stderr;\n'
                    'user no-such-user-here;\n')
    res = run([ANYCASTD, "-f", "-c", conf], check=False, timeout=10)
    assert res.returncode == 1, res
    assert "no such user: no-such-user-here" in res.stderr, res.stderr
    assert not (lab.workdir / "bad.sock").exists()


def test_named_account_gets_the_socket_group_and_checks_run_as_nobody(
        lab, binaries):
    """`user NAME;` names an account of its own: its group gets 0660."""
    ns = lab.netns()
    probe = Probe(lab)
    other = pwd.getpwnam("daemon")
    acd = Anycastd(lab, ns, f"user {other.pw_name};\n" + service(probe))
    acd.wait_state("dns", "up", START_TIMEOUT)
    assert status_of(acd.proc.pid)["Uid"] == (other.pw_uid,) * 4
    sock = os.stat(acd.sock)
    assert stat.S_IMODE(sock.st_mode) == 0o660, oct(sock.st_mode)
    assert (sock.st_uid, sock.st_gid) == (0, other.pw_gid), sock
    uid, _ = probe.child()
    assert uid == NOBODY.pw_uid
    # The exec user's environment; the daemon's own is left alone (the
    # child is a vfork child, sharing the daemon's memory until it execs).
    assert probe.env() == (NOBODY.pw_dir, "nobody", "nobody"), probe.env()
    environ = open(f"/proc/{acd.proc.pid}/environ", "rb").read().split(b"\0")
    assert b"USER=nobody" not in environ and b"LOGNAME=nobody" not in environ


def refused_at_start(lab, statements):
    conf = lab.workdir / "shared-uid.conf"
    conf.write_text(f'control "{lab.workdir}/shared.sock";\nlog stderr;\n'
                    + statements)
    res = run([ANYCASTD, "-f", "-c", conf], check=False, timeout=10)
    assert res.returncode == 1, res
    assert not (lab.workdir / "shared.sock").exists()
    return res.stderr


def test_checks_never_share_the_daemons_uid(lab, binaries):
    # `user nobody;` with the default exec user: the checks would be
    # nobody too, and could signal the daemon.
    err = refused_at_start(lab, "user nobody;\n")
    assert f"exec checks and hooks would run as uid {NOBODY.pw_uid}, the " \
        "daemon's own (user nobody)" in err, err
    err = refused_at_start(lab, "user daemon;\nexec user daemon;\n")
    assert "the daemon's own (user daemon)" in err, err
    # Root is no exception.
    err = refused_at_start(lab, "user root;\nexec user root;\n")
    assert "uid 0, the daemon's own (user root)" in err, err
