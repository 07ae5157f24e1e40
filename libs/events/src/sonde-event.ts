import { z } from 'zod';
import { alertStatePayloadSchema } from './payloads/alert-state';
import { icmpProbePayloadSchema } from './payloads/icmp-probe';
import { rmonSamplePayloadSchema } from './payloads/rmon-sample';
import { snmpMetricPayloadSchema } from './payloads/snmp-metric';
import { snmpTrapPayloadSchema } from './payloads/snmp-trap';
import { syslogMessagePayloadSchema } from './payloads/syslog-message';

export const EVENT_SCHEMA_VERSION = 1 as const;

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The device an event is about: resolved from the inventory, or just its address if unknown. */
export const deviceRefSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  address: z.string(),
  /** The inventory device's tags (ADR 0006); absent for an unknown source or an older producer. */
  tags: z.array(z.string().min(1)).optional(),
});
export type DeviceRef = z.infer<typeof deviceRefSchema>;

const epochMs = z.number().int().nonnegative();

const envelope = {
  v: z.literal(EVENT_SCHEMA_VERSION),
  id: z.string().regex(UUID_V7, 'must be a UUIDv7'),
  ts: epochMs,
  receivedAt: epochMs.optional(),
  site: z.string().min(1),
  collector: z.string().min(1),
  device: deviceRefSchema,
};

export const sondeEventSchema = z.discriminatedUnion('kind', [
  z.object({ ...envelope, kind: z.literal('icmp.probe'), payload: icmpProbePayloadSchema }),
  z.object({ ...envelope, kind: z.literal('snmp.metric'), payload: snmpMetricPayloadSchema }),
  z.object({ ...envelope, kind: z.literal('snmp.trap'), payload: snmpTrapPayloadSchema }),
  z.object({ ...envelope, kind: z.literal('syslog.message'), payload: syslogMessagePayloadSchema }),
  z.object({ ...envelope, kind: z.literal('rmon.sample'), payload: rmonSamplePayloadSchema }),
  z.object({ ...envelope, kind: z.literal('alert.state'), payload: alertStatePayloadSchema }),
]);

export type SondeEvent = z.infer<typeof sondeEventSchema>;
/** What a producer writes before defaults (units, empty maps) are applied. */
export type SondeEventInput = z.input<typeof sondeEventSchema>;
export type EventOfKind<K extends SondeEvent['kind']> = Extract<SondeEvent, { kind: K }>;
export type PayloadOf<K extends SondeEvent['kind']> = EventOfKind<K>['payload'];
