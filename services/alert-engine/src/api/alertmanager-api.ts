import type { StateStore } from '@sonde/state/state-store';
import type { Clock } from '@sonde/telemetry/clock';
import type { AlertMuting } from '../notify/alert-muting';
import { compileMatcher, matchesAll, parseMatchers, type CompiledMatcher } from '../notify/matcher';
import type { NotifyAlert } from '../notify/notify-alert';
import type { RouteTree } from '../notify/route-tree';
import { silenceState, SilenceError, toApiMatcher, type Silence } from '../notify/silence';
import type { SilenceStore } from '../notify/silence-store';

/** Query of `GET /api/v2/alerts` and `/api/v2/alerts/groups` (api/v2/openapi.yaml). */
export interface AlertQuery {
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  unprocessed?: boolean;
  filter?: readonly string[];
  receiver?: string;
}

export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: { name: string }[];
  fingerprint: string;
  startsAt: string;
  updatedAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: 'unprocessed' | 'active' | 'suppressed'; silencedBy: string[]; inhibitedBy: string[] };
}

const ZERO_TIME = '0001-01-01T00:00:00.000Z';
const iso = (ms: number) => new Date(ms).toISOString();

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The part of the API's view a notification config reload replaces. */
export interface ApiRouting {
  muting: AlertMuting;
  tree: RouteTree;
  receivers: readonly string[];
  configText: string;
}

/**
 * The Alertmanager API v2 subset Sonde serves (README "API"), so `amtool` and Grafana's
 * Alertmanager data source work against it. The alert list is the StateStore's alert index,
 * hence the same on every replica; silences are the shared SilenceStore.
 */
export class AlertmanagerApi {
  private readonly startedAt: number;

  private deps: ApiRouting & { state: StateStore; alertIndexKey: string; silences: SilenceStore; clock: Clock; version: string };

  constructor(deps: ApiRouting & { state: StateStore; alertIndexKey: string; silences: SilenceStore; clock: Clock; version: string }) {
    this.deps = deps;
    this.startedAt = deps.clock.now();
  }

  /** A notification config reload: later requests see the new routes, receivers and muting. */
  reconfigure(routing: ApiRouting): void {
    this.deps = { ...this.deps, ...routing };
  }

  private filterOf(filter: readonly string[] | undefined): CompiledMatcher[] {
    try {
      return (filter ?? []).flatMap((f) => parseMatchers(f)).map(compileMatcher);
    } catch (err) {
      throw new ApiError(400, (err as Error).message);
    }
  }

  async alerts(q: AlertQuery = {}): Promise<GettableAlert[]> {
    await this.deps.silences.refresh();
    const matchers = this.filterOf(q.filter);
    let receiverRe: RegExp | null = null;
    if (q.receiver !== undefined && q.receiver !== '') {
      try {
        receiverRe = new RegExp(`^(?:${q.receiver})$`);
      } catch (err) {
        throw new ApiError(400, `invalid receiver regex: ${(err as Error).message}`);
      }
    }
    const now = this.deps.clock.now();
    const all = await this.deps.state.hgetall(this.deps.alertIndexKey);
    const out: GettableAlert[] = [];
    for (const json of Object.values(all)) {
      const a = JSON.parse(json) as NotifyAlert;
      if (!matchesAll(matchers, a.labels)) continue;
      const receivers = [...new Set(this.deps.tree.match(a.labels).map((r) => r.receiver))];
      if (receiverRe && !receivers.some((r) => receiverRe.test(r))) continue;
      const g = this.gettable(a, receivers, now);
      const silenced = g.status.silencedBy.length > 0;
      const inhibited = g.status.inhibitedBy.length > 0;
      if (q.silenced === false && silenced) continue;
      if (q.inhibited === false && inhibited) continue;
      if (q.active === false && g.status.state === 'active') continue;
      out.push(g);
    }
    return out.sort((x, y) => x.startsAt.localeCompare(y.startsAt) || x.fingerprint.localeCompare(y.fingerprint));
  }

  private gettable(a: NotifyAlert, receivers: string[], now: number): GettableAlert {
    const silencedBy = this.deps.silences.mutedBy(a.labels, now);
    const inhibitedBy = a.inhibitedBy;
    // Maintenance windows are reported as suppression too (Alertmanager ≥ 0.27 calls it mutedBy).
    const muted = this.deps.muting.maintenanceOf(a.labels, now);
    return {
      labels: a.labels,
      annotations: a.annotations,
      receivers: receivers.map((name) => ({ name })),
      fingerprint: a.fingerprint,
      startsAt: iso(a.startsAt),
      updatedAt: iso(a.updatedAt),
      endsAt: a.endsAt === undefined ? ZERO_TIME : iso(a.endsAt),
      generatorURL: a.generatorURL,
      status: { state: silencedBy.length > 0 || inhibitedBy.length > 0 || muted.length > 0 ? 'suppressed' : 'active', silencedBy, inhibitedBy },
    };
  }

  /** `GET /api/v2/alerts/groups`: the alerts by receiver and group labels (Grafana's alert-group view). */
  async alertGroups(q: AlertQuery = {}): Promise<{ labels: Record<string, string>; receiver: { name: string }; alerts: GettableAlert[] }[]> {
    const groups = new Map<string, { labels: Record<string, string>; receiver: { name: string }; alerts: GettableAlert[] }>();
    for (const a of await this.alerts(q)) {
      for (const route of this.deps.tree.match(a.labels)) {
        const key = `${route.receiver}\n${route.groupKey(a.labels)}`;
        let g = groups.get(key);
        if (!g) {
          g = { labels: route.groupLabels(a.labels), receiver: { name: route.receiver }, alerts: [] };
          groups.set(key, g);
        }
        g.alerts.push(a);
      }
    }
    return [...groups.values()];
  }

  private gettableSilence(s: Silence, now: number) {
    return {
      id: s.id,
      status: { state: silenceState(s, now) },
      updatedAt: iso(s.updatedAt),
      matchers: s.matchers.map(toApiMatcher),
      startsAt: iso(s.startsAt),
      endsAt: iso(s.endsAt),
      createdBy: s.createdBy,
      comment: s.comment,
    };
  }

  async silences(filter?: readonly string[]) {
    await this.deps.silences.refresh();
    const matchers = this.filterOf(filter);
    const now = this.deps.clock.now();
    // Alertmanager's filter keeps a silence whose matchers include each filter matcher by name and value.
    return this.deps.silences
      .list()
      .filter((s) => matchers.every((f) => s.matchers.some((m) => m.name === f.name && f.test({ [m.name]: m.value }))))
      .sort((a, b) => a.startsAt - b.startsAt)
      .map((s) => this.gettableSilence(s, now));
  }

  async silence(id: string) {
    await this.deps.silences.refresh();
    const s = this.deps.silences.get(id);
    if (!s) throw new ApiError(404, `silence ${id} not found`);
    return this.gettableSilence(s, this.deps.clock.now());
  }

  async postSilence(body: unknown): Promise<{ silenceID: string }> {
    try {
      return { silenceID: await this.deps.silences.upsert(body) };
    } catch (err) {
      if (err instanceof SilenceError) throw new ApiError(err.code === 'not-found' ? 404 : 400, err.message);
      throw err;
    }
  }

  async deleteSilence(id: string): Promise<void> {
    try {
      await this.deps.silences.expire(id);
    } catch (err) {
      if (err instanceof SilenceError) throw new ApiError(404, err.message);
      throw err;
    }
  }

  status() {
    return {
      cluster: { name: 'sonde', status: 'disabled' as const, peers: [] },
      versionInfo: { version: this.deps.version, revision: 'sonde', branch: 'main', buildUser: 'sonde', buildDate: '', goVersion: 'node' },
      config: { original: this.deps.configText },
      uptime: iso(this.startedAt),
    };
  }

  receivers(): { name: string }[] {
    return this.deps.receivers.map((name) => ({ name }));
  }
}
