import type { StateStore } from '@sonde/state/state-store';
import type { Clock } from '@sonde/telemetry/clock';
import { ActiveSilence, silenceFromPostable, silenceState, SilenceError, type Silence } from './silence';

/**
 * Silences in the StateStore (one hash, id → JSON), so every replica sees the same set; each
 * replica keeps a compiled copy refreshed every `syncInterval` and on its own writes. Expired
 * silences are kept for `retentionMs` (Alertmanager's --data.retention) and then dropped.
 */
export class SilenceStore {
  private cache: ActiveSilence[] = [];

  constructor(
    private readonly state: StateStore,
    private readonly key: string,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async refresh(): Promise<void> {
    const all = await this.state.hgetall(this.key);
    const now = this.clock.now();
    const list: ActiveSilence[] = [];
    const stale: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      const s = JSON.parse(json) as Silence;
      if (s.endsAt + this.retentionMs < now) stale.push(id);
      else list.push(new ActiveSilence(s));
    }
    if (stale.length > 0) await this.state.hdel(this.key, ...stale);
    this.cache = list;
  }

  list(): Silence[] {
    return this.cache.map((s) => s.silence);
  }

  get(id: string): Silence | undefined {
    return this.cache.find((s) => s.silence.id === id)?.silence;
  }

  /** Creates or updates (same id) a silence; returns its id. */
  async upsert(raw: unknown): Promise<string> {
    const s = silenceFromPostable(raw, this.clock.now());
    await this.state.hset(this.key, { [s.id]: JSON.stringify(s) });
    await this.refresh();
    return s.id;
  }

  /** Expires a silence now (Alertmanager keeps it, expired, until retention). */
  async expire(id: string): Promise<void> {
    await this.refresh();
    const s = this.get(id);
    if (!s) throw new SilenceError('not-found', `silence ${id} not found`, { silence: id });
    const now = this.clock.now();
    if (silenceState(s, now) === 'expired') return;
    const expired: Silence = { ...s, startsAt: Math.min(s.startsAt, now), endsAt: now, updatedAt: now };
    await this.state.hset(this.key, { [id]: JSON.stringify(expired) });
    await this.refresh();
  }

  /** Ids of the active silences muting `labels` at `now`. */
  mutedBy(labels: Readonly<Record<string, string>>, now: number): string[] {
    const ids: string[] = [];
    for (const s of this.cache) if (s.mutes(labels, now)) ids.push(s.silence.id);
    return ids;
  }
}
