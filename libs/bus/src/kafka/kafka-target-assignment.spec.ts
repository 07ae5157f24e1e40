import fc from 'fast-check';
// kafkajs' own murmur2 (its DefaultPartitioner hashes keys with it)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
import { murmur2, partitionOf } from '../target-assignment';

describe('partitionOf agrees with kafkajs', () => {
  it('murmur2 equals kafkajs murmur2 on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
    );
  });

  it('a record keyed by the device id goes to partitionOf(id) with the default partitioner', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (id, partitions) => {
        const expected = (kafkajsMurmur2(Buffer.from(id)) & 0x7fffffff) % partitions;
        expect(partitionOf(id, partitions)).toBe(expected);
      }),
    );
  });
});
