import type { CounterReading } from './counter-rate';

/**
 * The part of the StateStore port (libs/state/src/state-store.ts) the cache needs; any
 * StateStore satisfies it structurally (memory when embedded, Redis in deployments).
 */
export interface CounterStateBackend {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
}

type Stored = [value: string, ts: number, sysUpTime?: number | null, discontinuity?: number | null];

/**
 * Last reading of every counter of a device, so a rate can be computed on the next poll —
 * also by the next poller process (restart, failover to another replica): the map is written
 * to the state store once per device per cycle, under one key, with a TTL equal to the
 * longest gap a rate may span (older readings could not yield a rate anyway).
 */
export class CounterCache {
  private readonly devices = new Map<string, Map<string, CounterReading>>();

  constructor(
    private readonly backend: CounterStateBackend | undefined,
    private readonly ttlMs: number,
    private readonly prefix = 'snmp:counters:',
  ) {}

  /** The device's readings, loaded from the state store the first time (then kept in memory). */
  async load(device: string): Promise<Map<string, CounterReading>> {
    let map = this.devices.get(device);
    if (map) return map;
    map = new Map();
    const raw = this.backend ? await this.backend.get(this.prefix + device) : null;
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as Record<string, unknown>;
        for (const [key, v] of Object.entries(parsed)) {
          const reading = parseStored(v);
          if (reading) map.set(key, reading);
        }
      } catch {
        // a corrupt entry only costs one interval without rates
      }
    }
    this.devices.set(device, map);
    return map;
  }

  /**
   * When the device's newest reading was taken, by this process or — from the state store —
   * by the replica that polled it before (undefined: no reading within `ttlMs`). Read without
   * caching, so it never races `load` for the map a cycle is filling.
   */
  async lastReadingAt(device: string): Promise<number | undefined> {
    const newest = (readings: Iterable<number>) => {
      let max: number | undefined;
      for (const ts of readings) if (max === undefined || ts > max) max = ts;
      return max;
    };
    const map = this.devices.get(device);
    if (map) return newest([...map.values()].map((r) => r.ts));
    const raw = this.backend ? await this.backend.get(this.prefix + device) : null;
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      return newest(Object.values(parsed).flatMap((v) => parseStored(v)?.ts ?? []));
    } catch {
      return undefined;
    }
  }

  /**
   * Drops readings older than `ttlMs` (interfaces that disappeared) and writes the rest.
   * `ttlMs` per device: a device polled every 5 min needs its readings longer than one on 30 s.
   */
  async save(device: string, ttlMs: number = this.ttlMs): Promise<void> {
    const map = this.devices.get(device);
    if (!map) return;
    let newest = 0;
    for (const r of map.values()) if (r.ts > newest) newest = r.ts;
    for (const [key, r] of map) if (r.ts < newest - ttlMs) map.delete(key);
    if (!this.backend) return;
    const out: Record<string, Stored> = {};
    for (const [key, r] of map) out[key] = [r.value.toString(), r.ts, r.sysUpTime ?? null, r.discontinuity ?? null];
    await this.backend.set(this.prefix + device, JSON.stringify(out), ttlMs);
  }

  forget(device: string): void {
    this.devices.delete(device);
  }
}

function parseStored(v: unknown): CounterReading | undefined {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || !/^\d+$/.test(v[0])) return undefined;
  const [value, ts, up, disc] = v as Stored;
  return { value: BigInt(value), ts, ...(typeof up === 'number' ? { sysUpTime: up } : {}), ...(typeof disc === 'number' ? { discontinuity: disc } : {}) };
}
