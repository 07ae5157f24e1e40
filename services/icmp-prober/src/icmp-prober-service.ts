import { deviceRef } from '@sonde/inventory/device-ref';
import { EventPublisher } from '@sonde/collector/event-publisher';
import type { EventOrigin } from '@sonde/events/create-event';
import type { EventBus } from '@sonde/bus/event-bus';
import { IcmpProber, type CycleResult, type IcmpTransport } from './icmp-prober';
import type { IcmpProberConfig } from './icmp-prober.config';
import type { IcmpProberMetrics } from './icmp-prober.metrics';
import { RawIcmpTransport } from './icmp-socket';
import { probeEvents } from './probe-event';
import { probeTarget, type ProbeTarget } from './probe-target';

/** The part of the EventBus port (libs/bus/src/event-bus.ts) the prober uses. */
export type ProbeEventSink = Pick<EventBus, 'publish'>;

/** The part of the inventory the prober reads: this site's devices and their addresses. */
export interface DeviceSource {
  devicesAt(): readonly { id: string; name?: string; address: string }[];
}

/** The part of a pino Logger this needs. */
export interface ProberLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface IcmpProberServiceDeps {
  bus: ProbeEventSink;
  inventory: DeviceSource;
  metrics: IcmpProberMetrics;
  log: ProberLog;
  origin: EventOrigin;
  /**
   * Whether this replica probes the device (TargetAssignment.owns, design.md §5: the replicas of
   * one site share its targets through the consumer group of `sonde.targets.<site>`); default:
   * every target. Asked again for every target on `refreshTargets()`.
   */
  owns?: (deviceId: string) => boolean;
  /** Opens the sockets; raw sockets by default (tests of the service alone may pass another). */
  openTransport?: (config: IcmpProberConfig) => { transport: IcmpTransport; unavailable: { family: 4 | 6; reason: string }[] };
}

/** Events waiting for the bus beyond this are dropped (counted): a dead bus must not eat memory. */
const MAX_PENDING_EVENTS = 100_000;
const FLUSH_EVERY_MS = 200;

/**
 * The prober as a service: resolves targets (inventory devices with an IP address, plus the
 * config's static list), runs the engine on raw sockets, and publishes each cycle's
 * `icmp.probe` events to the bus in batches (at most one publish in flight, in order).
 */
export class IcmpProberService {
  private transport: IcmpTransport | null = null;
  private prober: IcmpProber | null = null;
  /** libs/collector's publisher: batches, one publish in flight, bounded, drops counted. */
  private readonly publisher: EventPublisher;
  private siteTargets = 0;
  private readonly reportedSkipped = new Set<string>();
  private ownedTargets = 0;
  /** Whether the first target assignment (or, unsharded, the start) placed the targets. */
  private assigned = false;

  constructor(
    private readonly config: IcmpProberConfig,
    private readonly deps: IcmpProberServiceDeps,
  ) {
    this.publisher = new EventPublisher(deps.bus, deps.metrics, { maxEvents: 1000, maxWaitMs: FLUSH_EVERY_MS, maxPendingEvents: MAX_PENDING_EVENTS }, deps.log);
  }

  /** Opens the sockets and starts probing. Throws IcmpProberError (code `auth`) without CAP_NET_RAW. */
  start(): { targets: number; unavailableFamilies: number[] } {
    const open = this.deps.openTransport ?? ((c: IcmpProberConfig) => RawIcmpTransport.open({ receiveBufferBytes: c.socketReceiveBufferBytes }));
    const { transport, unavailable } = open(this.config);
    this.transport = transport;
    for (const u of unavailable) this.deps.log.warn({ family: u.family, reason: u.reason }, `icmp-prober: IPv${u.family} socket unavailable; IPv${u.family} targets are skipped`);
    this.prober = new IcmpProber({
      settings: this.config,
      transport,
      metrics: this.deps.metrics,
      unavailableFamilies: unavailable.map((u) => u.family),
      onCycle: (result) => this.enqueue(result),
    });
    const targets = this.resolveTargets();
    this.prober.setTargets(targets);
    this.prober.start();
    this.assigned = this.deps.owns === undefined;
    return { targets: targets.length, unavailableFamilies: unavailable.map((u) => u.family) };
  }

  /**
   * Re-reads the inventory and the ownership (after a target reassignment or an inventory
   * change); kept targets keep their state. The first assignment spreads its targets' first
   * cycles over one interval (no burst at start); after it, gained targets start at once
   * (the rate limit still holds): they were a replica's that may have died — the prober keeps
   * no shared state that could tell — and waiting up to an interval would add it to the
   * failover. A graceful handover then costs one early cycle, never a gap.
   */
  refreshTargets(): { owned: number; site: number } {
    const targets = this.resolveTargets();
    this.prober?.setTargets(targets, this.assigned ? 0 : this.config.cycleIntervalMs);
    this.assigned = true;
    return { owned: targets.length, site: this.siteTargets };
  }

  /** Targets this replica probes. */
  get targetCount(): number {
    return this.ownedTargets;
  }

  /** Targets of the site, all replicas together. */
  get siteTargetCount(): number {
    return this.siteTargets;
  }

  get pendingEvents(): number {
    return this.publisher.pendingEvents;
  }

  /** Stops probing, publishes what was measured, closes the sockets. */
  async stop(): Promise<void> {
    this.prober?.stop();
    await this.publisher.drain();
    this.transport?.close();
    this.transport = null;
  }

  private resolveTargets(): ProbeTarget[] {
    const byAddress = new Map<string, ProbeTarget>();
    const skipped: string[] = [];
    if (this.config.probeInventory) {
      for (const d of this.deps.inventory.devicesAt()) {
        const t = probeTarget(d.address, deviceRef(d));
        if (t) byAddress.set(t.address, t);
        else skipped.push(d.id);
      }
    }
    for (const s of this.config.targets) {
      const t = probeTarget(s.address, { id: s.id ?? s.address, ...(s.name ? { name: s.name } : {}), address: s.address });
      if (t && !byAddress.has(t.address)) byAddress.set(t.address, t);
    }
    // counted and logged once per device, not on every reassignment
    const fresh = skipped.filter((id) => !this.reportedSkipped.has(id));
    if (fresh.length > 0) {
      for (const id of fresh) this.reportedSkipped.add(id);
      this.deps.metrics.dropped('unavailable', 'schedule', fresh.length, 'address-not-ip');
      this.deps.log.warn({ devices: fresh.slice(0, 20), count: fresh.length }, 'icmp-prober: devices whose address is a hostname are not probed (no DNS on the probe path)');
    }
    const all = [...byAddress.values()];
    const owns = this.deps.owns;
    const owned = owns ? all.filter((t) => owns(t.device.id)) : all;
    this.siteTargets = all.length;
    this.ownedTargets = owned.length;
    return owned;
  }

  private enqueue(result: CycleResult): void {
    for (const e of probeEvents(result, this.deps.origin)) this.publisher.enqueue(e);
  }
}
