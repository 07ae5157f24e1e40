import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { SnmpCredential } from '@sonde/snmp/session/snmp-credential';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { RecordingSampleBus } from '@sonde/testing/recording-sample-bus';
import { snmpPollerConfigSchema, type SnmpPollerConfig } from '../src/snmp-poller.config';

/** The bus as the poller sees it: what it published, in order (libs/testing RecordingSampleBus). */
export class RecordingBus extends RecordingSampleBus<'snmp.metric'> {
  constructor() {
    super('snmp.metric');
  }
  /** The device's `snmp_poll` status samples of every cycle, by name (the last one wins). */
  status(device: string): Record<string, MetricSample> {
    return Object.fromEntries(this.samples(device, 'snmp_poll').map((s) => [s.name, s]));
  }
}

export function testConfig(over: Record<string, unknown> = {}): SnmpPollerConfig {
  return snmpPollerConfigSchema.parse({ timeoutMs: 300, retries: 1, intervalMs: 60_000, ...over });
}

export function target(id: string, port: number, credential: SnmpCredential, over: Partial<PollTarget> = {}): PollTarget {
  return {
    device: { id, address: '127.0.0.1' },
    snmp: { device: id, address: '127.0.0.1', port, credential, timeoutMs: 300, retries: 1, backoff: 1.5 },
    intervalMs: 60_000,
    maxRepetitions: 25,
    ...over,
  };
}

export const V2C = (community = 'public'): SnmpCredential => ({ version: 'v2c', community });
