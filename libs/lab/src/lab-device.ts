import type { DeviceProfile } from './device-profile';
import { NO_FAULTS, type LabFaults } from './lab-faults';

/** Base traffic of one interface; each interface scales it by its position (see interfaceRate). */
export interface InterfaceRates {
  inOctetsPerSec: number;
  outOctetsPerSec: number;
  inErrorsPerSec: number;
  outErrorsPerSec: number;
  inDiscardsPerSec: number;
  outDiscardsPerSec: number;
}

/** RMON (RFC 2819 / RFC 3273) probe behaviour of a lab device (see rmon-traffic.ts). */
export interface LabRmonSpec {
  /** etherHistory bucket length (historyControlInterval) and buckets kept (historyControlBucketsGranted). */
  historyIntervalSeconds: number;
  historyBuckets: number;
  /** CRC error bursts on interface 1: every `everySeconds` for `forSeconds` at `crcErrorsPerSec`. */
  burst: { everySeconds: number; forSeconds: number; crcErrorsPerSec: number };
  /** alarm 1: delta of etherStatsCRCAlignErrors.1 every `intervalSeconds`, with hysteresis (RFC 2819 §3.3 alarm group). */
  alarm: { intervalSeconds: number; risingThreshold: number; fallingThreshold: number };
  /** RMON2 (RFC 4502) protocol directory and distribution (rmon2-mib.ts). */
  rmon2?: boolean;
}

export interface LabDeviceSpec {
  id: string;
  name: string;
  profile: DeviceProfile;
  interfaces: number;
  rates: InterfaceRates;
  /** Every counter starts here (2^32 − small number → Counter32 wraps within seconds). */
  counterOffset: bigint;
  /** ifIndexes whose ifOperStatus is down (no traffic; counters stay at the offset). */
  operDown: ReadonlySet<number>;
  sysContact: string;
  sysLocation: string;
  /** Distinguishes devices' MAC addresses and load curves. */
  ordinal: number;
  /** RMON tables on this device (absent: the agent has no RMON, like a stock snmpd). */
  rmon?: LabRmonSpec;
}

/**
 * The state of one simulated device: its spec, when it last booted, and its faults. Values are
 * derived from this and the clock on each request (no background work), so 1 000 devices cost
 * only their sockets.
 */
export class LabDevice {
  private bootedAtMs: number;
  private boots = 1;
  private currentFaults: LabFaults = NO_FAULTS;
  /** ifIndexes taken down at run time (lab outages), on top of `spec.operDown`. */
  private readonly linksDown = new Set<number>();

  constructor(
    readonly spec: LabDeviceSpec,
    startedAtMs: number,
  ) {
    this.bootedAtMs = startedAtMs;
  }

  get faults(): LabFaults {
    return this.currentFaults;
  }

  setFaults(faults: LabFaults): void {
    this.currentFaults = faults;
  }

  /** Takes an interface's ifOperStatus down (or back up) at run time; its counters keep their curve. */
  setLinkDown(ifIndex: number, down: boolean): void {
    if (down) this.linksDown.add(ifIndex);
    else this.linksDown.delete(ifIndex);
  }

  isOperDown(ifIndex: number): boolean {
    return this.spec.operDown.has(ifIndex) || this.linksDown.has(ifIndex);
  }

  /** Reboot now: sysUpTime and counters start again from zero / the offset; snmpEngineBoots + 1. */
  restart(nowMs: number): void {
    this.bootedAtMs = nowMs;
    this.boots += 1;
  }

  /** When the device last booted, taking a `restartEveryMs` fault into account. */
  bootAtMs(nowMs: number): number {
    const every = this.currentFaults.restartEveryMs;
    if (every === undefined || nowMs <= this.bootedAtMs) return this.bootedAtMs;
    return this.bootedAtMs + Math.floor((nowMs - this.bootedAtMs) / every) * every;
  }

  /** snmpEngineBoots (RFC 3414 §2.2.2). */
  engineBoots(nowMs: number): number {
    const every = this.currentFaults.restartEveryMs;
    const periodic = every === undefined || nowMs <= this.bootedAtMs ? 0 : Math.floor((nowMs - this.bootedAtMs) / every);
    return this.boots + periodic;
  }

  /** snmpEngineTime: seconds since the last boot. */
  engineTime(nowMs: number): number {
    return Math.floor((nowMs - this.bootAtMs(nowMs)) / 1000);
  }
}
