/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) echo encoding and the decoding of what a raw socket
 * hands back. Pure functions: no socket, no clock. Decoding never throws — any bytes yield
 * either a message or `{ kind: 'malformed', reason }`, which the caller counts.
 */

export type IpFamily = 4 | 6;

/** ICMP types this prober sends or understands (IANA "ICMP Type Numbers", "ICMPv6 Parameters"). */
export const ICMP4_ECHO_REPLY = 0;
export const ICMP4_DEST_UNREACHABLE = 3;
export const ICMP4_ECHO_REQUEST = 8;
export const ICMP4_TIME_EXCEEDED = 11;
export const ICMP4_PARAMETER_PROBLEM = 12;
export const ICMP6_DEST_UNREACHABLE = 1;
export const ICMP6_PACKET_TOO_BIG = 2;
export const ICMP6_TIME_EXCEEDED = 3;
export const ICMP6_PARAMETER_PROBLEM = 4;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;

/** "SNDP": marks our probe payloads, so a stray echo reply with our identifier is not taken for one. */
export const PROBE_MAGIC = 0x534e4450;
/** magic (4) + token (4) + send time (8, epoch ms as float64). */
export const PROBE_HEADER_BYTES = 16;

export interface ProbeStamp {
  /** Unique per probe within one prober instance; checked on the reply. */
  token: number;
  /** Wall-clock send time (epoch ms); informative — RTTs are measured on the monotonic clock. */
  sentAt: number;
}

export interface EchoRequest extends ProbeStamp {
  family: IpFamily;
  identifier: number;
  sequence: number;
  /** ICMP payload size in bytes (>= PROBE_HEADER_BYTES); the rest is a fixed pattern. */
  payloadBytes: number;
}

/** The original probe an ICMP error quotes (RFC 792 / RFC 4443 §2.4 (c): as much as fits). */
export interface QuotedProbe {
  destination: string;
  identifier: number;
  sequence: number;
}

export type IcmpMessage =
  | {
      kind: 'echo-reply';
      family: IpFamily;
      source: string;
      identifier: number;
      sequence: number;
      /** Our stamp when the payload carries PROBE_MAGIC; null for someone else's echo. */
      stamp: ProbeStamp | null;
    }
  | {
      kind: 'error';
      family: IpFamily;
      /** The router or host that reported the error. */
      source: string;
      /** The key used in `icmp.probe` payload `errors`: `unreachable:<code>`, `ttl-exceeded`, … */
      error: string;
      type: number;
      code: number;
      quoted: QuotedProbe;
    }
  /** Anything else (echo requests seen on the socket, redirects, errors quoting non-echo traffic). */
  | { kind: 'other'; family: IpFamily; type: number; code: number }
  | { kind: 'malformed'; family: IpFamily; reason: string };

/** RFC 1071 Internet checksum over `bytes[start, end)`. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (i < end) sum += (bytes[i] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Builds an echo request. For IPv4 the checksum is computed here; for ICMPv6 it is left zero
 * because Linux computes it for IPPROTO_ICMPV6 raw sockets (RFC 3542 §3.1: the kernel owns
 * the pseudo-header checksum).
 */
export function encodeEchoRequest(req: EchoRequest): Buffer {
  const size = 8 + Math.max(PROBE_HEADER_BYTES, req.payloadBytes);
  const buf = Buffer.alloc(size);
  buf[0] = req.family === 4 ? ICMP4_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
  buf[1] = 0;
  buf.writeUInt16BE(req.identifier & 0xffff, 4);
  buf.writeUInt16BE(req.sequence & 0xffff, 6);
  buf.writeUInt32BE(PROBE_MAGIC, 8);
  buf.writeUInt32BE(req.token >>> 0, 12);
  buf.writeDoubleBE(req.sentAt, 16);
  for (let i = 8 + PROBE_HEADER_BYTES; i < size; i++) buf[i] = i & 0xff;
  if (req.family === 4) buf.writeUInt16BE(internetChecksum(buf), 2);
  return buf;
}

/** Reads our stamp from an echo payload, or null when it is not one of ours. */
export function readProbeStamp(icmp: Uint8Array, payloadOffset: number): ProbeStamp | null {
  if (icmp.length - payloadOffset < PROBE_HEADER_BYTES) return null;
  const view = new DataView(icmp.buffer, icmp.byteOffset + payloadOffset, PROBE_HEADER_BYTES);
  if (view.getUint32(0) !== PROBE_MAGIC) return null;
  return { token: view.getUint32(4), sentAt: view.getFloat64(8) };
}

/**
 * Decodes what an AF_INET raw ICMP socket delivers: the IPv4 header followed by the ICMP
 * message (raw(7): "the IPv4 header is included on receive").
 */
export function decodeIcmp4(packet: Uint8Array): IcmpMessage {
  const ip = parseIpv4Header(packet, 0);
  if (typeof ip === 'string') return malformed(4, ip);
  if (ip.protocol !== IPPROTO_ICMP) return malformed(4, `IPv4 protocol ${ip.protocol} is not ICMP`);
  const end = Math.min(packet.length, ip.totalLength);
  const icmp = packet.subarray(ip.headerLength, end);
  if (icmp.length < 8) return malformed(4, `ICMP message of ${icmp.length} bytes is shorter than its 8-byte header`);
  if (internetChecksum(icmp) !== 0) return malformed(4, 'ICMP checksum mismatch');
  const type = icmp[0] ?? 0;
  const code = icmp[1] ?? 0;
  if (type === ICMP4_ECHO_REPLY) {
    return {
      kind: 'echo-reply',
      family: 4,
      source: ip.source,
      identifier: readU16(icmp, 4),
      sequence: readU16(icmp, 6),
      stamp: readProbeStamp(icmp, 8),
    };
  }
  const error = icmp4ErrorKey(type, code);
  if (error === null) return { kind: 'other', family: 4, type, code };
  // RFC 792: the error quotes the original IP header plus at least 8 bytes of its data.
  const inner = parseIpv4Header(icmp, 8);
  if (typeof inner === 'string') return malformed(4, `quoted datagram: ${inner}`);
  const quotedIcmp = 8 + inner.headerLength;
  if (inner.protocol !== IPPROTO_ICMP || icmp.length < quotedIcmp + 8 || icmp[quotedIcmp] !== ICMP4_ECHO_REQUEST) {
    return { kind: 'other', family: 4, type, code };
  }
  return {
    kind: 'error',
    family: 4,
    source: ip.source,
    error,
    type,
    code,
    quoted: { destination: inner.destination, identifier: readU16(icmp, quotedIcmp + 4), sequence: readU16(icmp, quotedIcmp + 6) },
  };
}

/**
 * Decodes what an AF_INET6 raw ICMPv6 socket delivers: the ICMPv6 message alone (no IPv6
 * header, RFC 3542 §3); the source comes from recvfrom. The kernel verified the checksum.
 */
export function decodeIcmp6(icmp: Uint8Array, source: string): IcmpMessage {
  if (icmp.length < 8) return malformed(6, `ICMPv6 message of ${icmp.length} bytes is shorter than its 8-byte header`);
  const type = icmp[0] ?? 0;
  const code = icmp[1] ?? 0;
  if (type === ICMP6_ECHO_REPLY) {
    return {
      kind: 'echo-reply',
      family: 6,
      source,
      identifier: readU16(icmp, 4),
      sequence: readU16(icmp, 6),
      stamp: readProbeStamp(icmp, 8),
    };
  }
  const error = icmp6ErrorKey(type, code);
  if (error === null) return { kind: 'other', family: 6, type, code };
  // RFC 4443 §2.4 (c): as much of the invoking packet as fits; we need its fixed header
  // (40 bytes) and the echo header behind it. Extension headers mean it was not our probe.
  if (icmp.length < 8 + 40) return malformed(6, 'ICMPv6 error quotes less than an IPv6 header');
  if (((icmp[8] ?? 0) >> 4) !== 6) return malformed(6, 'ICMPv6 error quotes a datagram that is not IPv6');
  if (icmp[8 + 6] !== IPPROTO_ICMPV6 || icmp.length < 48 + 8 || icmp[48] !== ICMP6_ECHO_REQUEST) {
    return { kind: 'other', family: 6, type, code };
  }
  return {
    kind: 'error',
    family: 6,
    source,
    error,
    type,
    code,
    quoted: { destination: formatIpv6(icmp, 8 + 24), identifier: readU16(icmp, 48 + 4), sequence: readU16(icmp, 48 + 6) },
  };
}

/** Error keys shared by both families where the meaning is the same, so dashboards need one name. */
export function icmp4ErrorKey(type: number, code: number): string | null {
  switch (type) {
    case ICMP4_DEST_UNREACHABLE:
      return `unreachable:${code}`;
    case ICMP4_TIME_EXCEEDED:
      return code === 0 ? 'ttl-exceeded' : `time-exceeded:${code}`;
    case ICMP4_PARAMETER_PROBLEM:
      return 'parameter-problem';
    default:
      return null;
  }
}

/** ICMPv6 codes differ from IPv4's (RFC 4443 §3.1), hence the `unreachable6:` prefix. */
export function icmp6ErrorKey(type: number, code: number): string | null {
  switch (type) {
    case ICMP6_DEST_UNREACHABLE:
      return `unreachable6:${code}`;
    case ICMP6_PACKET_TOO_BIG:
      return 'packet-too-big';
    case ICMP6_TIME_EXCEEDED:
      return code === 0 ? 'ttl-exceeded' : `time-exceeded:${code}`;
    case ICMP6_PARAMETER_PROBLEM:
      return 'parameter-problem';
    default:
      return null;
  }
}

interface Ipv4Header {
  headerLength: number;
  totalLength: number;
  protocol: number;
  source: string;
  destination: string;
}

function parseIpv4Header(bytes: Uint8Array, at: number): Ipv4Header | string {
  if (bytes.length - at < 20) return `IPv4 header needs 20 bytes, got ${Math.max(0, bytes.length - at)}`;
  const version = (bytes[at] ?? 0) >> 4;
  if (version !== 4) return `IP version ${version} where 4 was expected`;
  const headerLength = ((bytes[at] ?? 0) & 0x0f) * 4;
  if (headerLength < 20 || bytes.length - at < headerLength) return `IPv4 header length ${headerLength} is invalid`;
  return {
    headerLength,
    totalLength: readU16(bytes, at + 2),
    protocol: bytes[at + 9] ?? 0,
    source: `${bytes[at + 12]}.${bytes[at + 13]}.${bytes[at + 14]}.${bytes[at + 15]}`,
    destination: `${bytes[at + 16]}.${bytes[at + 17]}.${bytes[at + 18]}.${bytes[at + 19]}`,
  };
}

/** RFC 5952 text form (lower case, longest zero run of 2+ groups compressed). */
export function formatIpv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(readU16(bytes, at + 2 * i));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((n) => n.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

function readU16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function malformed(family: IpFamily, reason: string): IcmpMessage {
  return { kind: 'malformed', family, reason };
}
