# SPDX-License-Identifier: ISC
"""Every DNS-aware expectation over IPv6, over UDP, over TCP, and falling
back to TCP when the UDP answer is truncated.

The probe of a DNS-aware check is several queries (check_dns.c): the main
one, the zone's SOA at the server and at the primary, id.server in the
CHAOS class, the zone's DNSKEY, a known-bogus name at a validating
resolver.  Each must work over IPv6 as over IPv4 and take the same path
as the main query: TCP with `tcp`, and a retry over TCP when the UDP
answer comes back truncated (RFC 7766 5).  The servers are real: NSD as
primary, NSD as its secondary (zone transfer over IPv6), Unbound
validating over IPv6.  The zone's serial is a real time stamp, unix time
of a few minutes ago.  A relay in front of the secondary and the
resolver shows which transport every query took, and truncates UDP
answers when asked.
"""

import datetime
import time

import pytest

from daemon import Anycastd, ms
from dns_servers import IDENTITY, Nsd, Signer, Unbound, zone_text
from lab import wait_until
from responders import Relay

PRIMARY, SECONDARY, RESOLVER = "2001:db8::1", "2001:db8::53", "2001:db8::54"
AUTH_FRONT, RES_FRONT = "2001:db8::55", "2001:db8::56"
START = 20.0


def checks(tcp):
    opt = "tcp;" if tcp else ""
    timing = f"interval {ms(0.5)}; timeout {ms(0.4)}; rise 2; fall 2;"
    return f"""
        service dns {{
            prefix {SECONDARY}/128;
            drain time 100ms;
            check dns auth {{
                server {AUTH_FRONT};
                query example.test SOA; expect authoritative;
                expect id.server "{IDENTITY}";
                expect serial from {PRIMARY};
                expect serial age 1d;
                expect rrsig valid 1d;
                expect dnskey;
                {opt} {timing}
            }}
            check dns resolver {{
                server {RES_FRONT};
                query www.example.test A; recursion;
                expect validated;
                expect servfail bogus.example.test;
                {opt} {timing}
            }}
        }}
        """


# What each check asks through its relay, besides the primary's SOA.
AUTH_QUERIES = {("example.test.", "SOA", "IN"), ("example.test.", "DNSKEY",
                "IN"), ("id.server.", "TXT", "CH")}
RES_QUERIES = {("www.example.test.", "A", "IN"),
               ("bogus.example.test.", "A", "IN")}


@pytest.mark.parametrize("transport", ["udp", "tcp", "truncated"])
def test_every_expectation_over_ipv6(lab, host_ns, binaries, transport):
    # The host namespace has the service address 2001:db8::53 already.
    for a in (PRIMARY, RESOLVER, AUTH_FRONT, RES_FRONT):
        host_ns.add_addr(f"{a}/128")
    signer = Signer(lab, host_ns, "example.test")
    serial = int(time.time()) - 300         # a unix time stamp serial
    signed = signer.sign(zone_text(serial, "bogus IN A 192.0.2.66\n"),
                         datetime.timedelta(days=30))
    signed = signed.replace("192.0.2.66", "192.0.2.99")    # bogus now
    primary = Nsd(lab, host_ns, "primary", [PRIMARY], {
        "example.test": {"text": signed,
                         "options": ["provide-xfr: ::/0 NOKEY"]}})
    secondary = Nsd(lab, host_ns, "secondary", [SECONDARY], {
        "example.test": {"options": [f"request-xfr: {PRIMARY} NOKEY"]}})
    assert secondary.serial("example.test") == serial
    assert primary.serial("example.test") == serial
    Unbound(lab, host_ns, RESOLVER, {"example.test": SECONDARY},
            [signer.trust_anchor], "www.example.test")
    cut = transport == "truncated"
    auth = Relay(lab, host_ns, AUTH_FRONT, SECONDARY, name="auth-relay",
                 truncate_udp=cut)
    res = Relay(lab, host_ns, RES_FRONT, RESOLVER, name="res-relay",
                truncate_udp=cut, authoritative=False)

    # The relays' own readiness queries are not anycastd's.
    base = {auth: len(auth.queries()), res: len(res.queries())}

    def queries(relay):
        return relay.queries()[base[relay]:]

    acd = Anycastd(lab, host_ns, checks(transport == "tcp"))
    acd.wait_state("dns", "up", START)
    for name in ("auth", "resolver"):
        chk = acd.check("dns", name)
        assert chk["last"]["status"] == "ok", chk
    detail = acd.check("dns", "auth")["last"]["detail"]
    assert f"serial {serial} as primary {PRIMARY}" in detail, detail

    def seen(relay, want, how):
        got = {q[1:] for q in queries(relay) if q[0] == how}
        return want <= got
    # Every kind of query of each check, over the transport it must take.
    over = "udp" if transport == "udp" else "tcp"
    wait_until(lambda: seen(auth, AUTH_QUERIES, over), 15,
               f"auth queries over {over}")
    wait_until(lambda: seen(res, RES_QUERIES, over), 15,
               f"resolver queries over {over}")
    for relay in (auth, res):
        ways = {q[0] for q in queries(relay)}
        if transport == "udp":
            assert ways == {"udp"}, queries(relay)
        elif transport == "tcp":
            assert ways == {"tcp"}, queries(relay)
        else:
            # Each asked over UDP first, then again over TCP.
            assert ways == {"udp", "tcp"}, queries(relay)
    if transport == "truncated":
        assert seen(auth, AUTH_QUERIES, "udp"), queries(auth)
        assert seen(res, RES_QUERIES, "udp"), queries(res)
