import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { RecordingSampleBus } from '@sonde/testing/recording-sample-bus';
import { rmonCollectorConfigSchema, type RmonCollectorConfig } from '../src/rmon-collector.config';

/** The bus as the collector sees it: what it published, in order (libs/testing RecordingSampleBus). */
export class RecordingBus extends RecordingSampleBus<'rmon.sample'> {
  constructor() {
    super('rmon.sample');
  }
  /** rmon.sample events of a device, optionally of one table. */
  tables(device: string, table?: string) {
    return this.eventsOf(device, table);
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
