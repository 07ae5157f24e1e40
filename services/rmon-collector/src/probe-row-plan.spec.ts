import fc from 'fast-check';
import { MAX_ROW_INDEX, freeIndexes, planRows, type HeldRow } from './probe-row-plan';

const OWNER = 'sonde';
const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
const heldArb = fc
  .uniqueArray(
    fc.record({
      index: fc.integer({ min: 1, max: 40 }),
      owner: fc.constantFrom(OWNER, 'monitor', '', 'sonde ', 'Sonde'),
      status: fc.constantFrom(1, 1, 1, 2, 3),
      key: keyArb,
    }),
    { selector: (r) => r.index, maxLength: 30 },
  )
  .map((rows) => rows as HeldRow[]);
const wantedArb = fc.array(keyArb.map((key) => ({ key })), { maxLength: 12 });

describe('freeIndexes', () => {
  it('gives the smallest indexes in range not taken, distinct, ascending', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 })), fc.integer({ min: 0, max: 20 }), (taken, count) => {
        const free = freeIndexes(taken, count);
        expect(free).toHaveLength(count);
        expect(new Set(free).size).toBe(free.length);
        for (const i of free) {
          expect(taken).not.toContain(i);
          expect(i).toBeGreaterThanOrEqual(1);
          expect(i).toBeLessThanOrEqual(MAX_ROW_INDEX);
        }
        // smallest: every index below the largest picked is taken or picked
        const max = free.at(-1) ?? 0;
        for (let i = 1; i < max; i++) expect(taken.includes(i) || free.includes(i)).toBe(true);
      }),
    );
  });

  it('stops at the end of the index range', () => {
    const taken = Array.from({ length: MAX_ROW_INDEX - 2 }, (_, i) => i + 1);
    expect(freeIndexes(taken, 5)).toEqual([MAX_ROW_INDEX - 1, MAX_ROW_INDEX]);
  });
});

describe('planRows', () => {
  it('never removes nor reuses a row of another owner; creates only at indexes not held', () => {
    fc.assert(
      fc.property(wantedArb, heldArb, (wanted, held) => {
        const plan = planRows(wanted, held, OWNER);
        const byIndex = new Map(held.map((r) => [r.index, r]));
        for (const i of plan.remove) expect(byIndex.get(i)?.owner).toBe(OWNER);
        for (const c of plan.create) expect(byIndex.has(c.index)).toBe(false);
        expect(new Set(plan.create.map((c) => c.index)).size).toBe(plan.create.length);
        expect(new Set(plan.remove).size).toBe(plan.remove.length);
      }),
    );
  });

  it('after the plan, our valid rows are exactly the wanted ones (as a multiset of keys)', () => {
    fc.assert(
      fc.property(wantedArb, heldArb, (wanted, held) => {
        const plan = planRows(wanted, held, OWNER);
        const removed = new Set(plan.remove);
        const after = [
          ...held.filter((r) => r.owner === OWNER && r.status === 1 && !removed.has(r.index)).map((r) => r.key),
          ...plan.create.map((c) => c.row.key),
        ].sort();
        expect(after).toEqual(wanted.map((w) => w.key).sort());
        // and our rows that were not valid are always removed
        for (const r of held) if (r.owner === OWNER && r.status !== 1) expect(removed.has(r.index)).toBe(true);
      }),
    );
  });

  it('is idempotent: applying the plan and planning again changes nothing', () => {
    fc.assert(
      fc.property(wantedArb, heldArb, (wanted, held) => {
        const plan = planRows(wanted, held, OWNER);
        const removed = new Set(plan.remove);
        const next: HeldRow[] = [
          ...held.filter((r) => !removed.has(r.index)),
          ...plan.create.map((c) => ({ index: c.index, owner: OWNER, status: 1, key: c.row.key })),
        ];
        expect(planRows(wanted, next, OWNER)).toEqual({ create: [], remove: [], noIndex: [] });
      }),
    );
  });

  it('with no wanted rows removes exactly our rows', () => {
    fc.assert(
      fc.property(heldArb, (held) => {
        expect(planRows([], held, OWNER).remove).toEqual(held.filter((r) => r.owner === OWNER).map((r) => r.index).sort((a, b) => a - b));
      }),
    );
  });
});
