import type { StateStore } from '@sonde/state/state-store';
import type { Inhibitor } from './alert-evaluator';
import { decodeDeviceState, encodeDeviceState, type DeviceAlertState } from './device-alert-state';

/** Checkpoints live a week past the last change: a device silent longer starts over. */
const CHECKPOINT_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Per-device evaluation state in the StateStore (Redis when deployed, memory in `sonde up`):
 * one JSON value per device, so the replica that gets a device's partition next continues its
 * pending timers, firing alerts, flap history and transition sequence. Plus one shared hash of
 * the firing alerts that mute others, so topology inhibition works across partitions and sites.
 */
export class AlertCheckpointStore {
  constructor(
    private readonly state: StateStore,
    private readonly prefix: string,
  ) {}

  private deviceKey(id: string): string {
    return `${this.prefix}device:${id}`;
  }

  private rosterKey(partition: number): string {
    return `${this.prefix}roster:${partition}`;
  }

  /**
   * The devices checkpointed from a bus partition: what a replica that gains the partition must
   * load even if they send nothing more (absence, keep_firing_for, pending timers).
   */
  async roster(partition: number): Promise<string[]> {
    return Object.keys(await this.state.hgetall(this.rosterKey(partition)));
  }

  async addToRoster(partition: number, deviceIds: readonly string[]): Promise<void> {
    if (deviceIds.length > 0) await this.state.hset(this.rosterKey(partition), Object.fromEntries(deviceIds.map((id) => [id, '1'])));
  }

  /** Devices whose checkpoint expired (silent for its TTL): nothing left to adopt. */
  async removeFromRoster(partition: number, deviceIds: readonly string[]): Promise<void> {
    if (deviceIds.length > 0) await this.state.hdel(this.rosterKey(partition), ...deviceIds);
  }

  private get inhibitorsKey(): string {
    return `${this.prefix}inhibitors`;
  }

  /** Checkpoints of these devices; missing or unreadable ones are left out (and counted as `invalid`). */
  async load(deviceIds: readonly string[]): Promise<{ states: DeviceAlertState[]; invalid: string[] }> {
    const values = await Promise.all(deviceIds.map((id) => this.state.get(this.deviceKey(id))));
    const states: DeviceAlertState[] = [];
    const invalid: string[] = [];
    values.forEach((text, i) => {
      if (text === null) return;
      const decoded = decodeDeviceState(text);
      if (decoded) states.push(decoded);
      else invalid.push(deviceIds[i] as string);
    });
    return { states, invalid };
  }

  async save(states: readonly DeviceAlertState[]): Promise<void> {
    await Promise.all(states.map((s) => this.state.set(this.deviceKey(s.device.id), encodeDeviceState(s), CHECKPOINT_TTL_MS)));
  }

  /** Replaces this replica's share of the inhibitors: adds the new ones, deletes the ones it no longer has. */
  async shareInhibitors(local: readonly Inhibitor[], previous: ReadonlySet<string>): Promise<Set<string>> {
    const now = new Set(local.map((i) => i.fingerprint));
    const gone = [...previous].filter((fp) => !now.has(fp));
    if (local.length > 0) await this.state.hset(this.inhibitorsKey, Object.fromEntries(local.map((i) => [i.fingerprint, JSON.stringify(i)])));
    if (gone.length > 0) await this.state.hdel(this.inhibitorsKey, ...gone);
    return now;
  }

  async inhibitors(): Promise<Inhibitor[]> {
    const all = await this.state.hgetall(this.inhibitorsKey);
    const out: Inhibitor[] = [];
    for (const text of Object.values(all)) {
      try {
        const v = JSON.parse(text) as Inhibitor;
        if (typeof v.fingerprint === 'string' && typeof v.device === 'string') out.push(v);
      } catch {
        // a foreign or truncated entry mutes nothing
      }
    }
    return out;
  }
}
