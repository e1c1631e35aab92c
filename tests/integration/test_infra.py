# SPDX-License-Identifier: ISC
"""The test infrastructure itself: if these fail, no daemon test means much.

They need no anycastd: NSD in a namespace, the veth between two
namespaces, the delaying relay and the hostile responder are checked with
dnspython, and the lab is shown to leave nothing behind.
"""

import os

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import pytest

import hostile
import lab as labmod
from lab import answers_soa, wait_until
from nsd import IDENTITY, Nsd
from responders import Hostile, Relay


@pytest.mark.parametrize("server", ["192.0.2.53", "2001:db8::53"])
@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_nsd_serves_zone_nsid_and_id_server(lab, host_ns, server, tcp):
    Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])

    res = host_ns.query(server, "example.test", "SOA", tcp=tcp, nsid=True)
    msg = res.message()
    assert msg.id == dns.message.from_wire(res.query).id
    assert msg.rcode() == dns.rcode.NOERROR
    assert msg.flags & dns.flags.AA
    assert msg.answer[0].name.to_text() == "example.test."
    nsid = [o for o in msg.options if o.otype == dns.edns.NSID]
    assert nsid and nsid[0].data == IDENTITY.encode()

    res = host_ns.query(server, "id.server", "TXT", rdclass="CH", tcp=tcp)
    assert res.message().answer[0][0].strings == (IDENTITY.encode(),)

    # A zone it does not serve: REFUSED, what the rcode test relies on.
    res = host_ns.query(server, "other.test", "SOA", tcp=tcp)
    assert res.message().rcode() == dns.rcode.REFUSED


def test_nsd_killed_or_stopped(lab, host_ns):
    """What the daemon tests rely on: SIGKILL means refused, SIGSTOP means
    silence (NSD answers from a forked child, so both act on its group)."""
    server = Nsd(lab, host_ns, ["192.0.2.53"])
    server.stop()
    assert host_ns.query("192.0.2.53", "example.test", timeout=0.3).error \
        == "timeout"
    server.cont()
    wait_until(lambda: answers_soa(host_ns, "192.0.2.53"), 5,
                   "NSD answering again after SIGCONT")
    server.kill()
    assert "ConnectionRefused" in host_ns.query("192.0.2.53",
                                                "example.test").error


def test_veth_between_server_and_probe_namespaces(lab):
    server_ns, probe_ns = lab.netns(), lab.netns()
    lab.veth(server_ns, ["203.0.113.2/30", "2001:db8:1::2/64"],
             probe_ns, ["203.0.113.1/30", "2001:db8:1::1/64"])
    Nsd(lab, server_ns, ["203.0.113.2", "2001:db8:1::2"])
    assert answers_soa(probe_ns, "203.0.113.2")
    assert answers_soa(probe_ns, "2001:db8:1::2", tcp=True)


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_relay_delay_switches_at_runtime(lab, host_ns, tcp):
    host_ns.add_addr("192.0.2.54/32")
    Nsd(lab, host_ns, ["192.0.2.54"])
    relay = Relay(lab, host_ns, listen="192.0.2.53", server="192.0.2.54")

    relay.set_delay(300)
    slow = host_ns.query("192.0.2.53", "example.test", tcp=tcp)
    assert slow.message().flags & dns.flags.AA
    assert slow.rtt_ms >= 300, slow

    relay.set_delay(0)
    fast = host_ns.query("192.0.2.53", "example.test", tcp=tcp)
    assert fast.message().flags & dns.flags.AA
    assert fast.rtt_ms < 150, fast
    assert relay.proc.alive()


def defect(mode, res):
    """Check that the answer has exactly the defect `mode` promises."""
    query = dns.message.from_wire(res.query)
    if mode in ("garbage", "short"):
        with pytest.raises(dns.exception.DNSException):
            dns.message.from_wire(res.answer)
        assert res.answer[:2] == res.query[:2]      # the ID still matches
        return
    msg = dns.message.from_wire(res.answer)
    assert msg.flags & dns.flags.AA and msg.answer
    assert (msg.id != query.id) == (mode == "wrong-id")
    assert (msg.question[0].name != query.question[0].name) \
        == (mode == "wrong-question")
    assert (not msg.flags & dns.flags.QR) == (mode == "qr-clear")


@pytest.mark.parametrize("mode", hostile.MODES)
def test_hostile_answers_have_the_promised_defect(lab, host_ns, mode):
    Hostile(lab, host_ns, "192.0.2.53", mode)
    for tcp in (False, True):
        res = host_ns.query("192.0.2.53", "example.test", tcp=tcp)
        assert res.answer is not None, res
        defect(mode, res)


def test_lab_close_removes_namespaces_and_processes():
    the_lab = labmod.Lab()
    ns = the_lab.netns()
    ns.add_addr("192.0.2.53/32")
    server = Nsd(the_lab, ns, ["192.0.2.53"])
    server.stop()               # a stopped process group must die too
    workdir = the_lab.workdir
    the_lab.close()

    assert ns.name not in labmod.run(["ip", "netns", "list"]).stdout
    assert not workdir.exists()
    # NSD's children, orphaned, are gone once init has reaped them.
    wait_until(lambda: not group_exists(server.proc.pid), 5,
               "NSD's process group to be gone")


def group_exists(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
