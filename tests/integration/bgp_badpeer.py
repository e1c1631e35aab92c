# SPDX-License-Identifier: ISC
"""A small BGP speaker that misbehaves in one chosen way.

It listens (anycastd connects to it, as to a router), answers the OPEN,
reaches Established, then sends exactly one crafted message and reports
what anycastd did about it.  Every other byte it sends is well-formed,
so a NOTIFICATION that comes back is about that one message.

Modes, with what RFC 4271 / RFC 7606 say anycastd must do:

  bad-marker       KEEPALIVE whose marker is not all ones
                   -> NOTIFICATION 1/1 Connection Not Synchronized
  short-length     header Length 18, below the minimum of 19
                   -> 1/2 Bad Message Length, data = the Length field
  long-length      header Length 4097 (no extended messages)   -> 1/2
  keepalive-length KEEPALIVE of Length 20                       -> 1/2
  bad-type         message type 9                    -> 1/3 Bad Message Type
  wrong-as         OPEN from AS 65999, anycastd expects 65001
                   -> 2/2 Bad Peer AS
  unknown-wk       UPDATE with an unrecognized attribute flagged
                   well-known (type 254, Optional bit clear)
                   -> 3/2 Unrecognized Well-known Attribute, data = it
  truncated-mp     MP_REACH_NLRI whose length runs past the attributes:
                   its NLRI cannot be found -> session reset, 3/1
  truncated-attr   MED whose length runs past the Total Path Attribute
                   Length -> treat-as-withdraw (RFC 7606 4), session up
  origin-length    ORIGIN of length 2 -> treat-as-withdraw (7606 7.1)
  missing-wk       an announcement without ORIGIN
                   -> treat-as-withdraw (7606 3 d)
  record           nothing bad: a well-behaved router that reports every
                   UPDATE it gets, to see what anycastd puts on the wire
  refuse-then-reset  first connection: answers anycastd's OPEN with
                   NOTIFICATION 2/2 Bad Peer AS; every later one: resets
                   it (RST) after the OPEN, as a router still refusing
                   may -- the reset must not hide why (issue 14)
  table            nothing bad: a full table, --routes IPv6 /64s of
                   2001:db8::/32 (2001:db8:0:0::/64, 2001:db8:0:1::/64,
                   ...), 400 to an UPDATE, then KEEPALIVEs

In the treat-as-withdraw modes a valid UPDATE follows the bad one, then
KEEPALIVEs every second, so the test can see that the session stays up
and still works.

Connections are served one after the other, each the same way, so a
reset followed by anycastd reconnecting shows as a second "connected".
Events go to stdout, one JSON object a line:

  {"event": "listening"} {"event": "connected", "from": ADDR}
  {"event": "open", "asn": N, "hold": N} {"event": "established"}
  {"event": "sent", "what": MODE, "hex": ...}
  {"event": "update", "announce": [PREFIX], "withdraw": [PREFIX],
   "communities": ["A:B"]}
  {"event": "notification", "code": N, "subcode": N, "data": HEX}
  {"event": "closed", "notification": false}

    bgp_badpeer.py --listen 198.51.100.1 --mode bad-marker
"""

import argparse
import json
import select
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4
HEADER_LEN = 19

# Path attribute flags (RFC 4271 4.3).
OPTIONAL, TRANSITIVE, EXTLEN = 0x80, 0x40, 0x10
WELL_KNOWN = TRANSITIVE

PEER_AS = 65001
PEER_ID = "198.51.100.1"
GOOD_PREFIX = ("203.0.113.0", 24)      # documentation prefix (RFC 5737)

TAW_MODES = ("truncated-attr", "origin-length", "missing-wk")
NOTIFY_MODES = ("bad-marker", "short-length", "long-length",
                "keepalive-length", "bad-type", "wrong-as", "unknown-wk",
                "truncated-mp")
MODES = NOTIFY_MODES + TAW_MODES + ("record", "refuse-then-reset", "table")
CONNECTIONS = [0]
TABLE_NH = "2001:db8:ffff::1"
TABLE_PER_UPDATE = 400                  # 9 bytes each: under 4,096


# ---- encoding -----------------------------------------------------------

def message(mtype, body=b"", marker=MARKER, length=None):
    if length is None:
        length = HEADER_LEN + len(body)
    return marker + struct.pack("!HB", length, mtype) + body


def capability(code, value):
    return struct.pack("!BB", code, len(value)) + value


def open_msg(asn=PEER_AS, hold=9, bgp_id=PEER_ID):
    caps = (capability(1, struct.pack("!HBB", 1, 0, 1))    # IPv4 unicast
            + capability(1, struct.pack("!HBB", 2, 0, 1))  # IPv6 unicast
            + capability(65, struct.pack("!I", asn)))      # 4-octet AS
    params = struct.pack("!BB", 2, len(caps)) + caps
    my_as = asn if asn <= 0xFFFF else 23456               # AS_TRANS
    body = (struct.pack("!BHH", 4, my_as, hold) + socket.inet_aton(bgp_id)
            + struct.pack("!B", len(params)) + params)
    return message(OPEN, body)


def keepalive():
    return message(KEEPALIVE)


def attr(flags, atype, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | EXTLEN, atype, len(value)) + value
    return struct.pack("!BBB", flags, atype, len(value)) + value


def origin(value=0):
    return attr(WELL_KNOWN, 1, bytes([value]))


def as_path(*asns):
    seg = struct.pack("!BB", 2, len(asns)) + b"".join(
        struct.pack("!I", a) for a in asns)               # AS_SEQUENCE
    return attr(WELL_KNOWN, 2, seg)


def next_hop(addr=PEER_ID):
    return attr(WELL_KNOWN, 3, socket.inet_aton(addr))


def nlri(addr, length):
    nbytes = (length + 7) // 8
    return bytes([length]) + socket.inet_aton(addr)[:nbytes]


def update(attrs, prefixes=b"", withdrawn=b""):
    body = (struct.pack("!H", len(withdrawn)) + withdrawn
            + struct.pack("!H", len(attrs)) + attrs + prefixes)
    return message(UPDATE, body)


def table_prefix(i):
    """The i-th /64 of 2001:db8::/32, as NLRI bytes."""
    return bytes([64, 0x20, 0x01, 0x0d, 0xb8]) + struct.pack(
        "!HH", i >> 16, i & 0xFFFF)


def table_updates(n):
    """n IPv6 prefixes in MP_REACH_NLRI, TABLE_PER_UPDATE an UPDATE."""
    nh = socket.inet_pton(socket.AF_INET6, TABLE_NH)
    for first in range(0, n, TABLE_PER_UPDATE):
        nlri6 = b"".join(table_prefix(i) for i in
                         range(first, min(n, first + TABLE_PER_UPDATE)))
        mp = struct.pack("!HBB", 2, 1, 16) + nh + b"\0" + nlri6
        yield update(origin() + as_path(PEER_AS)
                     + attr(OPTIONAL, 14, mp))


def good_update():
    return update(origin() + as_path(PEER_AS) + next_hop(),
                  nlri(*GOOD_PREFIX))


def unknown_wk_attr():
    """Type 254 is unassigned; the Optional bit clear says well-known."""
    return attr(WELL_KNOWN, 254, b"\x00\x01")


def crafted(mode):
    """The one bad message of MODE (all but wrong-as, which is an OPEN)."""
    base = origin() + as_path(PEER_AS) + next_hop()
    pfx = nlri(*GOOD_PREFIX)
    if mode == "bad-marker":
        return message(KEEPALIVE, marker=b"\xff" * 15 + b"\xfe")
    if mode == "short-length":
        return message(KEEPALIVE, length=18)
    if mode == "long-length":
        # The header claims 4097; send that many octets so that only the
        # Length is wrong.
        return message(UPDATE, b"\x00" * (4097 - HEADER_LEN), length=4097)
    if mode == "keepalive-length":
        return message(KEEPALIVE, b"\x00")
    if mode == "bad-type":
        return message(9)
    if mode == "unknown-wk":
        return update(base + unknown_wk_attr(), pfx)
    if mode == "truncated-mp":
        # MP_REACH_NLRI first (as RFC 7606 5.1 asks), claiming 40 octets
        # of which only 8 are inside the Total Path Attribute Length.
        mp = struct.pack("!BBB", OPTIONAL, 14, 40) + struct.pack(
            "!HBB", 2, 1, 16) + b"\x20\x01\x0d\xb8"
        return update(mp)
    if mode == "truncated-attr":
        # MED says 4 octets, only 2 are inside the attributes; the NLRI
        # follows the Total Path Attribute Length.
        med = struct.pack("!BBB", OPTIONAL, 4, 4) + b"\x00\x0a"
        return update(base + med, pfx)
    if mode == "origin-length":
        bad_origin = attr(WELL_KNOWN, 1, b"\x00\x00")
        return update(bad_origin + as_path(PEER_AS) + next_hop(), pfx)
    if mode == "missing-wk":
        return update(as_path(PEER_AS) + next_hop(), pfx)
    raise ValueError(mode)


# ---- decoding -------------------------------------------------------------

class Closed(Exception):
    pass


def recv_exact(conn, n, deadline):
    buf = b""
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        conn.settimeout(left)
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise Closed
        buf += chunk
    return buf


def read_message(conn, timeout):
    """(type, body) of the next message; Closed on EOF, TimeoutError."""
    deadline = time.monotonic() + timeout
    head = recv_exact(conn, HEADER_LEN, deadline)
    length, mtype = struct.unpack("!HB", head[16:19])
    if head[:16] != MARKER or length < HEADER_LEN or length > 4096:
        raise ValueError(f"anycastd sent a bad header: {head.hex()}")
    return mtype, recv_exact(conn, length - HEADER_LEN, deadline)


def prefixes(data, family):
    """NLRI encoding (RFC 4271 4.3, RFC 4760 5) to "addr/len" strings."""
    size = 4 if family == socket.AF_INET else 16
    out = []
    while data:
        length = data[0]
        nbytes = (length + 7) // 8
        addr = data[1:1 + nbytes] + b"\x00" * (size - nbytes)
        out.append(f"{socket.inet_ntop(family, addr)}/{length}")
        data = data[1 + nbytes:]
    return out


def decode_update(body):
    """What an UPDATE announces and withdraws (IPv4, and IPv6 in
    MP_REACH/MP_UNREACH_NLRI), and its communities."""
    wlen = struct.unpack("!H", body[:2])[0]
    withdraw = prefixes(body[2:2 + wlen], socket.AF_INET)
    alen = struct.unpack("!H", body[2 + wlen:4 + wlen])[0]
    attrs = body[4 + wlen:4 + wlen + alen]
    announce = prefixes(body[4 + wlen + alen:], socket.AF_INET)
    communities = []
    while attrs:
        flags, atype = attrs[0], attrs[1]
        if flags & EXTLEN:
            (l,), value = struct.unpack("!H", attrs[2:4]), attrs[4:]
        else:
            l, value = attrs[2], attrs[3:]
        value, attrs = value[:l], value[l:]
        if atype == 8:
            communities += [f"{a}:{b}" for a, b in struct.iter_unpack(
                "!HH", value)]
        elif atype == 14 and value[:3] == b"\x00\x02\x01":
            nhlen = value[3]
            announce += prefixes(value[5 + nhlen:], socket.AF_INET6)
        elif atype == 15 and value[:3] == b"\x00\x02\x01":
            withdraw += prefixes(value[3:], socket.AF_INET6)
    return {"announce": announce, "withdraw": withdraw,
            "communities": communities}


def decode_open(body):
    version, asn, hold = struct.unpack("!BHH", body[:5])
    plen = body[9]
    params, caps = body[10:10 + plen], {}
    while len(params) >= 2:
        ptype, l = params[0], params[1]
        value, params = params[2:2 + l], params[2 + l:]
        while ptype == 2 and len(value) >= 2:
            caps.setdefault(value[0], []).append(value[2:2 + value[1]].hex())
            value = value[2 + value[1]:]
    if caps.get(65):
        asn = int(caps[65][0], 16)
    return {"version": version, "asn": asn, "hold": hold,
            "caps": sorted(caps)}


# ---- the session ------------------------------------------------------------

def emit(event, **kw):
    print(json.dumps({"event": event, "t": round(time.monotonic(), 3), **kw}),
          flush=True)


def report(mtype, body):
    """Emit an UPDATE or a NOTIFICATION; True if it was a NOTIFICATION."""
    if mtype == UPDATE:
        emit("update", **decode_update(body))
    if mtype != NOTIFICATION:
        return False
    emit("notification", code=body[0], subcode=body[1],
         data=body[2:].hex())
    return True


def until_notification(conn, timeout):
    """Read until a NOTIFICATION or EOF; KEEPALIVEs from anycastd are fine."""
    deadline = time.monotonic() + timeout
    while True:
        mtype, body = read_message(conn, deadline - time.monotonic())
        if report(mtype, body):
            return


def keep_alive(conn, seconds):
    """Stay Established: a KEEPALIVE a second, report what comes in."""
    end = time.monotonic() + seconds
    next_ka = 0.0
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_ka:
            conn.sendall(keepalive())
            next_ka = now + 1.0
        ready, _, _ = select.select([conn], [], [], min(0.2, end - now))
        if ready:
            mtype, body = read_message(conn, 5)
            if report(mtype, body):
                return


def session(conn, mode, hold, routes=0):
    mtype, body = read_message(conn, 10)
    if mtype != OPEN:
        emit("unexpected", type=mtype, hex=body.hex())
        return
    emit("open", **decode_open(body))
    if mode == "refuse-then-reset":
        CONNECTIONS[0] += 1
        if CONNECTIONS[0] == 1:
            conn.sendall(message(NOTIFICATION, bytes([2, 2])))
            emit("sent", what="notification 2/2")
        else:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            emit("sent", what="reset")
        return
    if mode == "wrong-as":
        conn.sendall(open_msg(asn=65999, hold=hold))
        emit("sent", what=mode)
        until_notification(conn, 10)
        return
    conn.sendall(open_msg(hold=hold) + keepalive())
    while True:
        mtype, body = read_message(conn, 10)
        if report(mtype, body):
            return
        if mtype == KEEPALIVE:
            break
    emit("established")
    if mode == "record":
        keep_alive(conn, 600)
        return
    if mode == "table":
        conn.sendall(b"".join(table_updates(routes)))
        emit("sent", what=mode, routes=routes)
        keep_alive(conn, 600)
        return
    bad = crafted(mode)
    conn.sendall(bad)
    emit("sent", what=mode, hex=bad[:64].hex())
    if mode in TAW_MODES:
        conn.sendall(good_update())
        emit("sent", what="good-update")
        keep_alive(conn, 600)
    else:
        until_notification(conn, 10)


def serve(listener, mode, hold, routes):
    while True:
        conn, addr = listener.accept()
        emit("connected", peer=addr[0])
        try:
            session(conn, mode, hold, routes)
        except Closed:
            pass
        except (TimeoutError, socket.timeout):
            emit("timeout")
        except (ConnectionError, ValueError) as e:
            emit("error", error=str(e))
        finally:
            conn.close()
            emit("closed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=179)
    ap.add_argument("--hold", type=int, default=9)
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--routes", type=int, default=0)
    args = ap.parse_args()

    family = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.listen, args.port))
    listener.listen(4)
    emit("listening")
    try:
        serve(listener, args.mode, args.hold, args.routes)
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
