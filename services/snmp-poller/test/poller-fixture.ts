import type { SondeEvent } from '@sonde/events/sonde-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { SnmpCredential } from '@sonde/snmp/session/snmp-credential';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { snmpPollerConfigSchema, type SnmpPollerConfig } from '../src/snmp-poller.config';

/** The bus as the poller sees it: what it published, in order (the bus adapters have their own contract tests). */
export class RecordingBus {
  readonly events: SondeEvent[] = [];
  async publish(events: readonly SondeEvent[]): Promise<void> {
    this.events.push(...events);
  }
  clear(): void {
    this.events.length = 0;
  }
  samples(device: string, group?: string): MetricSample[] {
    return this.events.flatMap((e) =>
      e.kind === 'snmp.metric' && e.device.id === device && (group === undefined || e.payload.group === group) ? e.payload.samples : [],
    );
  }
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
