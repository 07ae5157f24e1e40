import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createEvent } from '@sonde/events/create-event';
import type { DeviceRef, SondeEvent } from '@sonde/events/sonde-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import { chdbTestConfig } from './chdb-test-config';
import { sampleEvents } from './sample-events';

// Proves the SQL of deploy/grafana/dashboards/*.json: every panel and template-variable query is
// expanded the way Grafana and grafana-clickhouse-datasource expand it (template variables in the
// browser, then the plugin's macros in its backend), run on the store's own schema (migrate())
// on chDB — the ClickHouse 26.x engine (design.md §7) — over events of every kind, and must
// return rows. The macro semantics follow the plugin's pkg/macros (v4).

const GRAFANA_DIR = path.resolve(__dirname, '../../../deploy/grafana');
const DASHBOARD_DIR = path.join(GRAFANA_DIR, 'dashboards');
const DATASOURCE_FILE = path.join(GRAFANA_DIR, 'provisioning/datasources/sonde-clickhouse.yaml');
const DB = `grafana_it_${process.pid}`;

// ------------------------------------------------------------------ Grafana's expansion, for the test

interface QueryContext {
  /** The dashboard time range, epoch ms. */
  from: number;
  to: number;
  /** Grafana's interval for the panel, seconds. */
  intervalS: number;
  /** Current value(s) of each template variable. */
  variables: ReadonlyMap<string, readonly string[]>;
}

/** `${name}`, `${name:format}`, `[[name]]` or `$name` — but not `$__macro`. */
const VARIABLE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(?!__)(\w+)/g;
/** `$__name` with an optional `(args)`; \w takes `_ms` / `_s` suffixes into the name. */
const MACRO = /\$__(\w+)(?:\(([^()]*)\))?/g;

/** Grafana's template interpolation (public/app/features/templating: formatters `raw`, `singlequote`, `sqlstring`). */
function interpolateVariables(sql: string, variables: QueryContext['variables']): string {
  return sql.replace(VARIABLE, (token, braced?: string, format?: string, bracketed?: string, bare?: string) => {
    const name = braced ?? bracketed ?? bare ?? '';
    const values = variables.get(name);
    if (!values) throw new Error(`unknown template variable ${token}`);
    if (values.length === 0) throw new Error(`template variable ${token} has no value`);
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

const dateTime = (ms: number): string => `toDateTime(${Math.floor(ms / 1000)})`;
const dateTime64 = (ms: number): string => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;

/** grafana-clickhouse-datasource's backend macros (pkg/macros/macros.go). */
function expandMacros(sql: string, ctx: QueryContext): string {
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

function expandGrafanaSql(sql: string, ctx: QueryContext): string {
  return expandMacros(interpolateVariables(sql, ctx.variables), ctx);
}

// ------------------------------------------------------------------ dashboard JSON

interface DashboardTarget {
  refId: string;
  rawSql?: string;
  editorType?: string;
  queryType?: string;
  format?: number;
  datasource?: { type?: string; uid?: string };
}
interface DashboardPanel {
  id: number;
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}
interface DashboardVariable {
  name: string;
  type: string;
  query: string | { rawSql?: string };
  multi?: boolean;
  includeAll?: boolean;
  current?: { value?: string | string[] };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return fs
    .readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
}

function allPanels(panels: readonly DashboardPanel[]): DashboardPanel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function variableSql(v: DashboardVariable): string {
  return typeof v.query === 'string' ? v.query : (v.query.rawSql ?? '');
}

// ------------------------------------------------------------------ sample data

const origin = { site: 'lab', collector: 'test-1' };
const router: DeviceRef = { id: 'router-1', name: 'Router 1', address: '127.0.0.2' };
const sw: DeviceRef = { id: 'switch-2', name: "Switch 2 (o'clock)", address: '127.0.0.3' };
const silentDevice: DeviceRef = { id: 'switch-9', address: '127.0.0.9' };

function interfaceSamples(ifIndex: number, ifName: string, inBytesPerS: number): MetricSample[] {
  const labels = { ifIndex: String(ifIndex), ifName, ifAlias: `uplink ${ifName}`, ifDescr: ifName };
  const s = (name: string, value: number, type: MetricSample['type'], unit = ''): MetricSample => ({ name, labels, value, unit, type });
  return [
    s('ifAdminStatus', 1, 'status'),
    s('ifOperStatus', ifIndex === 1 ? 1 : 2, 'status'),
    s('ifHighSpeed', 1000, 'gauge', 'Mbit/s'),
    s('ifHCInOctets', 1_000_000 + inBytesPerS, 'counter', 'By'),
    s('ifHCInOctets_rate', inBytesPerS, 'rate', 'By/s'),
    s('ifHCOutOctets_rate', inBytesPerS / 2, 'rate', 'By/s'),
    s('ifInErrors_rate', 0.5, 'rate', '{packet}/s'),
    s('ifOutErrors_rate', 0, 'rate', '{packet}/s'),
    s('ifInDiscards_rate', 0.25, 'rate', '{packet}/s'),
    s('ifOutDiscards_rate', 0, 'rate', '{packet}/s'),
  ];
}

/** Events of every kind within the last hour before `now`, plus one device silent for 30 minutes. */
function dashboardEvents(now: number): SondeEvent[] {
  const events: SondeEvent[] = [...sampleEvents(now - 5 * 60_000)];
  for (const [i, t] of [now - 4 * 60_000, now - 3 * 60_000, now - 2 * 60_000].entries()) {
    events.push(
      createEvent('snmp.metric', origin, router, { group: 'interfaces', samples: [...interfaceSamples(1, 'eth0', 1000 * (i + 1)), ...interfaceSamples(2, 'eth1', 10)] }, t),
      createEvent('icmp.probe', origin, sw, {
        target: sw.address, family: 4, sent: 5, received: i === 1 ? 0 : 5, lossPct: i === 1 ? 100 : 0,
        ...(i === 1 ? { rttMinMs: null, rttAvgMs: null, rttMaxMs: null, rttStddevMs: null } : { rttMinMs: 0.2, rttAvgMs: 0.4, rttMaxMs: 0.9, rttStddevMs: 0.1 }),
        errors: i === 1 ? { timeout: 5 } : {}, reachability: i === 1 ? 'down' : 'up',
        ...(i === 0 ? {} : { transition: i === 1 ? { from: 'up', to: 'down' } : { from: 'down', to: 'up' } }),
      }, t, t + 3),
      createEvent('syslog.message', origin, sw, {
        facility: 4, severity: i, format: 'rfc3164', message: `login failure ${i} for user 'admin'`, structuredData: {}, fields: {},
        hostname: 'switch-2', appName: 'sshd', timeSource: 'message', transport: 'tcp', source: { address: sw.address, port: 514 }, truncated: false,
      }, t, t + 2),
      createEvent('snmp.trap', origin, sw, {
        version: 'v3', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.4', trapName: 'IF-MIB::linkUp', uptime: 5000 + i,
        source: { address: sw.address, port: 162 }, security: { user: 'monitor', engineId: '80001f8880e9630000d61ff449', level: 'authPriv' },
        varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.2', name: 'IF-MIB::ifIndex.2', type: 'Integer', value: '2', display: '2' }],
      }, t, t + 1),
    );
  }
  events.push(
    createEvent('icmp.probe', origin, silentDevice, {
      target: silentDevice.address, family: 4, sent: 3, received: 3, lossPct: 0, rttMinMs: 1, rttAvgMs: 1, rttMaxMs: 1, rttStddevMs: 0,
      errors: {}, reachability: 'up',
    }, now - 30 * 60_000),
  );
  return events;
}

// ------------------------------------------------------------------ the test

let store: ClickHouseEventStore;
const now = Date.now();
const range = { from: now - 6 * 3_600_000, to: now + 60_000, intervalS: 60 };
const dashboards = loadDashboards();

beforeAll(async () => {
  store = createEventStore(chdbTestConfig(DB));
  await store.migrate();
  await store.insert(dashboardEvents(now));
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${DB}`);
  await store.close();
});

/** Resolves a dashboard's variables in order, as Grafana does: each query variable from its own SQL. */
async function resolveVariables(dashboard: Dashboard): Promise<Map<string, string[]>> {
  const variables = new Map<string, string[]>();
  for (const v of dashboard.templating.list) {
    if (v.type === 'constant' && v.name === 'database') variables.set(v.name, [DB]);
    else if (v.type === 'constant' || v.type === 'custom') {
      const current = v.current?.value ?? variableSql(v);
      variables.set(v.name, Array.isArray(current) ? current : [current]);
    } else if (v.type === 'query') {
      const sql = expandGrafanaSql(variableSql(v), { ...range, variables });
      const rows = await store.query<Record<string, unknown>>(sql);
      const values = rows.map((r) => String(Object.values(r)[0]));
      if (values.length === 0) throw new Error(`${dashboard.title}: variable ${v.name} returned no values:\n${sql}`);
      // "All" of a multi-value variable selects every value; a single-value one takes the first
      variables.set(v.name, v.multi || v.includeAll ? values : values.slice(0, 1));
    } else throw new Error(`${dashboard.title}: variable ${v.name} of type ${v.type} is not handled by this test`);
  }
  return variables;
}

describe('Grafana dashboards (deploy/grafana)', () => {
  it('has the four dashboards, each on the provisioned ClickHouse data source', () => {
    const provisioning = parseYaml(fs.readFileSync(DATASOURCE_FILE, 'utf8')) as { datasources: { uid: string; type: string }[] };
    const [datasource] = provisioning.datasources;
    expect(datasource?.type).toBe('grafana-clickhouse-datasource');
    expect(dashboards.map((d) => d.dashboard.title).sort()).toEqual(['Devices — interfaces', 'Reachability', 'Sonde — Overview', 'Syslog & traps']);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    for (const { file, dashboard } of dashboards) {
      for (const panel of allPanels(dashboard.panels)) {
        for (const t of panel.targets ?? []) {
          expect({ file, panel: panel.title, uid: t.datasource?.uid, type: t.datasource?.type, editorType: t.editorType })
            .toEqual({ file, panel: panel.title, uid: datasource?.uid, type: datasource?.type, editorType: 'sql' });
          expect(t.rawSql?.trim()).toBeTruthy();
        }
      }
    }
  });

  it('expands macros and variables the way Grafana and the plugin do', () => {
    const variables = new Map([['database', ['sonde']], ['device', ['a', "b'c"]]]);
    const ctx = { from: 1_700_000_000_123, to: 1_700_003_600_999, intervalS: 30, variables };
    expect(expandGrafanaSql('SELECT $__timeInterval(ts) AS t FROM ${database}.x WHERE $__timeFilter(ts) AND d IN (${device:singlequote})', ctx))
      .toBe("SELECT toStartOfInterval(toDateTime(ts), INTERVAL 30 second) AS t FROM sonde.x WHERE ts >= toDateTime(1700000000) AND ts <= toDateTime(1700003600) AND d IN ('a','b\\'c')");
    expect(expandGrafanaSql('$__fromTime $__toTime $__interval_s $__timeFilter_ms(ts)', ctx))
      .toBe('toDateTime(1700000000) toDateTime(1700003600) 30 ts >= fromUnixTimestamp64Milli(1700000000123) AND ts <= fromUnixTimestamp64Milli(1700003600999)');
    expect(() => expandGrafanaSql('SELECT $nope', ctx)).toThrow('unknown template variable $nope');
    expect(() => expandGrafanaSql('SELECT $__timeFilterz(ts)', ctx)).toThrow('$__timeFilterz');
    expect(() => expandGrafanaSql('d IN (${device})', ctx)).toThrow('needs a format');
  });

  describe.each(dashboards.map((d) => [d.dashboard.title, d.dashboard] as const))('%s', (_title, dashboard) => {
    const queries = allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((t) => [`${panel.title} (${t.refId})`, t.rawSql ?? ''] as const));

    it('has panel queries', () => {
      expect(queries.length).toBeGreaterThan(0);
    });

    it.each(queries)('%s: runs on the store schema and returns rows', async (name, rawSql) => {
      const variables = await resolveVariables(dashboard);
      const sql = expandGrafanaSql(rawSql, { ...range, variables });
      expect(sql).not.toMatch(/\$/);
      let rows: Record<string, unknown>[];
      try {
        rows = await store.query<Record<string, unknown>>(sql);
      } catch (err) {
        throw new Error(`${dashboard.title} / ${name} failed: ${(err as Error).message}\n--- expanded SQL ---\n${sql}`);
      }
      expect({ panel: name, rows: rows.length > 0 }).toEqual({ panel: name, rows: true });
    });
  });

  describe('values a user would read', () => {
    // The fixtures' cycles are 60 s apart: with a 60 s interval each falls in its own bucket.
    const query = async (title: string, panelTitle: string): Promise<Record<string, unknown>[]> => {
      const dashboard = dashboards.find((d) => d.dashboard.title === title)?.dashboard;
      const panel = dashboard && allPanels(dashboard.panels).find((p) => p.title === panelTitle);
      const rawSql = panel?.targets?.[0]?.rawSql;
      if (!dashboard || !rawSql) throw new Error(`no panel "${panelTitle}" in "${title}"`);
      return store.query(expandGrafanaSql(rawSql, { ...range, variables: await resolveVariables(dashboard) }));
    };
    const valuesOf = (rows: Record<string, unknown>[], key: string, value: string, where: unknown): number[] =>
      rows.filter((r) => r[key] === where).map((r) => Number(r[value])).sort((a, b) => a - b);

    it('Overview: events of every kind are counted, metric events once per event', async () => {
      const rows = await query('Sonde — Overview', 'Events/s by kind');
      const perKind: Record<string, number> = {};
      for (const r of rows) perKind[String(r.kind)] = (perKind[String(r.kind)] ?? 0) + Math.round(Number(r.events_per_s) * range.intervalS);
      expect(perKind).toEqual({ 'icmp.probe': 5, 'snmp.metric': 4, 'snmp.trap': 4, 'syslog.message': 4, 'rmon.sample': 1, 'alert.state': 1 });
      const [devices] = await query('Sonde — Overview', 'Devices reporting');
      expect(Number(devices?.devices)).toBe(3);
      const silent = await query('Sonde — Overview', 'Silent devices (heard in the last 24 h, nothing for 10 min)');
      expect(silent.map((r) => r.device_id)).toEqual(['switch-9']);
      const firing = await query('Sonde — Overview', 'Firing alerts');
      expect(firing.map((r) => [r.rule_name, r.device_id, r.last_state])).toEqual([['Device down', 'router-1', 'firing']]);
    });

    it('Interfaces: octet rates become bit/s per interface and direction, raw and from the 1 min rollup', async () => {
      const raw = await query('Devices — interfaces', 'Traffic (bit/s) — raw samples');
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth0 out')).toEqual([4000, 8000, 12000]);
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth1 in')).toEqual([80, 80, 80]);
      const rollup = await query('Devices — interfaces', 'Traffic (bit/s) — 1 min rollup: average and peak');
      expect(valuesOf(rollup, 'series', 'avg_bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      expect(valuesOf(rollup, 'series', 'peak_bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      const status = await query('Devices — interfaces', 'Interface status');
      expect(status.map((r) => [r.interface, r.admin_status, r.oper_status, Number(r.speed_mbit_s)])).toEqual([['eth0', 'up', 'up', 1000], ['eth1', 'up', 'down', 1000]]);
      const errors = await query('Devices — interfaces', 'Errors and discards (packets/s)');
      expect(valuesOf(errors, 'series', 'packets_per_s', 'eth0 ifInErrors')).toEqual([0.5, 0.5, 0.5]);
    });

    it('Reachability: loss is lost over sent, transitions are listed newest first', async () => {
      const loss = await query('Reachability', 'Packet loss (%)');
      expect(valuesOf(loss, 'device_id', 'loss_pct', 'switch-2')).toEqual([0, 0, 100]);
      const transitions = await query('Reachability', 'Reachability transitions');
      expect(transitions.map((r) => [r.device_id, r.from_state, r.to_state])).toEqual([
        ['switch-2', 'down', 'up'], ['switch-2', 'up', 'down'], ['router-1', 'down', 'up'],
      ]);
      const current = await query('Reachability', 'Current reachability');
      expect(current.map((r) => [r.device_id, r.state])).toEqual([['router-1', 'up'], ['switch-2', 'up'], ['switch-9', 'up']]);
    });

    it('Syslog & traps: severities and facilities by RFC 5424 name, traps by translated name', async () => {
      const byFacility = await query('Syslog & traps', 'Messages by facility and severity');
      expect(byFacility.map((r) => `${r.facility_name}.${r.severity_name}`).sort()).toEqual(['auth.alert', 'auth.crit', 'auth.emerg', 'local7.notice']);
      const traps = await query('Syslog & traps', 'Traps by name');
      expect(traps.map((r) => [r.trap, Number(r.traps)])).toEqual([['IF-MIB::linkUp', 3], ['IF-MIB::linkDown', 1]]);
      const latest = await query('Syslog & traps', 'Latest traps');
      expect(latest[0]?.varbind_list).toBe('IF-MIB::ifIndex.2 = 2');
    });
  });
});
