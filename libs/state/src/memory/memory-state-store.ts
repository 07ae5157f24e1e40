import type { StateStore } from '../state-store';
import { StateError, checkTtl } from '../state-error';

export interface MemoryStateStoreOptions {
  /** Time source for TTLs; tests pass a stub. */
  clock?: { now(): number };
  sweepIntervalMs?: number;
  sweepBatch?: number;
  /** Start the unref'd sweep timer (default true; tests with a stub clock call sweep()). */
  autoSweep?: boolean;
}

type Entry = { kind: 'string'; value: string; expiresAt?: number } | { kind: 'hash'; value: Map<string, string>; expiresAt?: number };

const LEASE_PREFIX = 'lease:';

/**
 * The State port in one process (`sonde up`): Redis semantics on a Map — TTLs in ms, SET NX,
 * hashes keep their TTL on HSET, a hash whose last field is deleted disappears, leases are
 * keys `lease:<name>` holding the holder. Expired keys vanish when read, and a bounded sweep
 * (at most `sweepBatch` keys per tick, resuming where it stopped) reclaims the ones never read.
 */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: { now(): number };
  private readonly sweepBatch: number;
  private cursor: Iterator<[string, Entry]> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sweepBatch = options.sweepBatch ?? 1000;
    if (options.autoSweep ?? true) {
      this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Keys held, expired or not (a sweep or a read removes expired ones). */
  get size(): number {
    return this.entries.size;
  }

  /** Examines at most `sweepBatch` keys, continuing from the last sweep; returns how many expired. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (let i = 0; i < this.sweepBatch; i++) {
      this.cursor ??= this.entries.entries();
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        break;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async get(key: string): Promise<string | null> {
    return this.string(key, 'get');
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.open();
    checkTtl(ttlMs, key);
    this.entries.set(key, { kind: 'string', value, ...this.expiry(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    this.open();
    checkTtl(ttlMs, key);
    if (this.live(key)) return false;
    this.entries.set(key, { kind: 'string', value, ...this.expiry(ttlMs) });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.open();
    this.entries.delete(key);
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.hash(key, 'hget')?.get(field) ?? null;
  }

  async hset(key: string, values: Record<string, string>): Promise<void> {
    const fields = Object.entries(values);
    let hash = this.hash(key, 'hset');
    if (fields.length === 0) return;
    if (!hash) {
      hash = new Map();
      this.entries.set(key, { kind: 'hash', value: hash });
    }
    for (const [field, value] of fields) hash.set(field, value);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.hash(key, 'hgetall') ?? []);
  }

  async hdel(key: string, ...fields: string[]): Promise<void> {
    const hash = this.hash(key, 'hdel');
    if (!hash) return;
    for (const field of fields) hash.delete(field);
    if (hash.size === 0) this.entries.delete(key);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = LEASE_PREFIX + name;
    checkTtl(ttlMs, key);
    // no await between the check and the write: that is what makes it atomic in one process
    const current = this.string(key, 'acquireLease');
    if (current !== null && current !== holder) return false;
    this.entries.set(key, { kind: 'string', value: holder, ...this.expiry(ttlMs) });
    return true;
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = LEASE_PREFIX + name;
    checkTtl(ttlMs, key);
    if (this.string(key, 'renewLease') !== holder) return false;
    this.entries.set(key, { kind: 'string', value: holder, ...this.expiry(ttlMs) });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    const key = LEASE_PREFIX + name;
    if (this.string(key, 'releaseLease') === holder) this.entries.delete(key);
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    this.entries.clear();
  }

  private open(): void {
    if (this.closed) throw new StateError('unavailable', 'memory state store is closed');
  }

  private expiry(ttlMs: number | undefined): { expiresAt?: number } {
    return ttlMs === undefined ? {} : { expiresAt: this.clock.now() + ttlMs };
  }

  /** The entry if present and not expired; drops an expired one. */
  private live(key: string): Entry | undefined {
    this.open();
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private string(key: string, op: string): string | null {
    const entry = this.live(key);
    if (!entry) return null;
    if (entry.kind !== 'string') throw wrongType(key, op);
    return entry.value;
  }

  private hash(key: string, op: string): Map<string, string> | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (entry.kind !== 'hash') throw wrongType(key, op);
    return entry.value;
  }
}

function wrongType(key: string, op: string): StateError {
  return new StateError('malformed', `${op} ${key}: the key holds another kind of value`, { key, op });
}
