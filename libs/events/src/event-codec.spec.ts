import fc from 'fast-check';
import { createEvent } from './create-event';
import { decodeEvent, decodeTrustedEvent, encodeEvent } from './event-codec';
import { eventIdTime } from './event-id';
import { EVENT_KINDS, topicFor } from './event-kind';
import { EventDecodeError } from './sonde-error';
import type { SondeEvent } from './sonde-event';

const origin = { site: 'lab', collector: 'test-1' };
const device = { id: 'router-1', name: 'Router 1', address: '127.0.0.2' };

export const sampleEvents: SondeEvent[] = [
  createEvent('icmp.probe', origin, device, {
    target: '127.0.0.2', family: 4, sent: 3, received: 2, lossPct: 33.3,
    rttMinMs: 0.1, rttAvgMs: 0.2, rttMaxMs: 0.3, rttStddevMs: 0.08, errors: { 'unreachable:1': 1 }, reachability: 'up',
  }),
  createEvent('snmp.metric', origin, device, {
    group: 'if', samples: [{ name: 'ifHCInOctets', labels: { ifName: 'eth0' }, value: 12, unit: 'By', type: 'counter' }],
  }),
  createEvent('snmp.trap', origin, device, {
    version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'IF-MIB::linkDown', uptime: 100,
    source: { address: '127.0.0.2', port: 40000 }, security: { community: 'public' },
    varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.8.3', name: 'IF-MIB::ifOperStatus.3', type: 'Integer', value: '2', display: 'down(2)' }],
  }),
  createEvent('syslog.message', origin, device, {
    facility: 23, severity: 5, format: 'rfc5424', message: 'hello', structuredData: {}, fields: {},
    timeSource: 'message', transport: 'udp', source: { address: '127.0.0.2', port: 514 }, truncated: false,
  }),
  createEvent('rmon.sample', origin, device, {
    table: 'etherStats', samples: [{ name: 'etherStatsOctets', labels: { index: '1' }, value: 5, unit: 'By', type: 'counter' }],
  }),
  createEvent('alert.state', origin, device, {
    ruleId: 'down', ruleName: 'Device down', state: 'firing', severity: 'critical', fingerprint: 'abc',
    since: 1, summary: 'router-1 is down', labels: { alertname: 'Device down' }, annotations: { summary: 'router-1 is down' },
    startsAt: 1, inhibitedBy: [], flapping: false, transition: 'firing', transitionId: 'abc:1', groupKey: 'abc',
  }),
];

describe('event codec', () => {
  it('covers every kind in the fixtures', () => {
    expect(new Set(sampleEvents.map((e) => e.kind))).toEqual(new Set(EVENT_KINDS));
  });

  it.each(sampleEvents.map((e) => [e.kind, e] as const))('round-trips %s', (_kind, event) => {
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('ids are UUIDv7 carrying their creation time', () => {
    const before = Date.now();
    const e = createEvent('snmp.metric', origin, device, { group: 'x', samples: [] });
    expect(eventIdTime(e.id)).toBeGreaterThanOrEqual(before);
    expect(eventIdTime(e.id)).toBeLessThanOrEqual(Date.now());
  });

  it('routes kinds to one topic per family', () => {
    expect(topicFor('snmp.trap')).toBe('sonde.snmp.v1');
    expect(topicFor('syslog.message')).toBe('sonde.syslog.v1');
  });

  it('names the offending field of an invalid event', () => {
    const bad = JSON.parse(encodeEvent(sampleEvents[1]!).toString());
    bad.payload.samples[0].value = 'NaN';
    expect(() => decodeEvent(JSON.stringify(bad))).toThrow('invalid event at payload.samples[0].value');
  });

  it('rejects an unknown kind and a wrong version', () => {
    const bad = { ...sampleEvents[0]!, kind: 'dns.query' };
    expect(() => decodeEvent(JSON.stringify(bad))).toThrow(EventDecodeError);
    expect(() => decodeEvent(JSON.stringify({ ...sampleEvents[0]!, v: 2 }))).toThrow('at v');
  });

  it('never throws anything but EventDecodeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeEvent(bytes);
        } catch (err) {
          if (!(err instanceof EventDecodeError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws anything but EventDecodeError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          decodeEvent(JSON.stringify(value));
        } catch (err) {
          if (!(err instanceof EventDecodeError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips arbitrary metric samples', () => {
    const sample = fc.record({
      name: fc.string({ minLength: 1 }),
      // zod drops a `__proto__` key on purpose (prototype pollution); no device label is named that
      labels: fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.string()),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      unit: fc.string(),
      type: fc.constantFrom('gauge', 'counter', 'rate', 'status' as const),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 20 }), fc.string({ minLength: 1 }), (samples, group) => {
        const e = createEvent('snmp.metric', origin, device, { group, samples });
        const back = decodeEvent(encodeEvent(e));
        // JSON has no -0, so compare with what JSON makes of the original
        expect(back).toEqual(JSON.parse(JSON.stringify(e)));
      }),
    );
  });
});

describe('decodeTrustedEvent (records from a Sonde producer, ADR 0005)', () => {
  it('gives back every kind as encoded, like the validating decoder', () => {
    for (const e of sampleEvents) expect(decodeTrustedEvent(encodeEvent(e))).toEqual(decodeEvent(encodeEvent(e)));
  });

  it('still refuses what is not a v1 event envelope, naming the field', () => {
    const [e] = sampleEvents;
    const bad = (patch: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...e, ...patch }));
    expect(() => decodeTrustedEvent(bad({ v: 2 }))).toThrow('at v');
    expect(() => decodeTrustedEvent(bad({ kind: 'snmp.other' }))).toThrow('at kind');
    expect(() => decodeTrustedEvent(bad({ ts: '1' }))).toThrow('at ts');
    expect(() => decodeTrustedEvent(bad({ device: { address: 'x' } }))).toThrow('at device');
    expect(() => decodeTrustedEvent(bad({ payload: [] }))).toThrow('at payload');
    expect(() => decodeTrustedEvent(Buffer.from('{"v":1'))).toThrow(EventDecodeError);
  });

  it('never throws anything but EventDecodeError, and accepts only what has a whole envelope (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          const e = decodeTrustedEvent(Buffer.from(text), { topic: 't' });
          expect(typeof e.id).toBe('string');
          expect(typeof e.device.id).toBe('string');
          expect(typeof e.payload).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(EventDecodeError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
