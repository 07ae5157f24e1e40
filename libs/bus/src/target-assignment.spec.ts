import fc from 'fast-check';
import { MemoryTargetAssignment } from './memory/memory-target-assignment';
import { murmur2, partitionOf } from './target-assignment';

describe('partitionOf', () => {
  it('is in [0, partitions) and the same on every call (stable)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), fc.integer({ min: 1, max: 10_000 }), (id, partitions) => {
        const p = partitionOf(id, partitions);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(partitions);
        expect(partitionOf(id, partitions)).toBe(p);
      }),
    );
  });

  it('is Kafka murmur2 of the UTF-8 bytes (Java Utils#murmur2 vectors)', () => {
    // from Kafka's UtilsTest#testMurmur2
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [s, h] of vectors) expect(murmur2(new TextEncoder().encode(s))).toBe(h);
  });

  it('spreads device ids over the partitions', () => {
    const counts = new Array<number>(12).fill(0);
    for (let i = 0; i < 12_000; i++) counts[partitionOf(`device-${i}`, 12)]! += 1;
    // ≈ 1 000 each; a broken hash (all in one shard) fails by far
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('rejects a partition count that is not a positive integer, naming it', () => {
    expect(() => partitionOf('r1', 0)).toThrow('partitions must be a positive integer, got 0');
  });
});

describe('MemoryTargetAssignment', () => {
  it('owns every target and says so at start', async () => {
    const a = new MemoryTargetAssignment();
    const seen: Array<ReadonlySet<number> | 'all'> = [];
    await a.start((owned) => seen.push(owned));
    expect(seen).toEqual(['all']);
    expect(a.owns('any-device')).toBe(true);
    await a.close();
  });
});
