# SPDX-License-Identifier: ISC
"""anycastd when BGP goes wrong (issue 3, "Faults").

  - the router stops answering (SIGSTOP): anycastd's hold timer (3 s)
    expires, it counts a Hold Timer Expired NOTIFICATION and, once the
    router runs again (SIGCONT), the session and the routes come back;
  - anycastd is SIGKILLed: the router drops the routes within the hold
    time (the kernel closes the TCP connection, and no graceful restart
    is offered, so the router keeps nothing as stale);
  - a misbehaving speaker (bgp_badpeer.py) sends one malformed message:
    anycastd answers with the NOTIFICATION the RFCs prescribe, or, where
    RFC 7606 says treat-as-withdraw, keeps the session up and counts it.
    It never crashes, and under make check (the ASan+UBSan build) its
    stderr holds no sanitizer report: daemon.Anycastd checks that at
    teardown, these tests also on the spot;
  - on the wire, SIGTERM is: UPDATEs with 65535:0 for the drain time,
    UPDATEs withdrawing what was announced, then NOTIFICATION Cease /
    Administrative Shutdown with "anycastd shutting down" (RFC 9003),
    in that order, then the close.
"""

import signal
import time

import pytest

from bgp_badpeer import unknown_wk_attr
from bgp_peers import (EXPECT_UP, GSHUT, KINDS, PREFIXES, SHUTDOWN_MSG,
                       BadPeerSite, Site, forget_killed)
from daemon import sanitizer_reports

SESSION_TIMEOUT = 15.0
ROUTE_TIMEOUT = 8.0
HOLD = 3
# The hold timer runs from the last message received, at most one
# keepalive interval (hold / 3) before the router stopped.
HOLD_MIN = HOLD - HOLD / 3 - 0.2
HOLD_MARGIN = 1.5


@pytest.mark.parametrize("kind", KINDS)
def test_router_stopped_hold_timer_expires_then_recovers(lab, host_ns,
                                                         binaries, kind,
                                                         figure):
    site = Site(lab, host_ns, kind, hold=HOLD)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)
    before = site.acd_peer()
    assert before["hold_time_s"] == HOLD, before

    site.router.pause()
    try:
        start = time.monotonic()
        peer = site.wait(lambda: (p := site.acd_peer())["state"]
                         != "Established" and p, HOLD + HOLD_MARGIN,
                         "anycastd's hold timer to expire")
        took = time.monotonic() - start
    finally:
        site.router.resume()
    figure(f"{kind} stopped to hold timer expiry", took, HOLD)
    assert "hold timer expired" in (peer["last_error"] or ""), peer
    assert took >= HOLD_MIN, f"hold timer expired after {took:.2f}s"
    assert peer["notifications_out"] == before["notifications_out"] + 1, \
        peer
    assert peer["flaps"] == before["flaps"] + 1, peer

    # The router runs again: whatever it makes of the stale session, the
    # session must come back and carry the routes.
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)


@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_anycastd_router_drops_routes(lab, host_ns, binaries, kind,
                                              figure):
    site = Site(lab, host_ns, kind, hold=HOLD)
    site.wait_established(SESSION_TIMEOUT)
    site.wait_routes(EXPECT_UP, ROUTE_TIMEOUT)

    start = time.monotonic()
    site.acd.signal(signal.SIGKILL)
    forget_killed(site.acd)
    site.wait_withdrawn(HOLD)
    figure(f"{kind}: SIGKILL of anycastd to routes gone",
           time.monotonic() - start, HOLD)


# mode -> (code, subcode, data in hex or None when the RFC leaves it open)
NOTIFY = {
    # RFC 4271 6.1: marker not all ones
    "bad-marker": (1, 1, None),
    # RFC 4271 6.1: Bad Message Length, "the Data field MUST contain the
    # erroneous Length field"
    "short-length": (1, 2, "0012"),
    "long-length": (1, 2, "1001"),
    "keepalive-length": (1, 2, "0014"),
    # RFC 4271 6.1: Bad Message Type, the Data field is the type
    "bad-type": (1, 3, "09"),
    # RFC 4271 6.2: Bad Peer AS
    "wrong-as": (2, 2, None),
    # RFC 4271 6.3: Unrecognized Well-known Attribute, the Data field is
    # the attribute (type, length and value); RFC 7606 keeps the reset
    "unknown-wk": (3, 2, unknown_wk_attr().hex()),
    # RFC 7606 4/5.1: an MP_REACH_NLRI running past the attributes hides
    # its NLRI: session reset, Malformed Attribute List
    "truncated-mp": (3, 1, None),
}


@pytest.mark.parametrize("mode", list(NOTIFY))
def test_malformed_message_gets_the_right_notification(lab, host_ns,
                                                       binaries, mode):
    site = BadPeerSite(lab, host_ns, mode)
    answer = site.first_answer()
    code, subcode, data = NOTIFY[mode]
    assert answer["event"] == "notification", (
        f"anycastd answered the {mode} message with {answer}, not with "
        f"NOTIFICATION {code}/{subcode}; bad peer events: {site.events()}"
        f"\nanycastd log:\n{site.acd.log()[-3000:]}")
    assert (answer["code"], answer["subcode"]) == (code, subcode), answer
    if data is not None:
        assert answer["data"] == data, answer
    # No crash, and the FSM starts over: anycastd connects again.
    site.wait(lambda: len(site.events("connected")) >= 2, SESSION_TIMEOUT,
              "anycastd to reconnect after the reset")
    peer = site.acd_peer()
    assert peer["notifications_out"] >= 1, peer
    assert not sanitizer_reports(site.acd.log())


TREAT_AS_WITHDRAW = (
    "truncated-attr",       # RFC 7606 4: attribute overruns the field
    "origin-length",        # RFC 7606 7.1: ORIGIN length not 1
    "missing-wk",           # RFC 7606 3 d: no ORIGIN in an announcement
)


@pytest.mark.parametrize("mode", TREAT_AS_WITHDRAW)
def test_malformed_update_is_treated_as_withdraw(lab, host_ns, binaries,
                                                 mode):
    site = BadPeerSite(lab, host_ns, mode)
    # The bad UPDATE, then a good one (203.0.113.0/24): once that is
    # counted, the bad one has been judged and the session has survived.
    peer = site.wait(lambda: (p := site.acd_peer())["prefixes_in"] >= 1
                     and p, 10, f"anycastd to take the UPDATE after the "
                     f"{mode} one")
    assert peer["treat_as_withdraw_in"] == 1, peer
    assert peer["withdrawn_in"] >= 1, peer       # its prefix, as withdrawn
    assert peer["state"] == "Established", peer
    assert peer["flaps"] == 0, peer
    assert peer["notifications_out"] == 0, peer
    assert not site.events("notification", "closed"), site.events()
    assert len(site.events("connected")) == 1, site.events()
    assert not sanitizer_reports(site.acd.log())


def test_sigterm_on_the_wire_drain_withdraw_cease(lab, host_ns, binaries):
    drain = 1.0
    site = BadPeerSite(lab, host_ns, "record", drain=drain)

    def announced():
        return {p for e in site.events("update") for p in e["announce"]}
    site.wait(lambda: announced() >= set(PREFIXES), 10,
              "anycastd to announce both prefixes")
    seen_before = len(site.events())
    site.acd.signal(signal.SIGTERM)
    assert site.acd.wait_exit(drain + 5) == 0, site.acd.log()
    site.wait(lambda: site.events("closed"), 5, "the session to close")

    after = site.events()[seen_before:]
    kinds = [e["event"] for e in after]
    gshut = [i for i, e in enumerate(after) if e["event"] == "update"
             and e["announce"] and GSHUT in e["communities"]]
    withdrawn = [i for i, e in enumerate(after) if e["event"] == "update"
                 and e["withdraw"]]
    notes = [i for i, e in enumerate(after) if e["event"] == "notification"]
    assert gshut, f"no UPDATE with {GSHUT} while draining: {after}"
    assert {p for i in gshut for p in after[i]["announce"]} == \
        set(PREFIXES), after
    assert withdrawn, f"nothing withdrawn before the close: {after}"
    assert {p for i in withdrawn for p in after[i]["withdraw"]} == \
        set(PREFIXES), after
    assert notes, f"no NOTIFICATION before the close: {kinds}"
    note = after[notes[0]]
    msg = SHUTDOWN_MSG.encode()
    assert (note["code"], note["subcode"], note["data"]) == \
        (6, 2, (bytes([len(msg)]) + msg).hex()), note
    assert max(gshut) < min(withdrawn) < notes[0], kinds
    assert kinds[-1] == "closed", kinds
    drained = after[min(withdrawn)]["t"] - after[min(gshut)]["t"]
    assert drained >= drain - 0.25, \
        f"withdrawn {drained:.2f}s after the drain began, drain time {drain}s"
