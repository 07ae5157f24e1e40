import fc from 'fast-check';
import { dataSourceIfIndex, entryStatusName } from './rmon-row';
import { capabilityNames, PROBE_CAPABILITIES } from './rmon2-samples';
import { columnInstanceName } from './rmon-sampler';

describe('RMON value parsers', () => {
  it('dataSourceIfIndex: ifIndex.<n> of IF-MIB, nothing else (fast-check)', () => {
    expect(dataSourceIfIndex('1.3.6.1.2.1.2.2.1.1.7')).toBe(7);
    expect(dataSourceIfIndex('1.3.6.1.2.1.2.2.1.1.0')).toBeUndefined();
    expect(dataSourceIfIndex('1.3.6.1.2.1.2.2.1.2.7')).toBeUndefined();
    expect(dataSourceIfIndex('1.3.6.1.2.1.2.2.1.1.7.1')).toBeUndefined();
    fc.assert(fc.property(fc.integer({ min: 1, max: 2147483647 }), (n) => dataSourceIfIndex(`1.3.6.1.2.1.2.2.1.1.${n}`) === n));
    // any suffix: either refused, or exactly the number it spells (1 … 2^31 − 1)
    fc.assert(
      fc.property(fc.string(), (suffix) => {
        const v = dataSourceIfIndex(`1.3.6.1.2.1.2.2.1.1.${suffix}`);
        return v === undefined || (/^\d+$/.test(suffix) && Number(suffix) === v && v >= 1 && v <= 2147483647);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => dataSourceIfIndex(s) === undefined || s.startsWith('1.3.6.1.2.1.2.2.1.1.')));
  });

  it('capabilityNames: BITS, bit 0 the high bit of the first octet (RFC 2578 §7.1.4; fast-check round trip)', () => {
    expect(capabilityNames(Buffer.from([0x80]))).toEqual(['etherStats']);
    expect(capabilityNames(Buffer.from([0x04]))).toEqual(['hostTopN']);
    expect(capabilityNames(Buffer.from([0x00, 0x40]))).toEqual(['event']);
    expect(capabilityNames(Buffer.alloc(0))).toEqual([]);
    fc.assert(
      fc.property(fc.subarray([...PROBE_CAPABILITIES]), fc.integer({ min: 0, max: 4 }), (names, extra) => {
        const bytes = Buffer.alloc(4 + extra);
        for (const n of names) {
          const i = PROBE_CAPABILITIES.indexOf(n);
          bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7));
        }
        expect(capabilityNames(bytes)).toEqual(names);
      }),
    );
  });

  it('names an alarm variable by its RMON column and instance, else keeps the OID', () => {
    expect(columnInstanceName('1.3.6.1.2.1.16.1.1.1.8.1')).toBe('etherStatsCRCAlignErrors.1');
    expect(columnInstanceName('1.3.6.1.2.1.16.1.7.1.4.12')).toBe('etherStatsHighCapacityOctets.12');
    expect(columnInstanceName('1.3.6.1.4.1.9.9.1')).toBe('1.3.6.1.4.1.9.9.1');
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), (subs) => typeof columnInstanceName(subs.join('.')) === 'string'));
  });

  it('entryStatusName: the four EntryStatus values, anything else unknown', () => {
    expect([1, 2, 3, 4].map(entryStatusName)).toEqual(['valid', 'createRequest', 'underCreation', 'invalid']);
    expect(entryStatusName(9)).toBe('unknown(9)');
    expect(entryStatusName(undefined)).toBe('unknown');
  });
});
