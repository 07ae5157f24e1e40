import fc from 'fast-check';
import { encodeNativeBlock, splitArguments } from './native-block';
import { encodeInsertBody } from './insert-body';

// The bytes chDB 26.x itself writes for this row (`SELECT toUUID('61f0c404-…') AS u, … INTO
// OUTFILE … FORMAT Native`, captured once): the encoder must produce the engine's own layout.
const CHDB_NATIVE =
  '060101750455554944e711b35c04c4f061a0dbd36a00a67b9001741444617465' +
  '54696d65363428332c20275554432729' +
  '7b68e5cf8b010000017306537472696e' +
  '6702616201610c41727261792855496e74382902000000000000000102016d13' +
  '4d617028537472696e672c20537472696e67290100000000000000016b017601' +
  '6e114e756c6c61626c6528466c6f6174363429010000000000000000';

const COLUMNS = [
  { name: 'u', type: 'UUID' },
  { name: 't', type: "DateTime64(3, 'UTC')" },
  { name: 's', type: 'LowCardinality(String)' },
  { name: 'a', type: 'Array(UInt8)' },
  { name: 'm', type: 'Map(LowCardinality(String), String)' },
  { name: 'n', type: 'Nullable(Float64)' },
];

describe('encodeNativeBlock', () => {
  it("writes a row byte for byte as chDB's own Native output (LowCardinality declared as its value type)", () => {
    const block = encodeNativeBlock(COLUMNS, [{ u: '61f0c404-5cb3-11e7-907b-a6006ad3dba0', t: 1_700_000_000_123, s: 'ab', a: [1, 2], m: { k: 'v' }, n: null }]);
    expect(block?.toString('hex')).toBe(CHDB_NATIVE);
  });

  it('writes a missing value as the type default, as the JSON formats read null (input_format_null_as_default)', () => {
    const full = encodeNativeBlock(COLUMNS, [{ u: '00000000-0000-0000-0000-000000000000', t: 0, s: '', a: [], m: {}, n: null }]);
    expect(encodeNativeBlock(COLUMNS, [{}])).toEqual(full);
  });

  it('gives up (the store then sends JSON) on a value the JSON path would have to parse or reject', () => {
    for (const row of [{ a: [1.5] }, { a: [256] }, { a: [-1] }, { t: '2026-01-01' }, { t: 1.5 }, { u: 'not-a-uuid' }, { s: 5 }, { m: [] }, { n: 'x' }]) {
      expect(encodeNativeBlock(COLUMNS, [row])).toBeUndefined();
    }
    expect(encodeNativeBlock([{ name: 'x', type: 'Decimal(9, 2)' }], [{ x: 1 }])).toBeUndefined();
  });

  it('copies a value repeated from the row before exactly as it encodes it anew', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ s: fc.constantFrom('a', 'é', 'x'.repeat(200)), n: fc.option(fc.constantFrom(1.5, -0, 2 ** 60)) }), { maxLength: 20 }), (rows) => {
        const columns = [{ name: 's', type: 'String' }, { name: 'n', type: 'Nullable(Float64)' }];
        const together = encodeNativeBlock(columns, rows) as Buffer;
        const alone = rows.map((r) => (encodeNativeBlock(columns, [r]) as Buffer).subarray(2));
        // one block of every row = per column, every row's bytes of that column in order
        const head = (name: string, type: string) => Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from([type.length]), Buffer.from(type)]);
        const sCol = alone.map((b) => b.subarray(head('s', 'String').length, b.indexOf(head('n', 'Nullable(Float64)'))));
        const nCol = alone.map((b) => b.subarray(b.indexOf(head('n', 'Nullable(Float64)')) + head('n', 'Nullable(Float64)').length));
        const expected = Buffer.concat([
          Buffer.from([2, rows.length]),
          head('s', 'String'),
          ...sCol,
          head('n', 'Nullable(Float64)'),
          ...nCol.map((b) => b.subarray(0, 1)),
          ...nCol.map((b) => b.subarray(1)),
        ]);
        expect(together.equals(expected)).toBe(true);
      }),
    );
  });
});

describe('splitArguments', () => {
  it('splits at top-level commas only', () => {
    expect(splitArguments("3, 'UTC'")).toEqual(['3', "'UTC'"]);
    expect(splitArguments("Map(String, Array(UInt8)), 'a,(b'")).toEqual(['Map(String, Array(UInt8))', "'a,(b'"]);
  });
});

describe('encodeInsertBody', () => {
  it('sends Nested arrays (a trap\'s varbinds) as Native, and a row with a column the table lacks as JSON', () => {
    const trap = { id: '61f0c404-5cb3-11e7-907b-a6006ad3dba0', 'varbinds.oid': ['1.3'], 'varbinds.value': ['x'] };
    expect(encodeInsertBody('snmp_trap', [trap]).format).toBe('Native');
    expect(encodeInsertBody('snmp_trap', [{ ...trap, nope: 1 }]).format).toBe('JSONCompactEachRow');
    expect(encodeInsertBody('not_an_event_table', [{ a: 1 }]).format).toBe('JSONCompactEachRow');
  });
});
