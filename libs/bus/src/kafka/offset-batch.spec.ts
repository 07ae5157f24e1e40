import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { batchToken, cutOffsetBatch, formatBatchIntent, parseBatchIntent } from './offset-batch';

const msgs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: from + i }));

describe('offset batches', () => {
  it('round-trips an intent and ignores foreign or damaged metadata', () => {
    expect(parseBatchIntent(formatBatchIntent(41))).toBe(41);
    expect(parseBatchIntent(null)).toBeNull();
    expect(parseBatchIntent('')).toBeNull();
    expect(parseBatchIntent('written by another tool')).toBeNull();
    expect(parseBatchIntent('sonde-batch:v1:last=-3')).toBeNull();
    fc.assert(fc.property(fc.string(), (s) => {
      const v = parseBatchIntent(s);
      expect(v === null || Number.isSafeInteger(v)).toBe(true);
    }));
  });

  it('cuts up to maxEvents without an intent', () => {
    const cut = cutOffsetBatch(msgs(10, 30), 10, null, 5, 31)!;
    expect([cut.first, cut.last, cut.messages.length]).toEqual([10, 14, 5]);
    expect(batchToken('t', 2, cut.first, cut.last)).toBe('t/2/10-14');
  });

  it('waits for the intent\'s last offset, then cuts exactly there', () => {
    expect(cutOffsetBatch(msgs(10, 12), 10, 20, 5, 100)).toBeNull();
    const cut = cutOffsetBatch(msgs(10, 25), 10, 20, 5, 100)!;
    expect([cut.first, cut.last, cut.messages.length]).toEqual([10, 20, 11]);
  });

  it('does not wait for offsets the partition no longer has', () => {
    const cut = cutOffsetBatch(msgs(10, 15), 10, 20, 5, 16)!;
    expect([cut.first, cut.last, cut.messages.length]).toEqual([10, 20, 6]);
  });

  it('gives the same batch for any fetch sizes once an intent is recorded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 40 }), (maxEvents, fetchSizes, total) => {
        const all = msgs(0, total + 60);
        const original = cutOffsetBatch(all.slice(0, total), 0, null, maxEvents, 1_000)!;
        // redelivery: messages arrive in arbitrary fetch sizes, maxEvents may differ
        const buffer: { offset: number }[] = [];
        let at = 0;
        for (const size of [...fetchSizes, 1_000]) {
          buffer.push(...all.slice(at, at + size));
          at += size;
          const again = cutOffsetBatch(buffer, 0, original.last, 1 + (size % 7), 1_000);
          if (again) {
            expect(again).toEqual(original);
            return;
          }
        }
        throw new Error('never cut');
      }),
    );
  });
});
