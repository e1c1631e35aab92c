# SPDX-License-Identifier: ISC
"""One DNS exchange, run inside a namespace by lab.dns_probe().

Prints one JSON object: the query and the raw answer in hex and the round
trip time, or an error.  The answer is not validated here: the tests parse
it themselves, so that they can also look at what the hostile responder
sends (wrong id, garbage...), which a resolver library would refuse.
"""

import argparse
import json
import socket
import struct
import time

import dns.edns
import dns.message


def exchange_udp(family, addr, wire, timeout):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect(addr)
        s.send(wire)
        return s.recv(65535)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed")
        buf += chunk
    return buf


def exchange_tcp(family, addr, wire, timeout):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(addr)
        s.sendall(struct.pack("!H", len(wire)) + wire)
        (length,) = struct.unpack("!H", recv_exact(s, 2))
        return recv_exact(s, length)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("qname")
    ap.add_argument("rdtype")
    ap.add_argument("--class", dest="rdclass", default="IN")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--timeout", type=float, default=1.0)
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--nsid", action="store_true")
    args = ap.parse_args()

    options = [dns.edns.GenericOption(dns.edns.NSID, b"")] if args.nsid else []
    query = dns.message.make_query(args.qname, args.rdtype, args.rdclass,
                                   use_edns=0, options=options)
    wire = query.to_wire()
    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    exchange = exchange_tcp if args.tcp else exchange_udp
    out = {"query": wire.hex()}
    start = time.monotonic()
    try:
        answer = exchange(family, (args.server, args.port), wire, args.timeout)
        out["answer"] = answer.hex()
        out["rtt_ms"] = (time.monotonic() - start) * 1000
    except socket.timeout:
        out["error"] = "timeout"
    except OSError as e:
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
