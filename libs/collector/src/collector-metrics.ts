import { Counter, type Registry } from 'prom-client';
import type { CollectorCounts } from './collector-counts';
import type { DropReason, DropStage } from './drop-reason';

export interface CollectorMetricsOptions {
  /** metric name prefix, e.g. `sonde_trap` → `sonde_trap_received_total` */
  prefix: string;
  /** the unit the counters count, for the help texts ("datagrams", "probe results") */
  unit: string;
  /** optional label of `received` (syslog: `transport`) */
  receivedLabel?: string;
  /** optional label of `parsed` (syslog: `format`) */
  parsedLabel?: string;
}

/**
 * The four counters of the collector vocabulary: `<prefix>_received_total`, `_parsed_total`,
 * `_published_total`, `_dropped_total{reason, stage, detail}`.
 *
 * Per-unit counts (received, parsed, dropped) go to plain numbers and reach prom-client at
 * scrape time (`collect`): prom-client hashes the label set on every inc, which costs more than
 * decoding a datagram (measured in bench/syslog/RESULTS.md). Hot paths call these per unit.
 */
export class CollectorMetrics implements CollectorCounts {
  readonly receivedTotal: Counter<string>;
  readonly parsedTotal: Counter<string>;
  readonly publishedTotal: Counter;
  readonly droppedTotal: Counter<'reason' | 'stage' | 'detail'>;

  private readonly pendingReceived = new Map<string, number>();
  private readonly pendingParsed = new Map<string, number>();
  private readonly pendingDropped = new Map<string, { reason: DropReason; stage: DropStage; detail: string; n: number }>();

  constructor(
    registry: Registry,
    private readonly options: CollectorMetricsOptions,
  ) {
    const registers = [registry];
    const flush = () => this.flushCounts();
    const { prefix, unit } = options;
    this.receivedTotal = new Counter({
      name: `${prefix}_received_total`, help: `${cap(unit)} received`, labelNames: options.receivedLabel ? [options.receivedLabel] : [], registers, collect: flush,
    });
    this.parsedTotal = new Counter({
      name: `${prefix}_parsed_total`, help: `${cap(unit)} decoded (and authorized) into an event`, labelNames: options.parsedLabel ? [options.parsedLabel] : [], registers, collect: flush,
    });
    this.publishedTotal = new Counter({ name: `${prefix}_published_total`, help: 'Events accepted by the bus', registers });
    this.droppedTotal = new Counter({
      name: `${prefix}_dropped_total`,
      help: `${cap(unit)} not published, by reason (shared enum, libs/collector drop-reason.ts), stage and collector-specific detail`,
      labelNames: ['reason', 'stage', 'detail'],
      registers,
      collect: flush,
    });
  }

  received(n = 1, label = ''): void {
    this.pendingReceived.set(label, (this.pendingReceived.get(label) ?? 0) + n);
  }

  parsed(n = 1, label = ''): void {
    this.pendingParsed.set(label, (this.pendingParsed.get(label) ?? 0) + n);
  }

  published(n: number): void {
    if (n > 0) this.publishedTotal.inc(n);
  }

  dropped(reason: DropReason, stage: DropStage, n = 1, detail = ''): void {
    const key = `${reason}\u0000${stage}\u0000${detail}`;
    const d = this.pendingDropped.get(key);
    if (d) d.n += n;
    else this.pendingDropped.set(key, { reason, stage, detail, n });
  }

  /** Moves the pending per-unit counts into the prom-client counters (at scrape, or in tests). */
  flushCounts(): void {
    move(this.pendingReceived, this.receivedTotal, this.options.receivedLabel);
    move(this.pendingParsed, this.parsedTotal, this.options.parsedLabel);
    for (const d of this.pendingDropped.values()) {
      if (d.n > 0) this.droppedTotal.inc(d.detail ? { reason: d.reason, stage: d.stage, detail: d.detail } : { reason: d.reason, stage: d.stage }, d.n);
      d.n = 0;
    }
  }
}

function move(pending: Map<string, number>, counter: Counter<string>, labelName: string | undefined): void {
  for (const [label, n] of pending) {
    if (n === 0) continue;
    if (labelName) counter.inc({ [labelName]: label }, n);
    else counter.inc(n);
    pending.set(label, 0);
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
