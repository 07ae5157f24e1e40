import { compareOids, type Oid } from './oid-order';

/** One row of a time-filtered table: its index after the TimeFilter, and when it last changed (TimeTicks). */
export interface TimeFilteredRow {
  suffix: Oid;
  lastChange: number;
}

/**
 * GETNEXT order of a time-filtered table (RFC 4502 TimeFilter TC) indexed
 * `<control>.<timeMark>.<row…>`: a row is present under every timeMark from 0 up to the time it
 * last changed ("changed since timeMark"), so after the last row of one timeMark comes the first
 * row still present under the next one. A manager walks with the timeMark held constant (0 = the
 * whole table); a plain walk revisits the rows once per tick they have been changing, as the TC
 * says (Cisco's rmonTimeFilterMode calls this stopAfterAll, the compliant mode).
 * `rowsOf` gives a control row's rows sorted by suffix.
 */
export function timeFilterNext(controls: readonly number[], rowsOf: (control: number) => readonly TimeFilteredRow[], after: Oid | undefined): Oid | undefined {
  for (const c of controls) {
    if (after && c < (after[0] as number)) continue;
    const rows = rowsOf(c);
    const first = rows[0];
    if (!first) continue;
    if (!after || c > (after[0] as number) || after.length === 1) return [c, 0, ...first.suffix];
    const mark = after[1] as number;
    const rest = after.slice(2);
    const same = rows.find((r) => r.lastChange >= mark && compareOids(r.suffix, rest) > 0);
    if (same) return [c, mark, ...same.suffix];
    const later = rows.find((r) => r.lastChange >= mark + 1);
    if (later) return [c, mark + 1, ...later.suffix];
  }
  return undefined;
}

/** The row an instance suffix `<control>.<timeMark>.<row…>` names, if it is present under that timeMark. */
export function timeFilterRow(controls: readonly number[], rowsOf: (control: number) => readonly TimeFilteredRow[], suffix: Oid): TimeFilteredRow | undefined {
  const [c, mark] = suffix;
  if (c === undefined || mark === undefined || !controls.includes(c)) return undefined;
  const rest = suffix.slice(2);
  return rowsOf(c).find((r) => r.lastChange >= mark && compareOids(r.suffix, rest) === 0);
}
