import fc from 'fast-check';
import { sondeEventSchema, type SondeEvent } from '@sonde/events/sonde-event';
import { newEventId } from '@sonde/events/event-id';

// Arbitrary *valid* events: built from the contract's own constraints, then parsed by its
// schema (which applies defaults), so anything generated is what a decoder would accept.
const str = fc.string({ maxLength: 20 });
const name = fc.string({ minLength: 1, maxLength: 20 });
const key = fc.string({ maxLength: 10 }).filter((k) => k !== '__proto__');
const dict = fc.dictionary(key, str, { maxKeys: 4 });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nonNeg = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 });
const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const reach = fc.constantFrom('up', 'down', 'unknown');
const endpoint = fc.record({ address: str, port: int });

const sample = fc.record({
  name,
  labels: dict,
  value: finite,
  unit: str,
  type: fc.constantFrom('gauge', 'counter', 'rate', 'status'),
});

const payloads = {
  'icmp.probe': fc.record({
    target: name, family: fc.constantFrom(4, 6), sent: fc.nat(), received: fc.nat(), lossPct: fc.double({ min: 0, max: 100, noNaN: true }),
    rttMinMs: fc.option(nonNeg), rttAvgMs: fc.option(nonNeg), rttMaxMs: fc.option(nonNeg), rttStddevMs: fc.option(nonNeg),
    errors: fc.dictionary(key, fc.nat(), { maxKeys: 3 }), reachability: reach,
    transition: opt(fc.record({ from: reach, to: reach })),
  }),
  'snmp.metric': fc.record({ group: name, samples: fc.array(sample, { maxLength: 5 }) }),
  'rmon.sample': fc.record({ table: name, samples: fc.array(sample, { maxLength: 5 }) }),
  'snmp.trap': fc.record({
    version: fc.constantFrom('v1', 'v2c', 'v3'), pdu: fc.constantFrom('trap', 'inform'), trapOid: name, trapName: opt(str),
    uptime: opt(nonNeg), source: endpoint, agentAddress: opt(str), relayedBy: opt(str), enterprise: opt(str),
    genericTrap: opt(int), specificTrap: opt(int),
    security: fc.record({ community: opt(str), user: opt(str), engineId: opt(str), level: opt(fc.constantFrom('noAuthNoPriv', 'authNoPriv', 'authPriv')) }),
    varbinds: fc.array(fc.record({ oid: name, name: opt(str), type: name, value: str, display: opt(str) }), { maxLength: 4 }),
  }),
  'syslog.message': fc.record({
    facility: fc.integer({ min: 0, max: 23 }), severity: fc.integer({ min: 0, max: 7 }), format: name,
    hostname: opt(str), appName: opt(str), procId: opt(str), msgId: opt(str), message: fc.string({ maxLength: 200 }),
    structuredData: fc.dictionary(key, dict, { maxKeys: 2 }), fields: dict,
    timeSource: fc.constantFrom('message', 'received'), transport: fc.constantFrom('udp', 'tcp', 'tls'), source: endpoint, truncated: fc.boolean(),
  }),
  'alert.state': fc.record({
    ruleId: name, ruleName: name, state: fc.constantFrom('pending', 'firing', 'resolved'), severity: fc.constantFrom('info', 'warning', 'critical'),
    fingerprint: name, since: ms, summary: str, labels: dict, value: opt(finite),
    annotations: dict, startsAt: ms, endsAt: opt(ms), inhibitedBy: fc.array(name, { maxLength: 3 }), flapping: fc.boolean(),
    transition: fc.constantFrom('pending', 'firing', 'resolved', 'cancelled', 'flapping-start', 'flapping-stop', 'inhibited', 'uninhibited'),
    transitionId: name, groupKey: opt(name), threshold: opt(finite),
  }),
} as const;

const dropUndefined = (o: unknown): unknown => JSON.parse(JSON.stringify(o));

/** Any valid event of any kind, with timestamps in [tsMin, tsMax]. */
export function arbitraryEvent(tsMin = 0, tsMax = 4_102_444_800_000): fc.Arbitrary<SondeEvent> {
  return fc
    .constantFrom(...(Object.keys(payloads) as (keyof typeof payloads)[]))
    .chain((kind) =>
      fc.record({
        kind: fc.constant(kind),
        payload: payloads[kind] as fc.Arbitrary<unknown>,
        ts: fc.integer({ min: tsMin, max: tsMax }),
        receivedAt: opt(fc.integer({ min: tsMin, max: tsMax })),
        site: name,
        collector: name,
        device: fc.record({ id: name, name: opt(str), address: str }),
      }),
    )
    .map((e) => sondeEventSchema.parse(dropUndefined({ v: 1, id: newEventId(e.ts), ...e })));
}
