import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@sonde/testing/real-services';

// Grafana's expansion of a dashboard query, for the dashboard specs: template variables as the
// browser formats them, then grafana-clickhouse-datasource's backend macros (pkg/macros/macros.go).

export const GRAFANA_DIR = path.join(REPO_ROOT, 'deploy/grafana');
export const DASHBOARD_DIR = path.join(GRAFANA_DIR, 'dashboards');

// ------------------------------------------------------------------ Grafana's expansion, for the test

export interface QueryContext {
  /** The dashboard time range, epoch ms. */
  from: number;
  to: number;
  /** Grafana's interval for the panel, seconds. */
  intervalS: number;
  /** Current value(s) of each template variable. */
  variables: ReadonlyMap<string, readonly string[]>;
}

/** `${name}`, `${name:format}`, `[[name]]` or `$name` — but not `$__macro`. */
export const VARIABLE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(?!__)(\w+)/g;
/** `$__name` with an optional `(args)`; \w takes `_ms` / `_s` suffixes into the name. */
export const MACRO = /\$__(\w+)(?:\(([^()]*)\))?/g;

/**
 * "All" of a variable that sets a custom all value (`allValue`): Grafana inserts that text as it
 * is, with no format applied (templateSrv: a custom all value is formatted only for `text` and
 * `percentencode`), where a plain "All" is every value, formatted. The arrays made here are
 * remembered, so a resolver hands one over in `variables` like any value list.
 */
const CUSTOM_ALL = new WeakSet<readonly string[]>();
export function customAllValue(allValue: string): readonly string[] {
  const values = [allValue];
  CUSTOM_ALL.add(values);
  return values;
}

/** Grafana's template interpolation (public/app/features/templating: formatters `raw`, `singlequote`, `sqlstring`). */
export function interpolateVariables(sql: string, variables: QueryContext['variables']): string {
  return sql.replace(VARIABLE, (token, braced?: string, format?: string, bracketed?: string, bare?: string) => {
    const name = braced ?? bracketed ?? bare ?? '';
    const values = variables.get(name);
    if (!values) throw new Error(`unknown template variable ${token}`);
    if (values.length === 0) throw new Error(`template variable ${token} has no value`);
    if (CUSTOM_ALL.has(values)) return values[0] ?? '';
    switch (format ?? 'raw') {
      case 'raw':
        if (values.length > 1) throw new Error(`${token}: a multi-value variable needs a format (e.g. :singlequote)`);
        return values[0] ?? '';
      case 'singlequote':
        return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
      case 'sqlstring':
        return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
      default:
        throw new Error(`${token}: format "${format}" is not supported by this test`);
    }
  });
}

export const dateTime = (ms: number): string => `toDateTime(${Math.floor(ms / 1000)})`;
export const dateTime64 = (ms: number): string => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;

/** grafana-clickhouse-datasource's backend macros (pkg/macros/macros.go). */
export function expandMacros(sql: string, ctx: QueryContext): string {
  return sql.replace(MACRO, (token, name: string, rawArgs?: string) => {
    const args = rawArgs === undefined ? [] : rawArgs.split(',').map((a) => a.trim());
    const one = (): string => {
      if (args.length !== 1 || !args[0]) throw new Error(`${token}: expected 1 argument, got ${args.length}`);
      return args[0];
    };
    const seconds = Math.max(Math.floor(ctx.intervalS), 1);
    switch (name) {
      case 'timeFilter': {
        const c = one();
        return `${c} >= ${dateTime(ctx.from)} AND ${c} <= ${dateTime(ctx.to)}`;
      }
      case 'timeFilter_ms': {
        const c = one();
        return `${c} >= ${dateTime64(ctx.from)} AND ${c} <= ${dateTime64(ctx.to)}`;
      }
      case 'timeInterval':
        return `toStartOfInterval(toDateTime(${one()}), INTERVAL ${seconds} second)`;
      case 'interval_s':
        return String(seconds);
      case 'fromTime':
        return dateTime(ctx.from);
      case 'toTime':
        return dateTime(ctx.to);
      case 'fromTime_ms':
        return dateTime64(ctx.from);
      case 'toTime_ms':
        return dateTime64(ctx.to);
      default:
        throw new Error(`${token}: not a grafana-clickhouse-datasource macro this test knows`);
    }
  });
}

export function expandGrafanaSql(sql: string, ctx: QueryContext): string {
  return expandMacros(interpolateVariables(sql, ctx.variables), ctx);
}

// ------------------------------------------------------------------ dashboard JSON

export interface DashboardTarget {
  refId: string;
  rawSql?: string;
  editorType?: string;
  queryType?: string;
  format?: number;
  datasource?: { type?: string; uid?: string };
}
export interface DashboardPanel {
  id: number;
  gridPos?: { h: number; w: number; x: number; y: number };
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}
export interface DashboardVariable {
  name: string;
  type: string;
  query: string | { rawSql?: string };
  multi?: boolean;
  includeAll?: boolean;
  /** What "All" expands to, as is (else every value). */
  allValue?: string;
  current?: { value?: string | string[] };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return fs
    .readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
}

export function allPanels(panels: readonly DashboardPanel[]): DashboardPanel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/**
 * Each MergeTree read of an EXPLAIN indexes = 1 plan that reads parts, and the primary-key
 * columns it filters on. A read whose filter is constant false (the range branch not taken:
 * raw / 1 min / 1 h) reads no part and has no `Parts:` line; it is left out.
 */
export function primaryKeyUse(plan: readonly string[]): { table: string; keys: string[] }[] {
  const reads: { table: string; keys: string[]; reads: boolean }[] = [];
  let current: { table: string; keys: string[]; reads: boolean } | undefined;
  let inPrimaryKey = false;
  let inKeys = false;
  for (const line of plan) {
    const read = /ReadFromMergeTree \(([^)]+)\)/.exec(line);
    if (read?.[1]) {
      current = { table: read[1], keys: [], reads: false };
      reads.push(current);
      inPrimaryKey = inKeys = false;
      continue;
    }
    const t = line.replace(/^[\s│├└─]+/u, '').trim(); // the plan is drawn as a tree
    if (current && /^Parts: \d+ \| Granules: \d+/.test(t)) current.reads = true;
    if (t === 'PrimaryKey') inPrimaryKey = true;
    else if (inPrimaryKey && t === 'Keys:') inKeys = true;
    else if (inPrimaryKey && inKeys && /^[a-z_]+$/.test(t)) current?.keys.push(t);
    else if (inKeys) inPrimaryKey = inKeys = false;
  }
  return reads.filter((r) => r.reads).map(({ table, keys }) => ({ table, keys }));
}

/** Rows and text panels carry no query; every other panel does. */
export function queryPanels(dashboard: Dashboard): DashboardPanel[] {
  return allPanels(dashboard.panels).filter((p) => p.type !== 'row' && p.type !== 'text');
}

/** A dashboard on the ClickHouse data source (the Collectors board is on Prometheus). */
export function usesClickHouse(dashboard: Dashboard): boolean {
  return allPanels(dashboard.panels).some((p) => (p.targets ?? []).some((t) => t.datasource?.type === 'grafana-clickhouse-datasource'));
}

export function variableSql(v: DashboardVariable): string {
  return typeof v.query === 'string' ? v.query : (v.query.rawSql ?? '');
}

