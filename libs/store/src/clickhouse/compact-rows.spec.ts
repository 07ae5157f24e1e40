import fc from 'fast-check';
import { compactWithNames, encodeCompactRows } from './compact-rows';

describe('compactWithNames (JSONCompactEachRowWithNames rows)', () => {
  it('sends the names once, then each row as an array in that order', () => {
    expect(compactWithNames([{ id: 'a', value: 1 }, { id: 'b', value: 2 }])).toEqual([['id', 'value'], ['a', 1], ['b', 2]]);
  });

  it('gives back every row as it was (a key a row lacks is null: the column default)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('id', 'ts', 'labels', 'value', 'name'), fc.jsonValue()), { minLength: 1, maxLength: 20 }), (rows) => {
        const [names, ...values] = compactWithNames(rows) as [string[], ...unknown[][]];
        expect(values).toHaveLength(rows.length);
        values.forEach((v, i) => {
          const row = rows[i] as Record<string, unknown>;
          names.forEach((n, c) => expect(v[c]).toEqual(row[n] ?? null));
        });
        expect(new Set(names)).toEqual(new Set(rows.flatMap((r) => Object.keys(r))));
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodeCompactRows (JSONCompactEachRow body for chDB\'s raw insert)', () => {
  it('is one JSON array per line, in the column order it returns, a row per line whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('id', 'message', 'labels', 'value'), fc.oneof(fc.string(), fc.jsonValue())), { minLength: 1, maxLength: 20 }), (rows) => {
        const { columns, body } = encodeCompactRows(rows);
        const lines = body.toString('utf8').split('\n');
        expect(lines.pop()).toBe(''); // every row ends with a newline
        // compared as JSON carries them (-0 is written as 0, as JSON.stringify does)
        expect([columns, ...lines.map((l) => JSON.parse(l) as unknown[])]).toEqual(JSON.parse(JSON.stringify(compactWithNames(rows))));
      }),
      { numRuns: 200 },
    );
  });
});
