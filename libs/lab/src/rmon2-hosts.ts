import { counter32 } from './lab-counters';
import type { LabDevice } from './lab-device';
import { etherCounter } from './rmon-traffic';

/**
 * The network-layer hosts and conversations a lab RMON2 probe sees on the segment behind each
 * interface (RFC 4502 nlHost and nlMatrix groups): a gateway, two servers and three clients on
 * 10.<ordinal>.<ifIndex>.0/24, talking over IP in fixed conversations. Each conversation carries
 * a fixed share of the segment's IP traffic (the ip protocolDist share of etherStats), so a
 * host's out = the sum of the conversations it sources, its in = the sum of those it sinks, and a
 * test can predict every nlHost and nlMatrixSD value from etherStats.
 */

export interface LabHost {
  /** Last octet of the host's IPv4 address. */
  octet: number;
  role: 'gateway' | 'server' | 'client';
  /** When the probe first saw it, seconds after boot (nlHostCreateTime): hosts show up one by one. */
  seenAfterSeconds: number;
}

export const LAB_HOSTS: readonly LabHost[] = [
  { octet: 1, role: 'gateway', seenAfterSeconds: 1 },
  { octet: 10, role: 'server', seenAfterSeconds: 2 },
  { octet: 11, role: 'server', seenAfterSeconds: 3 },
  { octet: 101, role: 'client', seenAfterSeconds: 5 },
  { octet: 102, role: 'client', seenAfterSeconds: 8 },
  { octet: 103, role: 'client', seenAfterSeconds: 13 },
];

export interface LabConversation {
  src: number;
  dst: number;
  /** Share of the segment's IP packets and octets (all conversations sum to 1). */
  share: number;
}

/** Servers answer more than they are asked (downloads), clients also reach the outside through the gateway. */
export const LAB_CONVERSATIONS: readonly LabConversation[] = [
  { src: 10, dst: 101, share: 0.2 },
  { src: 101, dst: 10, share: 0.05 },
  { src: 10, dst: 102, share: 0.15 },
  { src: 102, dst: 10, share: 0.04 },
  { src: 11, dst: 103, share: 0.12 },
  { src: 103, dst: 11, share: 0.03 },
  { src: 1, dst: 101, share: 0.14 },
  { src: 101, dst: 1, share: 0.05 },
  { src: 1, dst: 102, share: 0.1 },
  { src: 102, dst: 1, share: 0.04 },
  { src: 1, dst: 103, share: 0.06 },
  { src: 103, dst: 1, share: 0.02 },
];

/** The IP share of the segment (rmon2-mib.ts LAB_PROTOCOLS 'ip'); every host row is at the ip layer. */
export const IP_SHARE = 0.9;

/** nlHostAddress / nlMatrixSD addresses: 4 octets of IPv4 (RFC 4502: the protocol's network address). */
export function hostAddress(d: LabDevice, ifIndex: number, octet: number): number[] {
  return [10, d.spec.ordinal % 256, ifIndex % 256, octet];
}

/** When the probe first saw a host (ms after boot). */
export function hostSeenMs(octet: number): number {
  return (LAB_HOSTS.find((h) => h.octet === octet)?.seenAfterSeconds ?? 0) * 1000;
}

/** A conversation exists once both ends were seen. */
export function conversationSeenMs(c: LabConversation): number {
  return Math.max(hostSeenMs(c.src), hostSeenMs(c.dst));
}

/**
 * The segment's IP traffic since `sinceMs` after boot: ZeroBasedCounter32 columns (RFC 4502) count
 * from zero when their row is created, so the share applies to what flowed since then.
 */
function ipSince(d: LabDevice, ifIndex: number, what: 'pkts' | 'octets', sinceMs: number, nowMs: number): number {
  const boot = d.bootAtMs(nowMs);
  const since = Math.min(boot + sinceMs, nowMs);
  return Number(etherCounter(d, ifIndex, what, nowMs) - etherCounter(d, ifIndex, what, since)) * IP_SHARE;
}

/** nlMatrixSDPkts / nlMatrixSDOctets of one conversation. */
export function conversationCount(d: LabDevice, ifIndex: number, c: LabConversation, what: 'pkts' | 'octets', nowMs: number): number {
  return counter32(BigInt(Math.floor(ipSince(d, ifIndex, what, conversationSeenMs(c), nowMs) * c.share)));
}

/** nlHostInPkts/OutPkts/InOctets/OutOctets: the conversations the host sinks (in) or sources (out), each counted from its own start. */
export function hostCount(d: LabDevice, ifIndex: number, octet: number, dir: 'in' | 'out', what: 'pkts' | 'octets', nowMs: number): number {
  let sum = 0;
  for (const c of LAB_CONVERSATIONS) if ((dir === 'out' ? c.src : c.dst) === octet) sum += Math.floor(ipSince(d, ifIndex, what, conversationSeenMs(c), nowMs) * c.share);
  return counter32(BigInt(sum));
}

/**
 * nlHostOutMacNonUnicastPkts: the gateway answers ARP and sends the segment's routing multicast,
 * so it sources the segment's broadcast and multicast frames (at the IP share); other hosts none.
 */
export function hostOutNonUnicast(d: LabDevice, ifIndex: number, octet: number, nowMs: number): number {
  if (octet !== 1) return 0;
  const boot = d.bootAtMs(nowMs);
  const since = Math.min(boot + hostSeenMs(octet), nowMs);
  const frames = (w: number) => etherCounter(d, ifIndex, 'broadcastPkts', w) + etherCounter(d, ifIndex, 'multicastPkts', w);
  return counter32(BigInt(Math.floor(Number(frames(nowMs) - frames(since)) * IP_SHARE)));
}
