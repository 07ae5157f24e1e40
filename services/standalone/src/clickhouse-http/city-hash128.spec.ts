import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { cityHash128 } from './city-hash128';

// Vectors: go-faster/city v1.0.1 `_testdata/ch128.csv` (the CityHash the ClickHouse Go stack —
// ch-go, clickhouse-go — checks blocks with): input, low and high word in hex. A subset of its
// 1000 rows, every length up to 140 and some past 250, 505 and 995 bytes (README: test data).
const VECTORS = readFileSync(path.join(__dirname, '../../test/data/compressed-block/cityhash128-v1.0.2.csv'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [input = '', low = '', high = ''] = line.split(',');
    return { input, low: BigInt(`0x${low}`), high: BigInt(`0x${high}`) };
  });

describe('cityHash128 (CityHash v1.0.2, as ClickHouse checksums blocks)', () => {
  it('has vectors for the short, murmur, 128-byte-loop and tail paths', () => {
    const lengths = new Set(VECTORS.map((v) => v.input.length));
    expect([1, 7, 8, 14, 17, 127, 128, 129, 256, 1000].filter((l) => !lengths.has(l))).toEqual([]);
  });

  it.each(VECTORS.map((v) => [v.input.length, v] as const))('matches go-faster/city for a %i-byte input', (_len, v) => {
    expect(cityHash128(Buffer.from(v.input, 'latin1'))).toEqual({ low: v.low, high: v.high });
  });

  it('hashes the empty input to the v1.0.2 constant pair and reads only the bytes of a view', () => {
    const whole = Buffer.from(`xx${VECTORS[5]?.input ?? ''}yy`, 'latin1');
    expect(cityHash128(whole.subarray(2, whole.length - 2))).toEqual({ low: VECTORS[5]?.low, high: VECTORS[5]?.high });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const h = cityHash128(bytes);
        expect(h.low >= 0n && h.low < 1n << 64n && h.high >= 0n && h.high < 1n << 64n).toBe(true);
        expect(cityHash128(Uint8Array.from(bytes))).toEqual(h);
      }),
    );
  });
});
