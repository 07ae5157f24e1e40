import fc from 'fast-check';
import { CounterCache, type CounterStateBackend } from './counter-cache';

class MapBackend implements CounterStateBackend {
  readonly data = new Map<string, { value: string; ttlMs?: number }>();
  async get(key: string) {
    return this.data.get(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlMs?: number) {
    this.data.set(key, { value, ...(ttlMs === undefined ? {} : { ttlMs }) });
  }
}

describe('CounterCache', () => {
  it('round-trips readings through the backend, Counter64 exactly', async () => {
    const backend = new MapBackend();
    const a = new CounterCache(backend, 180_000);
    const map = await a.load('r1');
    map.set('interfaces/ifHCInOctets/1', { value: 2n ** 64n - 1n, ts: 1000, sysUpTime: 50, discontinuity: 0 });
    await a.save('r1', 300_000);
    expect(backend.data.get('snmp:counters:r1')?.ttlMs).toBe(300_000);
    const b = new CounterCache(backend, 180_000);
    expect((await b.load('r1')).get('interfaces/ifHCInOctets/1')).toEqual({ value: 2n ** 64n - 1n, ts: 1000, sysUpTime: 50, discontinuity: 0 });
  });

  it('drops readings of counters that stopped appearing, and survives a corrupt entry', async () => {
    const backend = new MapBackend();
    const c = new CounterCache(backend, 1000);
    const map = await c.load('r2');
    map.set('old', { value: 1n, ts: 0 });
    map.set('new', { value: 1n, ts: 5000 });
    await c.save('r2');
    expect([...map.keys()]).toEqual(['new']);
    backend.data.set('snmp:counters:r3', { value: '{not json' });
    expect((await new CounterCache(backend, 1000).load('r3')).size).toBe(0);
    backend.data.set('snmp:counters:r4', { value: JSON.stringify({ k: ['-5', 1], j: [12, 'x'], ok: ['7', 3, null, null] }) });
    expect([...(await new CounterCache(backend, 1000).load('r4')).keys()]).toEqual(['ok']);
  });

  it('property: whatever the state store holds, load() never throws and yields only valid readings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.dictionary(fc.string(), fc.jsonValue()).map((d) => JSON.stringify(d))), async (raw) => {
        const backend = new MapBackend();
        backend.data.set('snmp:counters:x', { value: raw });
        const map = await new CounterCache(backend, 1000).load('x');
        for (const r of map.values()) {
          expect(typeof r.value).toBe('bigint');
          expect(r.value >= 0n).toBe(true);
          expect(Number.isFinite(r.ts)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
