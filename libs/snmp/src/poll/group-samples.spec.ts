import fc from 'fast-check';
import type { Varbind } from '../session/varbind';
import { BUILTIN_GROUPS } from './builtin-groups';
import type { GroupReading } from './group-poller';
import { groupSamples, indexLabels, labelValue } from './group-samples';

const interfaces = BUILTIN_GROUPS.find((g) => g.name === 'interfaces')!;
const col = (name: string) => interfaces.table!.columns.find((c) => c.name === name)!;
const vb = (type: Varbind['type'], value: Varbind['value']): Varbind => ({ oid: '1.3', type, value });

function reading(inOctets: bigint, highSpeed: number, discontinuity = 0): GroupReading {
  return {
    group: 'interfaces', varbinds: 4, parsed: 4, dropped: {}, requests: 1, missing: 0,
    rows: [{
      index: '7',
      cells: [
        { object: col('ifName'), name: 'ifName', vb: vb('OctetString', Buffer.from('xe-0/0/7')) },
        { object: col('ifHighSpeed'), name: 'ifHighSpeed', vb: vb('Gauge32', highSpeed) },
        { object: col('ifHCInOctets'), name: 'ifHCInOctets', vb: vb('Counter64', inOctets) },
        { object: col('ifCounterDiscontinuityTime'), name: 'ifCounterDiscontinuityTime', vb: vb('TimeTicks', discontinuity) },
      ],
    }],
  };
}

describe('groupSamples', () => {
  it('publishes raw counters, labels from columns and index, and a rate on the second reading', () => {
    const ctx = { ts: 0, sysUpTime: 1000, counters: new Map(), maxGapMs: 180_000, baseLabels: {} };
    const first = groupSamples(interfaces, reading(1000n, 1000), ctx);
    expect(first.samples.find((s) => s.name === 'ifHCInOctets')).toEqual({ name: 'ifHCInOctets', labels: { ifIndex: '7', ifName: 'xe-0/0/7' }, value: 1000, unit: 'By', type: 'counter' });
    expect(first.noRate).toEqual({ first: 1 });
    const second = groupSamples(interfaces, reading(61_000n, 1000), { ...ctx, ts: 60_000, sysUpTime: 7000 });
    expect(second.samples.find((s) => s.name === 'ifHCInOctets_rate')).toMatchObject({ value: 1000, unit: 'By/s', type: 'rate' });
  });

  it('withholds a rate above the link speed and across a counter discontinuity', () => {
    const ctx = { ts: 0, sysUpTime: 1000, counters: new Map(), maxGapMs: 180_000, baseLabels: {} };
    groupSamples(interfaces, reading(0n, 1), ctx); // 1 Mbit/s = 125 000 B/s
    const absurd = groupSamples(interfaces, reading(125_000n * 60n * 2n, 1), { ...ctx, ts: 60_000, sysUpTime: 7000 });
    expect(absurd.noRate).toEqual({ absurd: 1 });
    const disc = groupSamples(interfaces, reading(125_000n * 60n * 3n, 1, 500), { ...ctx, ts: 120_000, sysUpTime: 13_000 });
    expect(disc.noRate).toEqual({ discontinuity: 1 });
  });

  it('splits a multi-part index into labels', () => {
    expect(indexLabels(['a', 'b'], '1.2.3')).toEqual({ a: '1', b: '2.3' });
    expect(indexLabels(['ifIndex'], '12')).toEqual({ ifIndex: '12' });
  });

  it('labelValue is the printable rule of trap varbinds: UTF-8 text, else 0x-hex', () => {
    expect(labelValue(vb('OctetString', Buffer.from('Tür 3', 'utf8')))).toBe('Tür 3');
    expect(labelValue(vb('OctetString', Buffer.from('0x801')))).not.toBe(labelValue(vb('OctetString', Buffer.from([0x08, 0x01]))));
    expect(labelValue(vb('OctetString', Buffer.from([0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e])))).toBe('0x001a2b3c4d5e');
  });

  it('labelValue renders any octets as text or hex without throwing', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const out = labelValue(vb('OctetString', Buffer.from(bytes)));
      expect(typeof out).toBe('string');
    }));
  });
});
