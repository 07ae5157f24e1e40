import fc from 'fast-check';
import { compareOids, type Oid } from './oid-order';
import { timeFilterNext, timeFilterRow, type TimeFilteredRow } from './time-filter';

/** Every instance of a time-filtered table by brute force: each row under every timeMark 0..lastChange. */
function allInstances(table: ReadonlyMap<number, readonly TimeFilteredRow[]>): Oid[] {
  const out: Oid[] = [];
  for (const [c, rows] of table) for (const r of rows) for (let t = 0; t <= r.lastChange; t++) out.push([c, t, ...r.suffix]);
  return out.sort(compareOids);
}

const tableArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 })
  .chain((controls) =>
    fc.tuple(
      fc.constant([...controls].sort((a, b) => a - b)),
      fc.array(fc.uniqueArray(fc.tuple(fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }), fc.nat(4)), { maxLength: 5, selector: ([s]) => s.join('.') }), {
        minLength: controls.length,
        maxLength: controls.length,
      }),
    ),
  )
  .map(([controls, rowSets]) => {
    const table = new Map<number, TimeFilteredRow[]>();
    controls.forEach((c, i) => table.set(c, (rowSets[i] ?? []).map(([suffix, lastChange]) => ({ suffix, lastChange })).sort((a, b) => compareOids(a.suffix, b.suffix))));
    return table;
  });

describe('TimeFilter (RFC 4502) GETNEXT order', () => {
  it('a walk from the start visits each row once per timeMark up to its last change, in OID order', () => {
    fc.assert(
      fc.property(tableArb, (table) => {
        const controls = [...table.keys()];
        const rowsOf = (c: number) => table.get(c) ?? [];
        const walked: Oid[] = [];
        for (let at = timeFilterNext(controls, rowsOf, undefined); at; at = timeFilterNext(controls, rowsOf, at)) walked.push(at);
        expect(walked).toEqual(allInstances(table));
        // and every instance walked is found by a GET, nothing else is
        for (const oid of walked) expect(timeFilterRow(controls, rowsOf, oid)).toBeDefined();
      }),
    );
  });

  it('GETNEXT from any OID gives the first instance after it', () => {
    fc.assert(
      fc.property(tableArb, fc.array(fc.nat(7), { minLength: 1, maxLength: 5 }), (table, from) => {
        const rowsOf = (c: number) => table.get(c) ?? [];
        const expected = allInstances(table).find((o) => compareOids(o, from) > 0);
        expect(timeFilterNext([...table.keys()], rowsOf, from)).toEqual(expected);
      }),
    );
  });

  it('holding the timeMark gives only the rows changed since then', () => {
    const rows: TimeFilteredRow[] = [
      { suffix: [1], lastChange: 100 },
      { suffix: [2], lastChange: 50 },
      { suffix: [3], lastChange: 100 },
    ];
    const rowsOf = () => rows;
    expect(timeFilterNext([1], rowsOf, [1, 60])).toEqual([1, 60, 1]);
    expect(timeFilterNext([1], rowsOf, [1, 60, 1])).toEqual([1, 60, 3]);
    expect(timeFilterRow([1], rowsOf, [1, 60, 2])).toBeUndefined();
    expect(timeFilterRow([1], rowsOf, [1, 50, 2])).toEqual(rows[1]);
    // after the last row under 100, nothing changed since 101: the table ends
    expect(timeFilterNext([1], rowsOf, [1, 100, 3])).toBeUndefined();
  });
});
