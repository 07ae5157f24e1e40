import { SnmpError } from '../session/snmp-error';
import type { SnmpSession } from '../session/snmp-session';
import { ScriptedMib } from '../session/scripted-mib';
import type { Varbind } from '../session/varbind';
import { expireDowngrades, walkColumns, type WalkCapabilities } from './table-walk';

// A scripted agent MIB behind the three calls the walk makes: the walk's fallbacks are pure
// decisions over what comes back, tested here; the real agents are in test/*.int-spec.ts.
const MIB: Varbind[] = [];
for (let col = 1; col <= 3; col++) for (let row = 1; row <= 30; row++) MIB.push({ oid: `1.3.6.1.2.1.2.2.1.${col}.${row}`, type: 'Integer', value: col * 100 + row });
MIB.push({ oid: '1.3.6.1.2.1.31.1', type: 'Integer', value: 0 });

const scripted = new ScriptedMib(MIB);
const next = (oid: string): Varbind => scripted.next(oid);

function agent(version: 'v1' | 'v2c', behave: { tooBigAbove?: number; garbleBulk?: boolean } = {}): SnmpSession & { calls: string[] } {
  const calls: string[] = [];
  const s = {
    version,
    calls,
    target: { device: 'scripted' },
    context: () => ({ device: 'scripted' }),
    async getNext(oids: string[]) {
      calls.push('GETNEXT');
      return oids.map(next);
    },
    async getBulk(oids: string[], _n: number, reps: number) {
      calls.push(`GETBULK×${reps}`);
      if (behave.garbleBulk) throw new SnmpError('malformed-response', 'garbage');
      if (behave.tooBigAbove && oids.length * reps > behave.tooBigAbove) throw new SnmpError('too-big', 'tooBig');
      return scripted.bulk(oids, reps);
    },
  };
  return s as unknown as SnmpSession & { calls: string[] };
}

const cols = ['1.3.6.1.2.1.2.2.1.1', '1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3'];
const opts = { maxRepetitions: 25, varbindBudget: 60, maxVarbinds: 10_000 };

describe('walkColumns', () => {
  it('starts after `from` in each column and still ends where the column ends', async () => {
    const r = await walkColumns(agent('v2c'), [cols[0]!, cols[1]!], opts, [`${cols[0]}.27`, `${cols[1]}.29`]);
    expect(r.columns.map((c) => c.map((vb) => vb.oid))).toEqual([[28, 29, 30].map((n) => `${cols[0]}.${n}`), [`${cols[1]}.30`]]);
  });

  it('walks every column to its end with GETBULK (v2c) and GETNEXT (v1), same result', async () => {
    const bulk = await walkColumns(agent('v2c'), cols, opts);
    const getnext = await walkColumns(agent('v1'), cols, opts);
    expect(bulk.columns.map((c) => c.length)).toEqual([30, 30, 30]);
    expect(getnext.columns).toEqual(bulk.columns);
    expect(bulk.requests).toBeLessThan(getnext.requests);
  });

  it('tooBig: halves max-repetitions, remembers it, same data', async () => {
    const caps: WalkCapabilities = {};
    const a = agent('v2c', { tooBigAbove: 20 });
    const r = await walkColumns(a, cols, { ...opts, capabilities: caps });
    expect(r.columns.map((c) => c.length)).toEqual([30, 30, 30]);
    expect(r.fallback).toBe('smaller-repetitions');
    expect(caps.maxRepetitions).toBeLessThanOrEqual(6);
    expect(a.calls[0]).toBe('GETBULK×20');
  });

  it('garbled GETBULK answers: falls back to GETNEXT for good, same data', async () => {
    const caps: WalkCapabilities = {};
    const r = await walkColumns(agent('v2c', { garbleBulk: true }), cols, { ...opts, capabilities: caps });
    expect(r.columns.map((c) => c.length)).toEqual([30, 30, 30]);
    expect(r.fallback).toBe('getnext');
    expect(caps.bulkBroken).toBe(true);
    const again = agent('v2c', { garbleBulk: true });
    await walkColumns(again, cols, { ...opts, capabilities: caps });
    expect(again.calls.every((c) => c === 'GETNEXT')).toBe(true);
    // an hour later bulk is tried again
    expireDowngrades(caps, Date.now(), 0);
    expect(caps).toEqual({});
  });

  it('an agent whose GETNEXT does not advance is an out-of-order error, not a loop', async () => {
    const stuck = agent('v1');
    (stuck as unknown as { getNext: (o: string[]) => Promise<Varbind[]> }).getNext = async (o) => o.map(() => ({ oid: '1.3.6.1.2.1.2.2.1.1.5', type: 'Integer', value: 1 }));
    await expect(walkColumns(stuck, ['1.3.6.1.2.1.2.2.1.1'], opts)).rejects.toMatchObject({ reason: 'out-of-order' });
  });
});
