import { describe, expect, it } from '@jest/globals';
import { expectClosedStoreRefuses, stateStoreContract } from '../state-store.contract';
import { MemoryStateStore } from './memory-state-store';

class StubClock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
}

describe('MemoryStateStore', () => {
  stateStoreContract(async () => {
    const clock = new StubClock();
    const store = new MemoryStateStore({ clock, autoSweep: false });
    return {
      stores: [store, store],
      elapse: async (ms) => {
        clock.t += ms;
      },
      close: () => store.close(),
    };
  });

  it('expires exactly at the TTL on the injected clock', async () => {
    const clock = new StubClock();
    const store = new MemoryStateStore({ clock, autoSweep: false });
    await store.set('k', 'v', 1000);
    clock.t += 999;
    expect(await store.get('k')).toBe('v');
    clock.t += 1;
    expect(await store.get('k')).toBeNull();
  });

  it('sweeps expired keys in bounded batches, resuming where it stopped, keeping live keys', async () => {
    const clock = new StubClock();
    const store = new MemoryStateStore({ clock, autoSweep: false, sweepBatch: 1000 });
    for (let i = 0; i < 2500; i++) await store.set(`old-${i}`, 'x', 10);
    for (let i = 0; i < 100; i++) await store.set(`keep-${i}`, 'x');
    await store.hset('h', { f: '1' });
    clock.t += 10;
    expect(store.sweep()).toBe(1000);
    expect(store.size).toBe(1601);
    expect(store.sweep()).toBe(1000);
    expect(store.sweep()).toBe(500);
    expect(store.size).toBe(101);
    expect(store.sweep()).toBe(0);
    expect(await store.hgetall('h')).toEqual({ f: '1' });
  });

  it('keeps a hash TTL when fields are added (Redis HSET semantics)', async () => {
    const clock = new StubClock();
    const store = new MemoryStateStore({ clock, autoSweep: false });
    await store.hset('h', { a: '1' });
    await store.hset('h', { b: '2' });
    expect(await store.hgetall('h')).toEqual({ a: '1', b: '2' });
  });

  it('refuses work once closed', async () => {
    await expectClosedStoreRefuses(new MemoryStateStore({ autoSweep: false }));
  });
});
