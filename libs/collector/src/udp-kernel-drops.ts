import { readFileSync } from 'node:fs';
import { OTHER_SOURCES } from './source-token-bucket';

/** One UDP socket's line in /proc/net/udp{,6}. */
export interface UdpSocketDrops {
  localPort: number;
  /** the peer of a connected socket (`10.0.0.1`, `2001:db8::1`; IPv4-mapped as IPv4), else undefined */
  remote: string | undefined;
  remotePort: number;
  drops: number;
  /** bytes waiting in its receive queue (kernel accounting, compared against SO_RCVBUF) */
  queuedBytes: number;
}

/**
 * The UDP sockets bound to `ports` with their kernel drop counts (receive buffer full), from the
 * `drops` column of /proc/net/udp and /proc/net/udp6 (Linux; nothing where unavailable). A
 * connected socket (a flooding source's own, see UdpSourceIsolation) names its peer, so its
 * drops can be attributed to that source. Read at scrape time only, never per datagram.
 */
export function readUdpSocketDrops(ports: ReadonlySet<number>, files = ['/proc/net/udp', '/proc/net/udp6']): UdpSocketDrops[] {
  const out: UdpSocketDrops[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const rem = cols[2];
      const queues = cols[4];
      const d = cols[12];
      if (!local || !rem || d === undefined) continue;
      const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (!ports.has(localPort)) continue;
      const remotePort = parseInt(rem.slice(rem.lastIndexOf(':') + 1), 16);
      const queuedBytes = queues ? parseInt(queues.slice(queues.indexOf(':') + 1), 16) || 0 : 0;
      out.push({ localPort, remote: remotePort ? procAddress(rem.slice(0, rem.lastIndexOf(':'))) : undefined, remotePort, drops: Number(d) || 0, queuedBytes });
    }
  }
  return out;
}

/**
 * The peer a released isolated socket is parked on while it is read empty (UdpSourceIsolation):
 * loopback at the socket's own port, which only the collector's own sockets could send from.
 */
export function parkedPeer(type: 'udp4' | 'udp6'): string {
  return type === 'udp4' ? '127.0.0.1' : '::1';
}

/** A socket parked for its last reads: its drops were retired when its source was released. */
export function isParked(s: UdpSocketDrops): boolean {
  return s.remotePort === s.localPort && (s.remote === parkedPeer('udp4') || s.remote === parkedPeer('udp6'));
}

/** Kernel drops summed over the UDP sockets bound to `ports` (parked ones aside: counted when parked). 0 where unavailable. */
export function readUdpKernelDrops(ports: ReadonlySet<number>, files = ['/proc/net/udp', '/proc/net/udp6']): number {
  let drops = 0;
  for (const s of readUdpSocketDrops(ports, files)) if (!isParked(s)) drops += s.drops;
  return drops;
}

/**
 * A /proc/net/udp address: 32-bit words in host (little-endian) order, 8 hex digits for IPv4,
 * 32 for IPv6. Spelled as libs/inventory normalizeAddress spells a source (IPv4-mapped as IPv4,
 * IPv6 in its canonical short form).
 */
export function procAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w + 8 <= hex.length; w += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(hex.slice(w + b, w + b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // the URL parser writes the canonical (RFC 5952) form
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

/**
 * Kernel drops of a collector's UDP ports as a count that never goes back: the live sockets'
 * drops plus those of sockets already closed (an isolated source's socket takes its count with it
 * when it is released, so it is read and kept just before). Attributes the drops of a socket
 * connected to one source (UdpSourceIsolation) to that source; the shared sockets' drops cannot
 * be attributed (the kernel drops before anyone reads the source) and are `other`.
 */
export class UdpKernelDropLedger {
  private retired = 0;
  private readonly retiredBySource = new Map<string, number>();

  constructor(
    private readonly ports: ReadonlySet<number>,
    private readonly files?: string[],
  ) {}

  /** Reads the drops of the socket connected to `address`:`port` and keeps them (call before closing it). */
  retire(address: string, port: number): number {
    let n = 0;
    for (const s of readUdpSocketDrops(this.ports, this.files)) if (s.remote === address && s.remotePort === port) n += s.drops;
    this.add(address, n);
    return n;
  }

  /** Drops of a closed socket read elsewhere (a worker thread's). */
  add(address: string, n: number): void {
    if (n <= 0) return;
    this.retired += n;
    this.retiredBySource.set(address, (this.retiredBySource.get(address) ?? 0) + n);
  }

  total(): number {
    return readUdpKernelDrops(this.ports, this.files) + this.retired;
  }

  /** Drops by source: connected sockets' peers (live and retired), the `top` biggest, the rest and the shared sockets' as `other`. */
  bySource(top = 10): Array<{ source: string; dropped: number }> {
    const by = new Map(this.retiredBySource);
    let shared = 0;
    for (const s of readUdpSocketDrops(this.ports, this.files)) {
      if (isParked(s)) continue;
      if (s.remote === undefined) shared += s.drops;
      else by.set(s.remote, (by.get(s.remote) ?? 0) + s.drops);
    }
    const all = [...by].filter(([, n]) => n > 0).map(([source, dropped]) => ({ source, dropped })).sort((a, b) => b.dropped - a.dropped);
    const head = all.slice(0, top);
    const other = shared + all.slice(top).reduce((n, s) => n + s.dropped, 0);
    if (other > 0) head.push({ source: OTHER_SOURCES, dropped: other });
    return head;
  }
}
