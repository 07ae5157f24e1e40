/**
 * The State port: small, shared, expiring facts — alert state checkpoints, notification
 * log, leases, the last counter sample per OID. Redis in deployments, memory when embedded.
 * TTLs are milliseconds; a missing TTL means no expiry.
 */
export interface StateStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Atomic: true if this call created the key (the basis of "send once" across replicas). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;

  hget(key: string, field: string): Promise<string | null>;
  hset(key: string, values: Record<string, string>): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<void>;

  /** Takes the lease if free or already ours; true if `holder` holds it afterwards. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends our lease; false if it expired or another holder has it. */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
