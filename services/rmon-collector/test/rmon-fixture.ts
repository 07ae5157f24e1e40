import type { SondeEvent } from '@sonde/events/sonde-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { rmonCollectorConfigSchema, type RmonCollectorConfig } from '../src/rmon-collector.config';

/** The bus as the collector sees it: what it published, in order. */
export class RecordingBus {
  readonly events: SondeEvent[] = [];
  async publish(events: readonly SondeEvent[]): Promise<void> {
    this.events.push(...events);
  }
  clear(): void {
    this.events.length = 0;
  }
  /** rmon.sample events of a device, optionally of one table. */
  tables(device: string, table?: string): Array<Extract<SondeEvent, { kind: 'rmon.sample' }>> {
    return this.events.filter((e): e is Extract<SondeEvent, { kind: 'rmon.sample' }> => e.kind === 'rmon.sample' && e.device.id === device && (table === undefined || e.payload.table === table));
  }
  samples(device: string, table?: string): MetricSample[] {
    return this.tables(device, table).flatMap((e) => e.payload.samples);
  }
  /** The first sample named `name` whose labels include `labels`. */
  find(device: string, table: string, name: string, labels: Record<string, string> = {}): MetricSample | undefined {
    return this.samples(device, table).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}

export function testConfig(over: Record<string, unknown> = {}): RmonCollectorConfig {
  return rmonCollectorConfigSchema.parse({ timeoutMs: 500, retries: 1, intervalMs: 10_000, ...over });
}

export function target(id: string, address: string, port: number, community = 'public'): PollTarget {
  return {
    device: { id, address },
    snmp: { device: id, address, port, credential: { version: 'v2c', community }, timeoutMs: 500, retries: 1, backoff: 1.5 },
    intervalMs: 10_000,
    maxRepetitions: 25,
  };
}
