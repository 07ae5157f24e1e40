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
  /** The same in milliseconds when it is not whole seconds (`$__interval_ms`, `$__timeInterval_ms`); else intervalS × 1000. */
  intervalMs?: number;
  /** The query's table and column (`$__table`, `$__column`), when the query builder set them. */
  table?: string;
  column?: string;
  /** Current value(s) of each template variable. */
  variables: ReadonlyMap<string, readonly string[]>;
}

/** `${name}`, `${name:format}`, `[[name]]` or `$name` — but not `$__macro`. */
export const VARIABLE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(?!__)(\w+)/g;

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
const date = (ms: number): string => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

/**
 * The plugin's expansion (pkg/macros/macros.go on grafana/macropro), rewritten here from its
 * behaviour — not its code — and held to its own test vectors by grafana-macros.spec.ts:
 * comments are blanked first (so a macro in a comment never runs), then each macro name, longest
 * first, replaces every `$__name` (not followed by a name character) and its balanced `(…)`
 * argument list, split on top-level commas and trimmed. Because a replacement is scanned again by
 * the shorter names after it, a macro inside another's arguments expands too. Names it does not
 * know stay as written, as in the plugin (ClickHouse then refuses them).
 */
type MacroFn = (args: readonly string[], ctx: QueryContext) => string;

function arity(name: string, want: number, args: readonly string[]): void {
  if (args.length !== want) throw new Error(`$__${name}: expected ${want} argument(s), received ${args.length}`);
}
const intervalMsOf = (ctx: QueryContext): number => ctx.intervalMs ?? ctx.intervalS * 1000;
const wholeSeconds = (ctx: QueryContext): number => Math.max(Math.trunc(intervalMsOf(ctx) / 1000), 1);

const MACROS: Record<string, MacroFn> = {
  timeFilter: (a, ctx) => (arity('timeFilter', 1, a), `${a[0]} >= ${dateTime(ctx.from)} AND ${a[0]} <= ${dateTime(ctx.to)}`),
  timeFilter_ms: (a, ctx) => (arity('timeFilter_ms', 1, a), `${a[0]} >= ${dateTime64(ctx.from)} AND ${a[0]} <= ${dateTime64(ctx.to)}`),
  dateFilter: (a, ctx) => (arity('dateFilter', 1, a), `${a[0]} >= ${date(ctx.from)} AND ${a[0]} <= ${date(ctx.to)}`),
  dateTimeFilter: (a, ctx) => dateTimeFilter('dateTimeFilter', a, ctx),
  dt: (a, ctx) => dateTimeFilter('dt', a, ctx),
  timeFrom: (a, ctx) => (arity('timeFrom', 1, a), `${a[0]} >= ${dateTime(ctx.from)}`),
  timeTo: (a, ctx) => (arity('timeTo', 1, a), `${a[0]} <= ${dateTime(ctx.to)}`),
  fromTime: (_a, ctx) => dateTime(ctx.from),
  toTime: (_a, ctx) => dateTime(ctx.to),
  fromTime_ms: (_a, ctx) => dateTime64(ctx.from),
  toTime_ms: (_a, ctx) => dateTime64(ctx.to),
  timeInterval: (a, ctx) => (arity('timeInterval', 1, a), `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${wholeSeconds(ctx)} second)`),
  timeInterval_ms: (a, ctx) => (arity('timeInterval_ms', 1, a), `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.max(Math.trunc(intervalMsOf(ctx)), 1)} millisecond)`),
  interval_s: (_a, ctx) => String(wholeSeconds(ctx)),
  interval_ms: (_a, ctx) => String(Math.trunc(intervalMsOf(ctx))),
  interval: (_a, ctx) => formatDuration(intervalMsOf(ctx)),
  timeGroup: (a) => {
    arity('timeGroup', 2, a);
    const period = (a[1] ?? '').replace(/^['"]+|['"]+$/g, '');
    const seconds = Math.round(parseGoDuration(period) / 1000);
    if (!(seconds > 0)) throw new Error(`$__timeGroup: interval must be positive, got "${period}"`);
    return `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${seconds} second)`;
  },
  table: (_a, ctx) => {
    if (!ctx.table) throw new Error('$__table: no table name in query context');
    return ctx.table;
  },
  column: (_a, ctx) => {
    if (!ctx.column) throw new Error('$__column: no column name in query context');
    return ctx.column;
  },
};
const NAMES = Object.keys(MACROS).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));

function dateTimeFilter(name: string, a: readonly string[], ctx: QueryContext): string {
  arity(name, 2, a);
  return `(${a[0]} >= ${date(ctx.from)} AND ${a[0]} <= ${date(ctx.to)}) AND (${a[1]} >= ${dateTime(ctx.from)} AND ${a[1]} <= ${dateTime(ctx.to)})`;
}

/** macropro's FormatDuration: the largest whole unit (h, m, s), else ms. */
function formatDuration(ms: number): string {
  const d = Math.abs(Math.trunc(ms));
  if (d === 0) return '0s';
  if (d % 3_600_000 === 0) return `${d / 3_600_000}h`;
  if (d % 60_000 === 0) return `${d / 60_000}m`;
  if (d % 1000 === 0) return `${d / 1000}s`;
  return `${d}ms`;
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("5m", "1h30m", "1.5h", "-2s", "0"), in ms; throws on anything else. */
export function parseGoDuration(text: string): number {
  const m = /^([+-])?(.*)$/s.exec(text);
  const body = m?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '') throw new Error(`invalid duration "${text}"`);
  let total = 0;
  let rest = body;
  while (rest !== '') {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    const unit = part?.[2];
    if (!part?.[1] || !unit) throw new Error(`invalid duration "${text}"`);
    total += Number(part[1]) * (GO_UNITS[unit] ?? NaN);
    rest = rest.slice(part[0].length);
  }
  return m?.[1] === '-' ? -total : total;
}

/** End (exclusive) of the quoted region opening at i: '…' "…" `…` with doubled quotes and ClickHouse's backslash escapes. */
function quotedEnd(sql: string, i: number): number {
  const quote = sql[i];
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (c === '\\') j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j++;
  }
  return sql.length;
}

/** End (exclusive) of a `$tag$…$tag$` string opening at i, or -1 when there is none. */
function dollarQuotedEnd(sql: string, i: number): number {
  const open = /^\$\w*\$/.exec(sql.slice(i));
  if (!open) return -1;
  const close = sql.indexOf(open[0], i + open[0].length);
  return close < 0 ? -1 : close + open[0].length;
}

/** `--` and `/* *\/` comments blanked to spaces of the same length, quoted regions untouched. */
export function stripSqlComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let end = -1;
    if (c === "'" || c === '"' || c === '`') end = quotedEnd(sql, i);
    else if (c === '$') end = dollarQuotedEnd(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.slice(i).search(/[\r\n]/);
      end = nl < 0 ? sql.length : i + nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close < 0 ? sql.length : close + 2; // unterminated: blank to the end, a macro cannot escape it
    }
    if (end > i) {
      out += ' '.repeat(end - i);
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The `)` closing the `(` at `open`, skipping quoted text; -1 when unbalanced. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; ) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(sql, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** Arguments split on top-level commas, trimmed; none for a blank list. */
function splitMacroArgs(raw: string): string[] {
  if (raw.trim() === '') return [];
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; ) {
    const c = raw[i];
    if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(raw, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(raw.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  args.push(raw.slice(start).trim());
  return args;
}

/** grafana-clickhouse-datasource's backend macros (pkg/macros/macros.go), statement macros ($__columns …) aside. */
export function expandMacros(sql: string, ctx: QueryContext): string {
  let text = stripSqlComments(sql);
  for (const name of NAMES) {
    const token = `$__${name}`;
    const fn = MACROS[name];
    if (!fn) continue;
    let out = '';
    let rest = text;
    for (let at = rest.indexOf(token); at >= 0; at = rest.indexOf(token)) {
      const after = at + token.length;
      if (/\w/.test(rest[after] ?? '')) {
        out += rest.slice(0, after);
        rest = rest.slice(after);
        continue;
      }
      out += rest.slice(0, at);
      rest = rest.slice(after);
      let raw = '';
      if (rest[0] === '(') {
        const close = closingParen(rest, 0);
        if (close > 0) {
          raw = rest.slice(1, close);
          rest = rest.slice(close + 1);
        }
      }
      out += fn(splitMacroArgs(raw), ctx);
    }
    text = out + rest;
  }
  return text;
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

