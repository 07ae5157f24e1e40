import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { SondeEvent } from '@sonde/events/sonde-event';

/** The event kinds whose payload is samples of one group (`snmp.metric`) or table (`rmon.sample`). */
type SamplesEvent = Extract<SondeEvent, { kind: 'snmp.metric' | 'rmon.sample' }>;
type SamplesKind = SamplesEvent['kind'];

/** The group of a samples event: `group` for the poller, `table` for RMON. */
function groupOf(e: SamplesEvent): string {
  return e.kind === 'snmp.metric' ? e.payload.group : e.payload.table;
}

/**
 * The bus as a collector on the poll engine sees it (the bus adapters have their own contract
 * tests): what it published, in order, and its samples by device and group. One for the
 * snmp-poller's and the rmon-collector's specs.
 */
export class RecordingSampleBus<K extends SamplesKind> {
  readonly events: SondeEvent[] = [];

  constructor(private readonly kind: K) {}

  async publish(events: readonly SondeEvent[]): Promise<void> {
    this.events.push(...events);
  }

  clear(): void {
    this.events.length = 0;
  }

  /** Events of the kind for a device, optionally of one group (table). */
  eventsOf(device: string, group?: string): Array<Extract<SondeEvent, { kind: K }>> {
    return this.events.filter(
      (e): e is Extract<SondeEvent, { kind: K }> => e.kind === this.kind && e.device.id === device && (group === undefined || groupOf(e as SamplesEvent) === group),
    );
  }

  samples(device: string, group?: string): MetricSample[] {
    return this.eventsOf(device, group).flatMap((e) => (e as SamplesEvent).payload.samples);
  }

  /** The first sample named `name` whose labels include `labels`. */
  find(device: string, group: string, name: string, labels: Record<string, string> = {}): MetricSample | undefined {
    return this.samples(device, group).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}
