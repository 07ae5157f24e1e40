#!/usr/bin/env python3
"""ICMP echo responder with a fixed added delay and random loss, for kernels without sch_netem.

Run inside a network namespace whose kernel echo is off (net.ipv4.icmp_echo_ignore_all=1):
it reads echo requests on a raw socket and answers each one after DELAY_MS, dropping a
fraction LOSS of them at random — what `tc qdisc add … netem delay DELAY_MS loss LOSS` does to
replies. Prints "ready" once the socket is open.

    delayed-echo-responder.py DELAY_MS LOSS_FRACTION SEED
"""
import heapq
import random
import select
import socket
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum((data[i] << 8) | data[i + 1] for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main() -> None:
    delay = float(sys.argv[1]) / 1000.0
    loss = float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("ready", flush=True)
    queue: list = []
    n = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([sock], [], [], timeout)
        if readable:
            data, (source, _) = sock.recvfrom(65535)
            ihl = (data[0] & 0x0F) * 4
            icmp = data[ihl:]
            if len(icmp) >= 8 and icmp[0] == 8:  # echo request
                if rng.random() >= loss:
                    body = bytes([0, 0, 0, 0]) + icmp[4:]
                    c = checksum(body)
                    reply = body[:2] + bytes([c >> 8, c & 0xFF]) + body[4:]
                    n += 1
                    heapq.heappush(queue, (time.monotonic() + delay, n, source, reply))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, dest, reply = heapq.heappop(queue)
            sock.sendto(reply, (dest, 0))


if __name__ == "__main__":
    main()
