import { performance } from 'node:perf_hooks';
import * as raw from 'raw-socket';
import type { IpFamily } from './icmp-packet';
import { IcmpProberError, missingNetRawMessage } from './icmp-prober-error';
import type { IcmpTransport } from './icmp-prober';

/** <linux/in.h> / <linux/icmp.h> / <linux/icmpv6.h>: raw-socket does not export these. */
const SOL_RAW = 255;
const ICMP_FILTER = 1;
const SOL_ICMPV6 = 58;
const ICMPV6_FILTER = 1;

export interface OpenedSockets {
  transport: RawIcmpTransport;
  /** Families whose socket could not be opened for a reason other than privileges (e.g. IPv6 disabled). */
  unavailable: { family: IpFamily; reason: string }[];
}

export interface RawSocketOptions {
  receiveBufferBytes: number;
}

/**
 * One raw ICMP socket per address family, shared by every target (raw(7), RFC 3542 §3). The
 * kernel-side filters let only echo replies and the errors we attribute reach the process,
 * so other processes' echo requests (e.g. on loopback) cost no wake-up here.
 */
export class RawIcmpTransport implements IcmpTransport {
  private handler: ((family: IpFamily, bytes: Buffer, source: string) => void) | null = null;
  private closed = false;

  private constructor(private readonly sockets: Map<IpFamily, raw.Socket>) {
    for (const [family, socket] of sockets) {
      socket.on('message', (bytes, source) => this.handler?.(family, bytes, source));
      // recv/send errors on a raw socket are per datagram (e.g. EHOSTUNREACH reported late); the
      // engine counts send errors through the callback, and nothing here should kill the process.
      socket.on('error', () => undefined);
    }
  }

  /**
   * Opens the sockets. Throws IcmpProberError(code 'auth') naming CAP_NET_RAW when the process
   * lacks it; a family the kernel does not support is reported as unavailable instead.
   */
  static open(options: RawSocketOptions): OpenedSockets {
    const sockets = new Map<IpFamily, raw.Socket>();
    const unavailable: { family: IpFamily; reason: string }[] = [];
    for (const family of [4, 6] as const) {
      let socket: raw.Socket;
      try {
        socket =
          family === 4
            ? raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: raw.Protocol.ICMP, bufferSize: 65_535 })
            : raw.createSocket({ addressFamily: raw.AddressFamily.IPv6, protocol: raw.Protocol.ICMPv6, bufferSize: 65_535 });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message === 'Operation not permitted' || message === 'Permission denied') {
          for (const s of sockets.values()) s.close();
          throw new IcmpProberError('auth', missingNetRawMessage(family), { capability: 'CAP_NET_RAW', family }, { cause: err });
        }
        unavailable.push({ family, reason: message });
        continue;
      }
      configure(socket, family, options);
      sockets.set(family, socket);
    }
    if (sockets.size === 0) {
      throw new IcmpProberError('unavailable', `icmp-prober: no ICMP socket could be opened: ${unavailable.map((u) => `IPv${u.family}: ${u.reason}`).join('; ')}`);
    }
    return { transport: new RawIcmpTransport(sockets), unavailable };
  }

  send(family: IpFamily, address: string, packet: Buffer, onSent: (error: Error | null, sentAtMs: number) => void): void {
    const socket = this.sockets.get(family);
    if (!socket || this.closed) {
      onSent(new Error(`no IPv${family} socket`), performance.now());
      return;
    }
    let sentAt = 0;
    socket.send(
      packet,
      0,
      packet.length,
      address,
      () => {
        sentAt = performance.now();
      },
      (error) => onSent(error, sentAt || performance.now()),
    );
  }

  onPacket(handler: (family: IpFamily, bytes: Buffer, source: string) => void): void {
    this.handler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets.values()) s.close();
  }
}

function configure(socket: raw.Socket, family: IpFamily, options: RawSocketOptions): void {
  socket.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_RCVBUF, options.receiveBufferBytes);
  if (family === 4) {
    // ICMP_FILTER: a set bit blocks that type. Pass echo reply (0), unreachable (3),
    // time exceeded (11), parameter problem (12).
    const pass = (1 << 0) | (1 << 3) | (1 << 11) | (1 << 12);
    const mask = Buffer.alloc(4);
    mask.writeUInt32LE(~pass >>> 0);
    socket.setOption(SOL_RAW, ICMP_FILTER, mask, 4);
  } else {
    // struct icmp6_filter: 256 bits, a set bit blocks the type (RFC 3542 §3.2, Linux semantics).
    const filter = Buffer.alloc(32, 0xff);
    for (const type of [1, 2, 3, 4, 129]) {
      const word = type >> 5;
      const value = filter.readUInt32LE(word * 4) & ~(1 << (type & 31));
      filter.writeUInt32LE(value >>> 0, word * 4);
    }
    socket.setOption(SOL_ICMPV6, ICMPV6_FILTER, filter, 32);
  }
}
