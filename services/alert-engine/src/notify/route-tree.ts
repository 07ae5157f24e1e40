import { compileMatcher, formatMatchers, matchesAll, quoteValue, type CompiledMatcher } from './matcher';
import type { RouteConfig } from './notify.config';

/** Alertmanager's defaults for the root route (config/config.go DefaultRoute…). */
export const ROUTE_DEFAULTS = { group_wait: 30_000, group_interval: 300_000, repeat_interval: 14_400_000 };

/** A route with its parent's settings applied: what grouping and dispatch use. */
export class Route {
  readonly matchers: CompiledMatcher[];
  readonly receiver: string;
  /** null = `...`: group by every label. */
  readonly groupBy: readonly string[] | null;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly continue: boolean;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly children: Route[];
  /** Alertmanager's Route.Key(): the matchers of each level joined by `/`, plus the sibling index when needed. */
  readonly key: string;

  constructor(config: RouteConfig, parent: Route | null, index: number) {
    this.matchers = config.matchers.map(compileMatcher);
    this.receiver = config.receiver ?? parent?.receiver ?? '';
    const groupBy = config.group_by ?? (parent ? (parent.groupBy ?? ['...']) : []);
    this.groupBy = groupBy.includes('...') ? null : [...new Set(groupBy)].sort();
    this.groupWait = config.group_wait ?? parent?.groupWait ?? ROUTE_DEFAULTS.group_wait;
    this.groupInterval = config.group_interval ?? parent?.groupInterval ?? ROUTE_DEFAULTS.group_interval;
    this.repeatInterval = config.repeat_interval ?? parent?.repeatInterval ?? ROUTE_DEFAULTS.repeat_interval;
    this.continue = config.continue;
    this.muteTimeIntervals = config.mute_time_intervals;
    this.activeTimeIntervals = config.active_time_intervals;
    const own = formatMatchers(config.matchers);
    this.key = parent ? `${parent.key}/${own}/${index}` : own;
    this.children = config.routes.map((c, i) => new Route(c, this, i));
  }

  /**
   * The routes an alert with `labels` goes to (dispatch/route.go Match): depth first; the first
   * matching child wins unless it has `continue`; a node none of whose children match is itself
   * the match. Empty if this node's own matchers fail.
   */
  match(labels: Readonly<Record<string, string>>): Route[] {
    if (!matchesAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.children) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continue) break;
    }
    return all.length > 0 ? all : [this];
  }

  /** The labels this route groups `labels` by. */
  groupLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    const names = this.groupBy ?? Object.keys(labels).sort();
    for (const name of names) {
      const v = labels[name];
      if (v !== undefined) out[name] = v;
    }
    return out;
  }

  /** Alertmanager's aggregation group key: `<route key>:{a="b", c="d"}`. */
  groupKey(labels: Readonly<Record<string, string>>): string {
    const g = this.groupLabels(labels);
    return `${this.key}:{${Object.keys(g)
      .sort()
      .map((k) => `${k}=${quoteValue(g[k] ?? '')}`)
      .join(', ')}}`;
  }

  /** Every route of the tree, depth first (for `GET /api/v2/receivers` and docs). */
  *walk(): Generator<Route> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

/**
 * The routing tree, and the group key the evaluator's sink stamps on each alert.state event
 * (which keys its Kafka message): the group of the first route the labels match, so a group
 * lives on one partition. An alert that `continue`s into further routes joins those groups too;
 * those groups may then be fed from several partitions (README "HA").
 */
export class RouteTree {
  readonly root: Route;

  constructor(config: RouteConfig) {
    this.root = new Route(config, null, 0);
  }

  match(labels: Readonly<Record<string, string>>): Route[] {
    return this.root.match(labels);
  }

  groupKeyOf(labels: Readonly<Record<string, string>>): string {
    const first = this.root.match(labels)[0] ?? this.root;
    return first.groupKey(labels);
  }
}
