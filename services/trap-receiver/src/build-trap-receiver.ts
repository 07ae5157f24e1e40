import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import type { EventOrigin } from '@sonde/events/create-event';
import type { DeviceRef } from '@sonde/events/sonde-event';
import type { OidDictionary } from '@sonde/snmp/mib/oid-dictionary';
import type { Clock } from '@sonde/telemetry/clock';
import type { Registry } from 'prom-client';
import { LocalEngine } from '@sonde/snmp/usm/engine-time';
import type { SnmpWireError } from '@sonde/snmp/ber/snmp-wire-error';
import { TrapReceiver } from './trap-receiver';
import type { TrapReceiverConfig } from './trap-receiver.config';
import { TrapReceiverMetrics, type TrapMetricSources } from './trap-receiver.metrics';
import { UsmSecurity, type UsmUserConfig } from '@sonde/snmp/usm/usm-security';

export interface TrapReceiverParts {
  receiver: TrapReceiver;
  metrics: TrapReceiverMetrics;
  usm: UsmSecurity;
  rateLimit: SourceTokenBucket;
  local: LocalEngine;
}

/** net-snmp's enterprise (8072), format 4 = text (RFC 3411 §5 SnmpEngineID). */
export function defaultEngineId(instance: string): string {
  const text = Buffer.from(`sonde-${instance}`, 'utf8').subarray(0, 27);
  return `80001f8804${text.toString('hex')}`;
}

/**
 * Composes the receiver from its validated config section and resolved credentials. Keys are
 * localized here, once (RFC 3414 A.2): a slow start with many users, never a slow packet.
 */
export function buildTrapReceiver(opts: {
  config: TrapReceiverConfig;
  communities: readonly string[];
  users: readonly UsmUserConfig[];
  dictionary: OidDictionary;
  registry: Registry;
  clock: Clock;
  origin: EventOrigin;
  resolveDevice(address: string): DeviceRef;
  onDrop?(source: string, error: SnmpWireError): void;
  /** the socket side of the gauges (kernel drops, receive buffer), once the sockets exist */
  sockets?: Pick<TrapMetricSources, 'kernelDrops' | 'receiveBufferBytes'>;
}): TrapReceiverParts {
  const r = opts.config.rateLimit;
  const rateLimit = new SourceTokenBucket(
    { perSourcePerSecond: r.perSourcePerSecond, perSourceBurst: r.perSourceBurst, globalPerSecond: r.globalPerSecond, globalBurst: r.globalBurst, maxSources: r.maxSources },
    opts.clock.now(),
  );
  const metrics = new TrapReceiverMetrics(opts.registry, {
    droppedBySource: () => rateLimit.droppedBySource(),
    kernelDrops: () => opts.sockets?.kernelDrops() ?? 0,
    receiveBufferBytes: () => opts.sockets?.receiveBufferBytes() ?? 0,
  });
  const local = new LocalEngine(Buffer.from(opts.config.engineId ?? defaultEngineId(opts.origin.collector), 'hex'), opts.clock);
  const usm = new UsmSecurity(opts.users, local, opts.clock);
  metrics.usmKeys.set(usm.keyCount);
  const receiver = new TrapReceiver({
    dictionary: opts.dictionary,
    communities: new Set(opts.communities),
    usm,
    trustedRelays: new Set(opts.config.trustedRelays),
    rateLimit,
    metrics,
    resolveDevice: opts.resolveDevice,
    origin: opts.origin,
    clock: opts.clock,
    ...(opts.onDrop ? { onDrop: opts.onDrop } : {}),
  });
  return { receiver, metrics, usm, rateLimit, local };
}
