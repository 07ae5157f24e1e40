import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StateError } from './state-error';
import type { StateStore } from './state-store';

/**
 * The behaviour every StateStore adapter must show (style.md rule 5): each adapter's spec calls
 * `stateStoreContract(makeHarness)`. `stores` are two handles on the same state — two Redis
 * connections, or the one memory store twice — so races are real contention, not one client
 * taking turns. `elapse(ms)` lets TTL time pass: a stub clock for memory, a real wait for Redis.
 * Tests only ever check "still there" with long TTLs and "gone" after the TTL has surely passed,
 * so a slow machine cannot make them flaky.
 */
export interface StateStoreHarness {
  stores: [StateStore, StateStore];
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;
const uniq = (what: string) => `${what}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
const LONG = 60_000;
const SHORT = 50;

export function stateStoreContract(makeHarness: () => Promise<StateStoreHarness>): void {
  let h: StateStoreHarness;
  let a: StateStore;
  let b: StateStore;

  beforeAll(async () => {
    h = await makeHarness();
    [a, b] = h.stores;
  });
  afterAll(async () => {
    await h.close();
  });

  describe('strings', () => {
    it('gets what was set, overwrites, deletes', async () => {
      const k = uniq('s');
      expect(await a.get(k)).toBeNull();
      await a.set(k, 'v1');
      expect(await b.get(k)).toBe('v1');
      await b.set(k, 'v2');
      expect(await a.get(k)).toBe('v2');
      await a.delete(k);
      expect(await b.get(k)).toBeNull();
      await a.delete(k);
    });

    it('expires a key after its TTL, keeps it before', async () => {
      const long = uniq('ttl-long');
      const short = uniq('ttl-short');
      await a.set(long, 'x', LONG);
      await a.set(short, 'y', SHORT);
      await h.elapse(SHORT + 20);
      expect(await b.get(long)).toBe('x');
      expect(await b.get(short)).toBeNull();
    });

    it('clears the TTL when set again without one', async () => {
      const k = uniq('ttl-cleared');
      await a.set(k, 'x', SHORT);
      await a.set(k, 'y');
      await h.elapse(SHORT + 20);
      expect(await a.get(k)).toBe('y');
    });

    it('rejects a TTL that is not a whole number of ms >= 1', async () => {
      for (const ttl of [0, -5, 1.5, Number.NaN]) {
        await expect(a.set(uniq('bad-ttl'), 'x', ttl)).rejects.toBeInstanceOf(StateError);
        await expect(a.setIfAbsent(uniq('bad-ttl'), 'x', ttl)).rejects.toBeInstanceOf(StateError);
      }
    });
  });

  describe('setIfAbsent', () => {
    it('creates once, then refuses until deleted or expired', async () => {
      const k = uniq('nx');
      expect(await a.setIfAbsent(k, 'first', SHORT)).toBe(true);
      expect(await b.setIfAbsent(k, 'second', SHORT)).toBe(false);
      expect(await a.get(k)).toBe('first');
      await h.elapse(SHORT + 20);
      expect(await b.setIfAbsent(k, 'third')).toBe(true);
      expect(await a.get(k)).toBe('third');
      await a.delete(k);
      expect(await a.setIfAbsent(k, 'fourth')).toBe(true);
    });

    it('has exactly one winner per key under concurrent attempts from two clients', async () => {
      const keys = Array.from({ length: 20 }, () => uniq('race'));
      const attempts = keys.flatMap((key) =>
        Array.from({ length: 40 }, (_, i) => {
          const store = i % 2 ? a : b;
          const value = `${i % 2 ? 'a' : 'b'}-${i}`;
          return store.setIfAbsent(key, value, LONG).then((won) => ({ key, value, won }));
        }),
      );
      const results = await Promise.all(attempts);
      for (const key of keys) {
        const winners = results.filter((r) => r.key === key && r.won);
        expect(winners).toHaveLength(1);
        expect(await a.get(key)).toBe(winners[0]?.value);
      }
    });
  });

  describe('hashes', () => {
    it('merges fields, reads one or all, deletes fields, and vanishes with its last field', async () => {
      const k = uniq('h');
      expect(await a.hgetall(k)).toEqual({});
      expect(await a.hget(k, 'f')).toBeNull();
      await a.hset(k, { f1: '1', f2: '2' });
      await b.hset(k, { f2: 'two', f3: '3' });
      await a.hset(k, {});
      expect(await a.hgetall(k)).toEqual({ f1: '1', f2: 'two', f3: '3' });
      expect(await b.hget(k, 'f2')).toBe('two');
      await a.hdel(k, 'f1', 'f3', 'missing');
      expect(await b.hgetall(k)).toEqual({ f2: 'two' });
      await b.hdel(k, 'f2');
      expect(await a.hgetall(k)).toEqual({});
      expect(await a.setIfAbsent(k, 'now a string')).toBe(true);
    });

    it('rejects string operations on a hash and hash operations on a string', async () => {
      const hash = uniq('h-type');
      const str = uniq('s-type');
      await a.hset(hash, { f: '1' });
      await a.set(str, 'x');
      await expect(a.get(hash)).rejects.toMatchObject({ code: 'malformed' });
      await expect(a.hget(str, 'f')).rejects.toMatchObject({ code: 'malformed' });
      await expect(a.hgetall(str)).rejects.toBeInstanceOf(StateError);
    });
  });

  describe('leases', () => {
    it('is held by one holder at a time, renewable and releasable only by it', async () => {
      const lease = uniq('lease');
      expect(await a.acquireLease(lease, 'alice', LONG)).toBe(true);
      expect(await a.acquireLease(lease, 'alice', LONG)).toBe(true);
      expect(await b.acquireLease(lease, 'bob', LONG)).toBe(false);
      expect(await a.renewLease(lease, 'alice', LONG)).toBe(true);
      expect(await b.renewLease(lease, 'bob', LONG)).toBe(false);
      await b.releaseLease(lease, 'bob');
      expect(await b.acquireLease(lease, 'bob', LONG)).toBe(false);
      await a.releaseLease(lease, 'alice');
      expect(await b.acquireLease(lease, 'bob', LONG)).toBe(true);
      expect(await a.renewLease(lease, 'alice', LONG)).toBe(false);
    });

    it('can be taken by another holder once expired; the old holder can then neither renew nor release it', async () => {
      const lease = uniq('lease-expiry');
      expect(await a.acquireLease(lease, 'alice', SHORT)).toBe(true);
      await h.elapse(SHORT + 20);
      expect(await a.renewLease(lease, 'alice', LONG)).toBe(false);
      expect(await b.acquireLease(lease, 'bob', LONG)).toBe(true);
      expect(await a.renewLease(lease, 'alice', LONG)).toBe(false);
      await a.releaseLease(lease, 'alice');
      expect(await a.acquireLease(lease, 'alice', LONG)).toBe(false);
      expect(await b.renewLease(lease, 'bob', LONG)).toBe(true);
    });

    it('a renewal pushes the expiry out', async () => {
      const lease = uniq('lease-renew');
      expect(await a.acquireLease(lease, 'alice', SHORT)).toBe(true);
      expect(await a.renewLease(lease, 'alice', LONG)).toBe(true);
      await h.elapse(SHORT + 20);
      expect(await b.acquireLease(lease, 'bob', LONG)).toBe(false);
    });

    it('has exactly one holder when many race for a free lease', async () => {
      const lease = uniq('lease-race');
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).acquireLease(lease, `holder-${i}`, LONG).then((won) => ({ i, won }))),
      );
      const winners = results.filter((r) => r.won);
      expect(winners).toHaveLength(1);
      expect(await a.renewLease(lease, `holder-${winners[0]?.i}`, LONG)).toBe(true);
    });
  });

  it('answers ping', async () => {
    await expect(a.ping()).resolves.toBeUndefined();
  });
}

/** A closed store refuses work with StateError('unavailable'). */
export async function expectClosedStoreRefuses(store: StateStore): Promise<void> {
  await store.close();
  await expect(store.get('k')).rejects.toMatchObject({ code: 'unavailable' });
  await expect(store.ping()).rejects.toBeInstanceOf(StateError);
}
