import { z } from 'zod';

/**
 * A recurring outage so a newcomer sees alerts fire, get inhibited and resolve within minutes of
 * `sonde up` (issue 9 item 12). One cycle, from its start:
 *   0                    an interface of the child device goes oper-down (InterfaceDown fires after its `for`)
 *   deviceDownAfterMs    the parent device stops answering SNMP (SnmpPollFailing fires after 3 cycles
 *                        and mutes the child's alerts: the child lists the parent in `devices[].parents`)
 *   + deviceDownMs       the parent answers again (resolved; the child's alerts are no longer muted)
 *   interfaceDownMs      the interface comes back (InterfaceDown resolves)
 * Loopback addresses always answer ICMP, so the lab's "device down" is its agent going silent.
 */
export const labOutagesSchema = z.strictObject({
  enabled: z.boolean().default(false),
  firstAfterMs: z.number().int().min(0).default(10_000),
  everyMs: z.number().int().min(1000).default(300_000),
  /** The device that stops answering (default: the first lab device). */
  device: z.string().min(1).optional(),
  deviceDownAfterMs: z.number().int().min(0).default(60_000),
  deviceDownMs: z.number().int().min(1000).default(90_000),
  /** The device whose interface goes down (default: the second lab device, a child of the first). */
  interfaceDevice: z.string().min(1).optional(),
  ifIndex: z.number().int().positive().default(2),
  interfaceDownMs: z.number().int().min(1000).default(180_000),
});
export type LabOutagesConfig = z.infer<typeof labOutagesSchema>;

/** What the schedule switches (the Lab). */
export interface OutageTarget {
  setFaults(id: string, faults: { timeout?: boolean }): void;
  setLinkDown(id: string, ifIndex: number, down: boolean): void;
}

export interface OutageStep {
  atMs: number;
  what: 'interface-down' | 'device-down' | 'device-up' | 'interface-up';
}

/** The steps of one cycle, relative to its start, in time order. */
export function outageSteps(c: LabOutagesConfig): OutageStep[] {
  const steps: OutageStep[] = [
    { atMs: 0, what: 'interface-down' },
    { atMs: c.deviceDownAfterMs, what: 'device-down' },
    { atMs: c.deviceDownAfterMs + c.deviceDownMs, what: 'device-up' },
    { atMs: c.interfaceDownMs, what: 'interface-up' },
  ];
  return steps.sort((a, b) => a.atMs - b.atMs);
}

/** Runs the cycle on timers (unref'd: a lab never keeps a process alive). */
export class LabOutages {
  private timers: NodeJS.Timeout[] = [];
  private cycle: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: LabOutagesConfig,
    private readonly target: OutageTarget,
    private readonly device: string,
    private readonly interfaceDevice: string,
  ) {}

  start(): void {
    const first = setTimeout(() => {
      this.runCycle();
      this.cycle = setInterval(() => this.runCycle(), this.config.everyMs);
      this.cycle.unref();
    }, this.config.firstAfterMs);
    first.unref();
    this.timers.push(first);
  }

  private runCycle(): void {
    for (const step of outageSteps(this.config)) {
      if (step.atMs === 0) {
        this.apply(step.what);
        continue;
      }
      const t = setTimeout(() => this.apply(step.what), step.atMs);
      t.unref();
      this.timers.push(t);
    }
    this.timers = this.timers.slice(-16);
  }

  apply(what: OutageStep['what']): void {
    if (what === 'interface-down' || what === 'interface-up') this.target.setLinkDown(this.interfaceDevice, this.config.ifIndex, what === 'interface-down');
    else this.target.setFaults(this.device, { timeout: what === 'device-down' });
  }

  stop(): void {
    clearInterval(this.cycle);
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    // leave the lab healthy
    this.apply('device-up');
    this.apply('interface-up');
  }
}
