import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { encodeSpoolRecord, readSpoolRecords, type SpoolRecord } from './spool-record';

const record = fc.record({
  topic: fc.string({ maxLength: 40 }),
  key: fc.string({ maxLength: 40 }),
  value: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
});

const encodeAll = (records: SpoolRecord[]) => Buffer.concat(records.map(encodeSpoolRecord));

describe('spool record reader', () => {
  it('round-trips any records', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), (records) => {
        const bytes = encodeAll(records);
        const read = readSpoolRecords(bytes);
        expect(read.problem).toBeUndefined();
        expect(read.end).toBe(bytes.length);
        expect(read.records).toEqual(records);
      }),
    );
  });

  it('never throws on arbitrary bytes, and stops at a record boundary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(700), (bytes, start) => {
        const read = readSpoolRecords(bytes, start);
        expect(read.end).toBeGreaterThanOrEqual(Math.min(start, bytes.length));
        expect(read.end).toBeLessThanOrEqual(bytes.length);
        if (read.end < bytes.length) expect(read.problem).toBeDefined();
      }),
      { numRuns: 5000 },
    );
  });

  it('detects a truncated tail and keeps every whole record before it', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), (records, cutSeed) => {
        const bytes = encodeAll(records);
        const lastStart = bytes.length - encodeSpoolRecord(records[records.length - 1]!).length;
        const cut = lastStart + 1 + (cutSeed % (bytes.length - lastStart - 1 || 1));
        const read = readSpoolRecords(bytes.subarray(0, Math.min(cut, bytes.length - 1)));
        expect(read.records).toEqual(records.slice(0, -1));
        expect(read.end).toBe(lastStart);
        expect(read.problem).toBe('truncated');
      }),
    );
  });

  it('detects a corrupted byte: nothing from the damaged record on is returned', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (records, posSeed, flip) => {
        const bytes = encodeAll(records);
        const pos = posSeed % bytes.length;
        const damaged = Buffer.from(bytes);
        damaged[pos] = damaged[pos]! ^ flip;
        const read = readSpoolRecords(damaged);
        // the records before the damaged one survive intact
        let start = 0;
        let intact = 0;
        for (const r of records) {
          const len = encodeSpoolRecord(r).length;
          if (start + len > pos) break;
          start += len;
          intact++;
        }
        expect(read.records.slice(0, intact)).toEqual(records.slice(0, intact));
        expect(read.problem).toBeDefined();
        expect(read.end).toBe(start);
      }),
      { numRuns: 2000 },
    );
  });

  it('honours maxRecords and resumes from end', () => {
    const records = [1, 2, 3, 4, 5].map((i) => ({ topic: 't', key: `k${i}`, value: Buffer.from([i]) }));
    const bytes = encodeAll(records);
    const first = readSpoolRecords(bytes, 0, 2);
    expect(first.records.map((r) => r.key)).toEqual(['k1', 'k2']);
    const rest = readSpoolRecords(bytes, first.end);
    expect(rest.records.map((r) => r.key)).toEqual(['k3', 'k4', 'k5']);
  });
});
