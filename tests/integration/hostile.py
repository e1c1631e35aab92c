# SPDX-License-Identifier: ISC
"""A DNS responder that answers every query wrongly, in one chosen way.

It first builds the answer a good authoritative server would give (AA,
NOERROR, the SOA of the zone asked for), then spoils exactly one thing, so
that a checker which accepts it has missed exactly that defect:

  wrong-id        the ID differs from the query's
  wrong-question  the question (and answer) name another name
  garbage         the query's ID and a plausible header, then junk
  short           a good answer cut off in the middle of its answer record
  qr-clear        a good answer with the QR bit clear (it claims to be a query)

UDP and TCP (RFC 7766 two-byte length framing) on the same ADDR:PORT.

Or it spoofs (SPOOF_MODES, UDP only; TCP queries get no answer): the
answer is good, with the query's id and question, but comes from where
the query did not go -- as an off-path spoofer who guessed the port and
id would send it:

  wrong-port      from ADDR, another port (PORT + 1)
  wrong-addr      from --from, port PORT

Each spoofed answer is logged ("spoofed N"), so a test knows they came.

    hostile.py --listen 192.0.2.53 --port 53 --mode wrong-id
"""

import argparse
import asyncio
import socket
import struct

import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset

MODES = ("wrong-id", "wrong-question", "garbage", "short", "qr-clear")
SPOOF_MODES = ("wrong-port", "wrong-addr")
OTHER_NAME = dns.name.from_text("other.test.")


def good_answer(query, qname=None):
    """What an authoritative server for the asked zone would answer."""
    answer = dns.message.make_response(query)
    answer.flags |= dns.flags.AA
    name = qname or query.question[0].name
    if qname is not None:
        answer.question = [dns.rrset.RRset(name, dns.rdataclass.IN,
                                           query.question[0].rdtype)]
    answer.answer.append(dns.rrset.from_text(
        name, 300, "IN", "SOA",
        f"ns1.{name} hostmaster.{name} 1 3600 900 604800 300"))
    return answer


def spoil(mode, query_wire):
    query = dns.message.from_wire(query_wire)
    if mode == "wrong-id":
        answer = good_answer(query)
        answer.id = query.id ^ 0x5A5A
        return answer.to_wire()
    if mode == "wrong-question":
        return good_answer(query, OTHER_NAME).to_wire()
    if mode == "garbage":
        # Same ID, QR|AA, QDCOUNT=1 ANCOUNT=1, then a compression pointer
        # to offset 0x3fff and bytes that form no record.
        header = struct.pack("!HHHHHH", query.id, 0x8400, 1, 1, 0, 0)
        return header + b"\xff" * 30
    if mode == "short":
        wire = good_answer(query).to_wire()
        return wire[:-7]                # inside the SOA's RDATA
    if mode == "qr-clear":
        wire = bytearray(good_answer(query).to_wire())
        wire[2] &= 0x7F                 # QR is the top bit of byte 2
        return bytes(wire)
    raise ValueError(mode)


class UdpResponder(asyncio.DatagramProtocol):
    def __init__(self, mode, spoof_from=None):
        self.mode = mode
        self.transport = None
        self.spoofed = 0
        self.spoof_sock = None
        if spoof_from is not None:
            self.spoof_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.spoof_sock.bind(spoof_from)

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.spoof_sock is not None:
            try:
                answer = good_answer(dns.message.from_wire(data))
                self.spoof_sock.sendto(answer.to_wire(), addr)
                self.spoofed += 1
                print(f"spoofed {self.spoofed}", flush=True)
            except Exception:
                pass
            return
        try:
            self.transport.sendto(spoil(self.mode, data), addr)
        except Exception:               # not a query we can parse: ignore it
            pass


async def serve_tcp(mode, reader, writer):
    if mode in SPOOF_MODES:
        writer.close()
        return
    try:
        while True:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            answer = spoil(mode, await reader.readexactly(length))
            writer.write(struct.pack("!H", len(answer)) + answer)
            await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--mode", required=True, choices=MODES + SPOOF_MODES)
    ap.add_argument("--from", dest="spoof_from",
                    help="wrong-addr: the address answers come from")
    args = ap.parse_args()

    spoof_from = None
    if args.mode == "wrong-port":
        spoof_from = (args.listen, args.port + 1)
    elif args.mode == "wrong-addr":
        spoof_from = (args.spoof_from, args.port)
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(
        lambda: UdpResponder(args.mode, spoof_from),
        local_addr=(args.listen, args.port))
    server = await asyncio.start_server(
        lambda r, w: serve_tcp(args.mode, r, w), args.listen, args.port)
    print(f"hostile ready, mode {args.mode}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
