import { interfaceCounter, interfaceRate, type IfCounter } from './if-mib';
import { counterAt } from './lab-counters';
import type { LabDevice, LabRmonSpec } from './lab-device';

/**
 * What a lab RMON probe counts on the segment behind each interface (RFC 2819 §5 etherStats):
 * every counter is a deterministic function of the time since boot, built from the interface's
 * IF-MIB counters (both directions: a probe sees all frames on the segment), so a test predicts
 * any reading, and the collector's derived values (utilization, error %, size mix) are known.
 */

export type EtherCounter =
  | 'dropEvents' | 'octets' | 'pkts' | 'broadcastPkts' | 'multicastPkts'
  | 'crcAlignErrors' | 'undersizePkts' | 'oversizePkts' | 'fragments' | 'jabbers' | 'collisions'
  | 'pkts64Octets' | 'pkts65to127Octets' | 'pkts128to255Octets' | 'pkts256to511Octets' | 'pkts512to1023Octets' | 'pkts1024to1518Octets';

/** Share of the packets per size bucket (RFC 2819 etherStatsPkts64Octets … Pkts1024to1518Octets). */
export const SIZE_MIX: Readonly<Record<string, number>> = {
  pkts64Octets: 0.35,
  pkts65to127Octets: 0.2,
  pkts128to255Octets: 0.1,
  pkts256to511Octets: 0.05,
  pkts512to1023Octets: 0.1,
  pkts1024to1518Octets: 0.2,
};

/** Share of the interface's inErrors per RMON error class (CRC/alignment dominate on a bad cable). */
export const ERROR_MIX: Readonly<Record<string, number>> = {
  crcAlignErrors: 0.6,
  undersizePkts: 0.1,
  oversizePkts: 0.1,
  fragments: 0.1,
  jabbers: 0.1,
};

const PACKET_COUNTERS: readonly IfCounter[] = ['inUcastPkts', 'outUcastPkts', 'inMulticastPkts', 'outMulticastPkts', 'inBroadcastPkts', 'outBroadcastPkts'];

/** Milliseconds spent inside error bursts during the first `elapsedMs` after boot (bursts start at boot + k × every). */
export function burstElapsedMs(burst: LabRmonSpec['burst'], elapsedMs: number): number {
  if (elapsedMs <= 0 || burst.forSeconds <= 0 || burst.everySeconds <= 0) return 0;
  const every = burst.everySeconds * 1000;
  const len = Math.min(burst.forSeconds * 1000, every);
  return Math.floor(elapsedMs / every) * len + Math.min(elapsedMs % every, len);
}

/** The unbounded value of one etherStats counter of the row on `ifIndex` at `nowMs`. */
export function etherCounter(device: LabDevice, ifIndex: number, counter: EtherCounter, nowMs: number): bigint {
  const c = (name: Parameters<typeof interfaceCounter>[2]) => interfaceCounter(device, ifIndex, name, nowMs);
  const elapsed = nowMs - device.bootAtMs(nowMs);
  const offset = device.spec.counterOffset;
  switch (counter) {
    case 'octets': return c('inOctets') + c('outOctets');
    case 'pkts': return c('inUcastPkts') + c('outUcastPkts') + c('inMulticastPkts') + c('outMulticastPkts') + c('inBroadcastPkts') + c('outBroadcastPkts');
    case 'broadcastPkts': return c('inBroadcastPkts') + c('outBroadcastPkts');
    case 'multicastPkts': return c('inMulticastPkts') + c('outMulticastPkts');
    case 'dropEvents': return c('inDiscards');
    case 'collisions': return offset; // full duplex: no collisions (RFC 2819: only half-duplex segments count them)
    case 'crcAlignErrors': {
      const base = counterAt(device.spec.rates.inErrorsPerSec * (ERROR_MIX.crcAlignErrors as number), elapsed, offset);
      const burst = device.spec.rmon?.burst;
      if (!burst || ifIndex !== 1 || device.spec.operDown.has(ifIndex)) return base;
      return base + counterAt(burst.crcErrorsPerSec, burstElapsedMs(burst, elapsed));
    }
    default: {
      const share = ERROR_MIX[counter];
      if (share !== undefined) return counterAt(device.spec.operDown.has(ifIndex) ? 0 : device.spec.rates.inErrorsPerSec * share, elapsed, offset);
      // a size bucket: its share of the segment's packet rate
      const down = device.spec.operDown.has(ifIndex);
      let pktsRate = 0;
      for (const name of PACKET_COUNTERS) pktsRate += interfaceRate(device.spec.rates, ifIndex, name, down);
      return counterAt(pktsRate * (SIZE_MIX[counter] ?? 0), elapsed, offset);
    }
  }
}

/** The sample indexes of the history buckets a control row holds at `nowMs` (only completed buckets), or undefined when none yet. */
export function historyRange(device: LabDevice, nowMs: number): { first: number; last: number } | undefined {
  const rmon = device.spec.rmon;
  if (!rmon) return undefined;
  const last = Math.floor((nowMs - device.bootAtMs(nowMs)) / (rmon.historyIntervalSeconds * 1000));
  if (last < 1) return undefined;
  return { first: Math.max(1, last - rmon.historyBuckets + 1), last };
}

/** Start and end (ms since boot) of history bucket `sampleIndex` (RFC 2819: bucket n covers interval n). */
export function bucketSpan(rmon: LabRmonSpec, sampleIndex: number): { startMs: number; endMs: number } {
  const len = rmon.historyIntervalSeconds * 1000;
  return { startMs: (sampleIndex - 1) * len, endMs: sampleIndex * len };
}

/** A logTable entry: which event fired, its logIndex, and when (ms since boot). */
export interface AlarmLogEntry {
  eventIndex: 1 | 2;
  logIndex: number;
  atMs: number;
  value: number;
}

/** The alarm's delta sample for interval k (1-based) after boot. */
export function alarmDelta(device: LabDevice, k: number, bootAtMs: number): number {
  const rmon = device.spec.rmon as LabRmonSpec;
  const len = rmon.alarm.intervalSeconds * 1000;
  return Number(etherCounter(device, 1, 'crcAlignErrors', bootAtMs + k * len) - etherCounter(device, 1, 'crcAlignErrors', bootAtMs + (k - 1) * len));
}

interface AlarmHistory {
  bootAtMs: number;
  samples: number;
  /** Whether the next event may be rising (true) or falling (false), RFC 2819 alarm hysteresis. */
  armedRising: boolean;
  armedFalling: boolean;
  entries: AlarmLogEntry[];
  counts: [number, number];
}

const alarmHistories = new WeakMap<LabDevice, AlarmHistory>();
/** A real probe keeps a bounded log (RFC 2819 logTable: the probe may delete old entries). */
export const LOG_ENTRIES_KEPT = 50;

/**
 * The alarm's events up to `nowMs`, computed once per interval and remembered per device (a pure
 * function of the counters, so the same for any caller): rising when the delta reaches the rising
 * threshold while armed, falling when it drops to the falling threshold (RFC 2819 §3.3 — a
 * rising event re-arms only after a falling one, and vice versa). alarmStartupAlarm is
 * risingOrFalling(3): the first sample may fire either.
 */
export function alarmLog(device: LabDevice, nowMs: number): { entries: readonly AlarmLogEntry[]; counts: readonly [number, number]; lastValue: number } {
  const rmon = device.spec.rmon;
  if (!rmon) return { entries: [], counts: [0, 0], lastValue: 0 };
  const bootAtMs = device.bootAtMs(nowMs);
  let h = alarmHistories.get(device);
  if (!h || h.bootAtMs !== bootAtMs) {
    h = { bootAtMs, samples: 0, armedRising: true, armedFalling: true, entries: [], counts: [0, 0] };
    alarmHistories.set(device, h);
  }
  const len = rmon.alarm.intervalSeconds * 1000;
  const due = Math.floor((nowMs - bootAtMs) / len);
  let lastValue = h.samples > 0 ? alarmDelta(device, h.samples, bootAtMs) : 0;
  for (let k = h.samples + 1; k <= due; k++) {
    const v = alarmDelta(device, k, bootAtMs);
    lastValue = v;
    if (v >= rmon.alarm.risingThreshold && h.armedRising) {
      h.armedRising = false;
      h.armedFalling = true;
      h.counts[0]++;
      h.entries.push({ eventIndex: 1, logIndex: h.counts[0], atMs: k * len, value: v });
    } else if (v <= rmon.alarm.fallingThreshold && h.armedFalling && k > 1) {
      h.armedFalling = false;
      h.armedRising = true;
      // no falling event for the quiet start-up (nothing rose yet); count only real clears
      if (h.counts[0] > 0) {
        h.counts[1]++;
        h.entries.push({ eventIndex: 2, logIndex: h.counts[1], atMs: k * len, value: v });
      }
    }
    if (h.entries.length > LOG_ENTRIES_KEPT) h.entries.splice(0, h.entries.length - LOG_ENTRIES_KEPT);
  }
  h.samples = Math.max(h.samples, due);
  return { entries: h.entries, counts: h.counts, lastValue };
}
