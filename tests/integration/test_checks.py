# SPDX-License-Identifier: ISC
"""The exec, file and tcp checks.

exec: a script whose exit code the test sets through a file: 0 up,
1 degraded, 2 down.  file: the maintenance flag, present means draining.
tcp: a connect to NSD's port 53, refused once NSD is killed.
"""

from daemon import Anycastd
from nsd import Nsd

# interval 200ms, rise 2, fall 2 below: a change shows within ~0.5 s.
CHANGE_TIMEOUT = 3.0
START_TIMEOUT = 5.0

EXEC_SCRIPT = """\
#!/bin/sh
# Exit with the code the test wrote; anycastd maps 0/1/other.
exit "$(cat "$(dirname "$0")/exit_code")"
"""


def test_exec_check_exit_code_maps_to_state(lab, host_ns, binaries):
    script = lab.workdir / "check.sh"
    script.write_text(EXEC_SCRIPT)
    script.chmod(0o755)
    code = lab.workdir / "exit_code"
    code.write_text("0\n")
    acd = Anycastd(lab, host_ns, f"""
        service dns {{
            prefix 192.0.2.53/32;
            drain time 200ms;
            check exec script {{
                command "{script}";
                interval 200ms; timeout 200ms; rise 2; fall 2;
            }}
        }}
        """)

    acd.wait_state("dns", "up", START_TIMEOUT)
    code.write_text("1\n")
    acd.wait_state("dns", "degraded", CHANGE_TIMEOUT)
    assert acd.check("dns", "script")["last"]["status"] == "degraded"

    code.write_text("2\n")
    acd.wait_state("dns", "down", CHANGE_TIMEOUT)
    last = acd.check("dns", "script")["last"]
    assert (last["status"], last["reason"]) == ("fail", "exit"), f"{last}"

    code.write_text("0\n")
    acd.wait_state("dns", "up", CHANGE_TIMEOUT)


def test_file_check_present_is_draining(lab, host_ns, binaries):
    Nsd(lab, host_ns, ["192.0.2.53"])
    flag = lab.workdir / "maintenance"
    acd = Anycastd(lab, host_ns, f"""
        service dns {{
            prefix 192.0.2.53/32;
            drain time 200ms;
            check dns {{
                query example.test SOA;
                interval 200ms; timeout 150ms; rise 2; fall 2;
            }}
            check file maintenance {{
                path "{flag}";
                interval 200ms;
            }}
        }}
        """)
    acd.wait_state("dns", "up", START_TIMEOUT)

    flag.touch()
    svc, _ = acd.wait_state("dns", "draining", CHANGE_TIMEOUT)
    assert svc["maintenance"] is True, f"{svc}"
    assert acd.check("dns", "maintenance")["last"]["reason"] == "file-present"

    flag.unlink()
    svc, _ = acd.wait_state("dns", "up", CHANGE_TIMEOUT)
    assert svc["maintenance"] is False, f"{svc}"


def test_tcp_check_up_then_refused(lab, host_ns, binaries):
    server = Nsd(lab, host_ns, ["192.0.2.53"])
    acd = Anycastd(lab, host_ns, """
        service dns {
            prefix 192.0.2.53/32;
            drain time 200ms;
            check tcp dns-tcp {
                port 53;
                interval 200ms; timeout 150ms; rise 2; fall 2;
            }
        }
        """)
    acd.wait_state("dns", "up", START_TIMEOUT)
    assert "192.0.2.53" in acd.check("dns", "dns-tcp")["target"]

    server.kill()
    acd.wait_state("dns", "down", CHANGE_TIMEOUT)
    last = acd.check("dns", "dns-tcp")["last"]
    assert (last["status"], last["reason"]) == ("fail", "refused"), f"{last}"
