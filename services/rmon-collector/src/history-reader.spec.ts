import type { ReadContext } from '@sonde/snmp/poll/device-poller';
import type { GroupReading } from '@sonde/snmp/poll/group-poller';
import type { SnmpSession } from '@sonde/snmp/session/snmp-session';
import { ScriptedMib } from '@sonde/snmp/session/scripted-mib';
import type { Varbind } from '@sonde/snmp/session/varbind';
import { readEtherHistory, readHistoryHighCapacity, type HistoryPlan } from './history-reader';
import { emptyIndexes, type StoredIndexes } from './probe-indexes';
import { RMON_TABLES } from './rmon-tables';

// A scripted probe holding history buckets per control row: the reader's choices (from the
// cursor, or whole and restarted) are decisions over what comes back; the lab int-spec reads
// real UDP.
const HISTORY = RMON_TABLES.etherHistory;
const HC = RMON_TABLES.etherHistoryHighCapacity;
const T0 = Date.UTC(2026, 11, 1);

interface Held { first: number; last: number; start: (s: number) => number }

function probe(held: Record<number, Held>): SnmpSession & { bulks: string[][] } {
  const mib: Varbind[] = [];
  for (const group of [HISTORY, HC]) {
    for (const col of group.table!.columns) {
      for (const [c, h] of Object.entries(held)) {
        for (let s = h.first; s <= h.last; s++) {
          mib.push({ oid: `${col.oid}.${c}.${s}`, type: col.name === 'etherHistoryIntervalStart' ? 'TimeTicks' : 'Counter32', value: col.name === 'etherHistoryIntervalStart' ? h.start(s) : s });
        }
      }
    }
  }
  const scripted = new ScriptedMib(mib);
  const bulks: string[][] = [];
  const s = {
    version: 'v2c',
    bulks,
    target: { device: 'scripted' },
    context: () => ({ device: 'scripted' }),
    async getBulk(oids: string[], _n: number, reps: number) {
      bulks.push(oids);
      return scripted.bulk(oids, reps);
    },
  };
  return s as unknown as SnmpSession & { bulks: string[][] };
}

const control = (indexes: number[]): GroupReading => ({
  group: 'historyControl',
  rows: indexes.map((c) => ({ index: String(c), cells: [{ object: { oid: '1.3.6.1.2.1.16.2.1.1.5', name: 'historyControlInterval', type: 'gauge', unit: '' }, name: 'historyControlInterval', vb: { oid: `1.3.6.1.2.1.16.2.1.1.5.${c}`, type: 'Integer', value: 30 } }] })),
  varbinds: indexes.length,
  parsed: indexes.length,
  dropped: {},
  requests: 1,
  missing: 0,
});

function ctx(session: SnmpSession, sysUpTime: number, ts: number, controls = [1]): ReadContext {
  return {
    session,
    walk: { maxRepetitions: 25, varbindBudget: 60, maxVarbinds: 100_000 },
    target: { device: { id: 'p1', address: '127.0.0.1' }, snmp: { device: 'p1', address: '127.0.0.1', port: 161, credential: { version: 'v2c', community: 'public' }, timeoutMs: 500, retries: 0, backoff: 1 }, intervalMs: 60_000, maxRepetitions: 25 },
    ts,
    sysUpTime,
    readings: [control(controls)],
  };
}

const samples = (r: GroupReading) => r.rows.map((row) => row.index);
const newPlan = (): HistoryPlan => ({ ranges: new Map(), walk: new Map(), restarted: new Set() });
/** Buckets of 30 s from boot: bucket s starts at (s - 1) × 3000 ticks. */
const fromBoot = (s: number) => (s - 1) * 3000;
/** What the collector stored after publishing up to `last` at sysUpTime `u`, wall `w`. */
const cursor = (last: number, u: number, w: number): StoredIndexes => ({ ...emptyIndexes(), h: { 1: last }, t: { 1: fromBoot(last) }, u, w });

describe('readEtherHistory', () => {
  it('reads from the last published bucket on: the anchor and the new buckets, one GETBULK per control row', async () => {
    const p = probe({ 1: { first: 3, last: 7, start: fromBoot } });
    const plan = newPlan();
    const r = await readEtherHistory(HISTORY, ctx(p, 21_000 + 6000, T0 + 60_000), cursor(5, 21_000, T0), plan);
    expect(samples(r)).toEqual(['1.5', '1.6', '1.7']);
    expect(p.bulks).toHaveLength(1);
    expect(p.bulks[0]).toEqual(HISTORY.table!.columns.map((c) => `${c.oid}.1.4`));
    expect(plan.restarted.size).toBe(0);
    // the HC twin over the same range
    const hc = await readHistoryHighCapacity(HC, ctx(p, 27_000, T0 + 60_000), plan);
    expect(samples(hc)).toEqual(['1.5', '1.6', '1.7']);
  });

  it('reads everything held when the anchor aged out (the gap is for index-diff to report)', async () => {
    const p = probe({ 1: { first: 9, last: 12, start: fromBoot } });
    const r = await readEtherHistory(HISTORY, ctx(p, 21_000 + 7 * 3000, T0 + 7 * 30_000), cursor(5, 21_000, T0), newPlan());
    expect(samples(r)).toEqual(['1.9', '1.10', '1.11', '1.12']);
  });

  it('a re-created control row holding the same index with another interval start: read whole, restarted', async () => {
    // re-created 40 s after boot: its bucket 5 starts 4000 ticks later than the one we published
    const p = probe({ 1: { first: 2, last: 6, start: (s) => 4000 + fromBoot(s) } });
    const plan = newPlan();
    const r = await readEtherHistory(HISTORY, ctx(p, 24_000, T0 + 30_000), cursor(5, 21_000, T0), plan);
    expect(samples(r)).toEqual(['1.2', '1.3', '1.4', '1.5', '1.6']);
    expect([...plan.restarted]).toEqual(['1']);
  });

  it('a re-created control row holding fewer buckets than the cursor: read whole (index-diff sees the indexes go back)', async () => {
    const p = probe({ 1: { first: 1, last: 2, start: fromBoot } });
    const r = await readEtherHistory(HISTORY, ctx(p, 24_000, T0 + 30_000), cursor(5, 21_000, T0), newPlan());
    expect(samples(r)).toEqual(['1.1', '1.2']);
  });

  it('an agent restart (sysUpTime went back): every control row read whole and restarted, though the indexes passed the cursor', async () => {
    const p = probe({ 1: { first: 3, last: 7, start: fromBoot }, 2: { first: 1, last: 7, start: fromBoot } });
    const plan = newPlan();
    const stored: StoredIndexes = { ...cursor(5, 900_000, T0), h: { 1: 5, 2: 6 }, t: { 1: fromBoot(5), 2: fromBoot(6) } };
    const r = await readEtherHistory(HISTORY, ctx(p, 21_000, T0 + 600_000, [1, 2]), stored, plan);
    expect(samples(r)).toEqual(['1.3', '1.4', '1.5', '1.6', '1.7', ...[1, 2, 3, 4, 5, 6, 7].map((s) => `2.${s}`)]);
    expect([...plan.restarted].sort()).toEqual(['1', '2']);
  });

  it('a control row never seen: read whole, not restarted', async () => {
    const p = probe({ 1: { first: 1, last: 3, start: fromBoot }, 2: { first: 1, last: 3, start: fromBoot } });
    const plan = newPlan();
    const r = await readEtherHistory(HISTORY, ctx(p, 21_000 + 3000, T0 + 30_000, [1, 2]), cursor(3, 21_000, T0), plan);
    expect(samples(r)).toEqual(['1.3', '2.1', '2.2', '2.3']);
    expect(plan.restarted.size).toBe(0);
  });
});
