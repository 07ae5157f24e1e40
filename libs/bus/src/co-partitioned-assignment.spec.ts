import fc from 'fast-check';
import { coPartitionedAssignment, unevenTopics } from './co-partitioned-assignment';

describe('coPartitionedAssignment', () => {
  it('gives partition p of every topic to one member, every partition exactly once, balanced per topic', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 7 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 24 }),
        (members, topics, partitions) => {
          const counts = new Map(topics.map((t) => [t, partitions]));
          const a = coPartitionedAssignment(members, counts);
          expect([...a.keys()].sort()).toEqual([...members].sort());
          const owner = new Map<number, string>();
          for (const topic of topics) {
            const seen: number[] = [];
            const sizes: number[] = [];
            for (const [member, byTopic] of a) {
              const list = byTopic.get(topic) ?? [];
              sizes.push(list.length);
              for (const p of list) {
                seen.push(p);
                const prev = owner.get(p);
                if (prev === undefined) owner.set(p, member);
                else expect(prev).toBe(member);
              }
            }
            expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: partitions }, (_, i) => i));
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('does not depend on the order members are listed in (every member computes the same plan)', () => {
    const counts = new Map([['sonde.snmp.v1', 6], ['sonde.icmp.v1', 6]]);
    expect(coPartitionedAssignment(['b', 'a', 'c'], counts)).toEqual(coPartitionedAssignment(['c', 'b', 'a'], counts));
  });

  it('names topics whose partition count differs from the rest', () => {
    expect(unevenTopics(new Map([['a', 6], ['b', 6], ['c', 3]]))).toEqual(['c']);
    expect(unevenTopics(new Map([['a', 6], ['b', 6]]))).toEqual([]);
  });
});
