import { partitionOf } from './target-assignment';

/**
 * The key of the per-partition marker `sonde inventory apply` writes after the device records: a
 * partition that holds it is authoritative — its devices are exactly the device records in it,
 * and the config file's devices that hash onto it are ignored (so a device removed from the
 * applied file stops being polled even if the replica's own config file still lists it).
 * Device ids start with a letter or digit (libs/inventory DEVICE_ID), so it cannot clash.
 */
export const INVENTORY_MARKER_KEY = '@inventory';

/** One record of `sonde.targets.<site>`: key = device id (or the marker), value = JSON or null (tombstone). */
export interface TargetRecord {
  partition: number;
  key: string;
  value: string | null;
}

/** What a marker says (for logs and `sonde inventory apply`'s report). */
export interface InventoryMarker {
  appliedAt: number;
  devices: number;
  source?: string;
}

/**
 * The device records of `sonde.targets.<site>` that this replica has read (the partitions it owns),
 * and the rule that merges them with the config file's devices. No Kafka here: the adapter feeds
 * `apply()` with what it consumed; `memory/` never does, so `devices()` is the file's list.
 */
export class PublishedTargets {
  /** partition → device id → raw device entry (parsed JSON) */
  private readonly records = new Map<number, Map<string, unknown>>();
  private readonly markers = new Map<number, InventoryMarker>();
  /** device id → why its record was refused (bad JSON), for the caller to log once */
  readonly rejected = new Map<string, string>();

  /** Applies consumed records (in offset order); true when the merged device list may have changed. */
  apply(records: readonly TargetRecord[]): boolean {
    let changed = false;
    for (const r of records) {
      if (r.key === INVENTORY_MARKER_KEY) {
        if (r.value === null) changed = this.markers.delete(r.partition) || changed;
        else {
          const marker = parseJson(r.value) as Partial<InventoryMarker> | undefined;
          const before = this.markers.get(r.partition);
          this.markers.set(r.partition, { appliedAt: Number(marker?.appliedAt ?? 0), devices: Number(marker?.devices ?? 0), ...(typeof marker?.source === 'string' ? { source: marker.source } : {}) });
          changed = changed || !before;
        }
        continue;
      }
      let shard = this.records.get(r.partition);
      if (r.value === null) {
        changed = (shard?.delete(r.key) ?? false) || changed;
        continue;
      }
      const device = parseJson(r.value);
      if (device === undefined) {
        this.rejected.set(r.key, `record of ${r.key} in partition ${r.partition} is not JSON`);
        continue;
      }
      if (!shard) this.records.set(r.partition, (shard = new Map()));
      const before = shard.get(r.key);
      shard.set(r.key, device);
      changed = changed || JSON.stringify(before) !== r.value;
    }
    return changed;
  }

  /** Drops what was read of partitions this replica no longer owns (the new owner reads them). */
  retain(owned: ReadonlySet<number>): void {
    for (const p of [...this.records.keys()]) if (!owned.has(p)) this.records.delete(p);
    for (const p of [...this.markers.keys()]) if (!owned.has(p)) this.markers.delete(p);
  }

  /** Partitions with a marker: their devices come from the topic alone. */
  get appliedPartitions(): number[] {
    return [...this.markers.keys()].sort((a, b) => a - b);
  }

  /**
   * The site's devices for this replica: the file's, except in marked partitions, whose devices
   * are the published records (parsed by `parse`, which returns undefined for an entry it
   * refuses — the caller logs why). Order: file order, then published ones by id.
   */
  devices<T extends { id: string }>(fileDevices: readonly T[], partitions: number, parse: (raw: unknown, id: string) => T | undefined): T[] {
    if (this.markers.size === 0) return [...fileDevices];
    const out = fileDevices.filter((d) => !this.markers.has(partitionOf(d.id, partitions)));
    for (const p of this.appliedPartitions) {
      const shard = this.records.get(p);
      if (!shard) continue;
      for (const id of [...shard.keys()].sort()) {
        const device = parse(shard.get(id), id);
        if (device) out.push(device);
      }
    }
    return out;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
