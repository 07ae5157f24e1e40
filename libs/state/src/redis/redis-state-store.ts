import Redis from 'ioredis';
import type { StateStore } from '../state-store';
import { StateError, checkTtl } from '../state-error';

export interface RedisStateStoreOptions {
  url: string;
  keyPrefix?: string;
  connectTimeoutMs?: number;
  maxRetriesPerRequest?: number;
}

const LEASE_PREFIX = 'lease:';

/*
 * Leases are compare-and-set on one key holding the holder's id; each script runs atomically in
 * Redis, so a holder can never extend or drop a lease someone else took after it expired.
 */
/** KEYS[1] lease, ARGV[1] holder, ARGV[2] ttl ms → 1 if holder holds it afterwards. */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;
/** → 1 if the lease was ours and is extended. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;
/** Deletes the lease only if it is ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The State port on Redis (ioredis): SET NX PX for set-if-absent, Lua CAS for leases. */
export class RedisStateStore implements StateStore {
  private readonly redis: Redis;
  private readonly where: string;

  constructor(options: RedisStateStoreOptions) {
    this.where = redactUrl(options.url);
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? 'sonde:',
      connectTimeout: options.connectTimeoutMs ?? 5000,
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
      lazyConnect: false,
      // how long disconnect() waits for the socket to close before destroying it; ioredis arms
      // this timer even for a socket that already closed (refused), and it holds the process
      disconnectTimeout: 500,
    });
    // Connection errors surface on the commands that fail (as StateError) and on ping();
    // without a listener ioredis would print each reconnect attempt's error to stderr.
    this.redis.on('error', () => undefined);
  }

  get(key: string): Promise<string | null> {
    return this.run('get', key, () => this.redis.get(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs, key);
    await this.run('set', key, () => (ttlMs === undefined ? this.redis.set(key, value) : this.redis.set(key, value, 'PX', ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    checkTtl(ttlMs, key);
    const reply = await this.run('setIfAbsent', key, () =>
      ttlMs === undefined ? this.redis.set(key, value, 'NX') : this.redis.set(key, value, 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', key, () => this.redis.del(key));
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.run('hget', key, () => this.redis.hget(key, field));
  }

  async hset(key: string, values: Record<string, string>): Promise<void> {
    if (Object.keys(values).length === 0) return; // HSET with no field is a Redis error; the port says no-op
    await this.run('hset', key, () => this.redis.hset(key, values));
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.run('hgetall', key, () => this.redis.hgetall(key));
  }

  async hdel(key: string, ...fields: string[]): Promise<void> {
    if (fields.length === 0) return;
    await this.run('hdel', key, () => this.redis.hdel(key, ...fields));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = LEASE_PREFIX + name;
    checkTtl(ttlMs, key);
    return (await this.run('acquireLease', key, () => this.redis.eval(ACQUIRE, 1, key, holder, ttlMs))) === 1;
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = LEASE_PREFIX + name;
    checkTtl(ttlMs, key);
    return (await this.run('renewLease', key, () => this.redis.eval(RENEW, 1, key, holder, ttlMs))) === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    const key = LEASE_PREFIX + name;
    await this.run('releaseLease', key, () => this.redis.eval(RELEASE, 1, key, holder));
  }

  async ping(): Promise<void> {
    await this.run('ping', '', () => this.redis.ping());
  }

  async close(): Promise<void> {
    // QUIT lets a connected client finish its replies; but while reconnecting ioredis answers
    // QUIT with OK and keeps retrying, so always disconnect() too — that stops the retry timer.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  private async run<T>(op: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = message.startsWith('WRONGTYPE') ? 'malformed' : 'unavailable';
      throw new StateError(code, `redis ${op}${key ? ` ${key}` : ''} at ${this.where}: ${message}`, { op, key }, { cause: err });
    }
  }
}

/** The URL without its password, for error messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    return u.toString();
  } catch {
    return 'redis';
  }
}
