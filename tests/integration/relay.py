# SPDX-License-Identifier: ISC
"""A DNS forwarder that holds every answer for a while: added latency.

This machine's kernel has neither netem nor tbf, so latency is made here:
the relay listens on ADDR:PORT (UDP and TCP), passes each query to the real
server, and keeps the answer for DELAY ms before sending it back.  DELAY
is read from --delay-file for every answer, so a test changes the latency
of a running relay by rewriting that file (a missing or empty file is 0).

With --truncate-udp, every UDP answer is cut to its header and question
with the TC bit set, as a server does with an answer too big for the
datagram (RFC 1035 4.2.1), so the client must ask again over TCP
(RFC 7766 5); TCP answers pass whole.  Every query is logged on stdout
as "udp|tcp NAME TYPE CLASS SECONDS", for a test to see which way it came
and when (SECONDS: CLOCK_MONOTONIC, as it arrived).

    relay.py --listen 192.0.2.53 --port 53 --server 192.0.2.54 \
             --server-port 53 --delay-file /tmp/.../delay_ms
"""

import argparse
import asyncio
import socket
import struct
import time

import dns.flags
import dns.message
import dns.rdataclass
import dns.rdatatype

UPSTREAM_TIMEOUT = 2.0


def note(transport, query):
    at = time.monotonic()
    try:
        q = dns.message.from_wire(query).question[0]
        print(f"{transport} {q.name} {dns.rdatatype.to_text(q.rdtype)} "
              f"{dns.rdataclass.to_text(q.rdclass)} {at:.6f}", flush=True)
    except Exception:
        print(f"{transport} unparsed", flush=True)


def truncated(answer):
    """The answer's 12-byte header and its question, with TC set."""
    try:
        msg = dns.message.from_wire(answer)
    except Exception:
        return answer
    cut = dns.message.make_response(dns.message.make_query(
        msg.question[0].name, msg.question[0].rdtype,
        msg.question[0].rdclass))
    cut.id = msg.id
    cut.flags = msg.flags | dns.flags.TC
    cut.set_rcode(msg.rcode())
    return cut.to_wire()


class Relay:
    def __init__(self, server, server_port, delay_file, truncate_udp=False):
        self.server = (server, server_port)
        self.family = socket.AF_INET6 if ":" in server else socket.AF_INET
        self.delay_file = delay_file
        self.truncate_udp = truncate_udp

    def delay(self):
        try:
            with open(self.delay_file) as f:
                return int(f.read().strip() or 0) / 1000
        except (FileNotFoundError, ValueError):
            return 0.0

    async def hold(self):
        delay = self.delay()
        if delay > 0:
            await asyncio.sleep(delay)

    async def ask_udp(self, query):
        loop = asyncio.get_running_loop()
        with socket.socket(self.family, socket.SOCK_DGRAM) as s:
            s.setblocking(False)
            await loop.sock_connect(s, self.server)
            await loop.sock_sendall(s, query)
            return await asyncio.wait_for(loop.sock_recv(s, 65535),
                                          UPSTREAM_TIMEOUT)

    async def ask_tcp(self, query):
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(*self.server), UPSTREAM_TIMEOUT)
        try:
            writer.write(struct.pack("!H", len(query)) + query)
            await writer.drain()
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            return await reader.readexactly(length)
        finally:
            writer.close()


class UdpFront(asyncio.DatagramProtocol):
    def __init__(self, relay):
        self.relay = relay
        self.transport = None
        self.tasks = set()

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        task = asyncio.get_running_loop().create_task(self.answer(data, addr))
        self.tasks.add(task)            # keep a reference until it is done
        task.add_done_callback(self.tasks.discard)

    async def answer(self, query, addr):
        note("udp", query)
        try:
            answer = await self.relay.ask_udp(query)
        except (OSError, asyncio.TimeoutError):
            return                      # like a lost packet: the client times out
        await self.relay.hold()
        if self.relay.truncate_udp:
            answer = truncated(answer)
        self.transport.sendto(answer, addr)


async def serve_tcp(relay, reader, writer):
    try:
        while True:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            query = await reader.readexactly(length)
            note("tcp", query)
            answer = await relay.ask_tcp(query)
            await relay.hold()
            writer.write(struct.pack("!H", len(answer)) + answer)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--server", required=True)
    ap.add_argument("--server-port", type=int, default=53)
    ap.add_argument("--delay-file", required=True)
    ap.add_argument("--truncate-udp", action="store_true")
    args = ap.parse_args()

    relay = Relay(args.server, args.server_port, args.delay_file,
                  args.truncate_udp)
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: UdpFront(relay),
                                        local_addr=(args.listen, args.port))
    server = await asyncio.start_server(
        lambda r, w: serve_tcp(relay, r, w), args.listen, args.port)
    print("relay ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
