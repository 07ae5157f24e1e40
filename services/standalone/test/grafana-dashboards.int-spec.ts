import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '@sonde/store/clickhouse/clickhouse-event-store';
import { REPO_ROOT } from '@sonde/testing/real-services';
import { buildClickhouseGoProbe, runClickhouseGo } from './clickhouse-go-probe';
import { CHDB_PATH, startClickHouseHttp, type RunningInterface } from './chdb/clickhouse-http-harness';
import { dashboardEvents } from './dashboard-events';
import {
  allPanels, customAllValue, DASHBOARD_DIR, expandGrafanaSql, GRAFANA_DIR, loadDashboards, primaryKeyUse, queryPanels, usesClickHouse, VARIABLE, variableSql,
  type Dashboard,
} from './grafana-expansion';

// Proves deploy/grafana/dashboards/*.json (issue 12 §4): every panel and template-variable query
// of the ClickHouse dashboards is expanded the way Grafana (template variables, in the browser)
// and grafana-clickhouse-datasource (macros, pkg/macros/macros.go, in its backend) expand it,
// and runs THROUGH clickhouse-go/v2 over HTTP — the plugin's own driver, with its options —
// against `sonde up`'s ClickHouse HTTP interface on the store's own schema (chDB, the
// ClickHouse 26.x engine), over crafted events of every kind. Any error fails; an empty result
// fails. A handful of panels are checked for the values a user would read. The JSON is checked
// against Grafana's dashboard types (@grafana/schema) and for ids, data sources and variables.

const DATASOURCE_FILE = path.join(GRAFANA_DIR, 'provisioning/datasources/sonde-clickhouse.yaml');
const DB = `grafana_it_${process.pid}`;

let store: ClickHouseEventStore;
let server: RunningInterface;
let probe: string;
const now = Date.now();
const range = { from: now - 6 * 3_600_000, to: now + 60_000, intervalS: 60 };
const dashboards = loadDashboards();
const events = dashboardEvents(now);
const clickhouseDashboards = dashboards.filter((d) => usesClickHouse(d.dashboard));

beforeAll(async () => {
  probe = await buildClickhouseGoProbe();
  store = createEventStore({ type: 'chdb', database: DB, chdb: { path: CHDB_PATH }, retry: { retries: 0 } });
  await store.migrate();
  await store.insert(events);
  server = await startClickHouseHttp({ database: DB });
}, 900_000);

afterAll(async () => {
  await server?.close();
  await store?.command(`DROP DATABASE IF EXISTS ${DB}`);
  await store?.close();
});

/** One query through clickhouse-go over HTTP, as the plugin runs it; rows keyed by column name. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const out = await runClickhouseGo(probe, { addr: server.addr, database: DB }, [{ id: 'q', sql }]);
  const [r] = out.results;
  if (out.ping !== 'ok') throw new Error(`clickhouse-go could not ping the interface: ${out.ping}`);
  if (!r || r.error) throw new Error(r?.error ?? 'no result');
  return r.rows.map((row) => Object.fromEntries((r.columns ?? []).map((c, i) => [c.name, row[i]])));
}

/** Resolves a dashboard's variables in order, as Grafana does: each query variable from its own SQL. */
async function resolveVariables(dashboard: Dashboard, chosen: ReadonlyMap<string, string[]> = new Map()): Promise<Map<string, readonly string[]>> {
  const variables = new Map<string, readonly string[]>();
  for (const v of dashboard.templating.list) {
    const pick = chosen.get(v.name);
    if (pick) variables.set(v.name, pick); // a value the user picked or typed
    else if (v.type === 'constant' && v.name === 'database') variables.set(v.name, [DB]);
    else if (v.type === 'constant' || v.type === 'custom' || v.type === 'textbox') {
      const current = v.current?.value ?? variableSql(v);
      variables.set(v.name, Array.isArray(current) ? current : [current]);
    } else if (v.type === 'query') {
      const sql = expandGrafanaSql(variableSql(v), { ...range, variables });
      const rows = await query(sql);
      const values = rows.map((r) => String(Object.values(r)[0]));
      // "All" with a custom all value is that value, whatever the query lists (Grafana's default for includeAll)
      if (v.includeAll && v.allValue !== undefined) {
        variables.set(v.name, customAllValue(v.allValue));
        continue;
      }
      if (values.length === 0) throw new Error(`${dashboard.title}: variable ${v.name} returned no values:\n${sql}`);
      // "All" of a multi-value variable selects every value; a single-value one takes the first
      variables.set(v.name, v.multi || v.includeAll ? values : values.slice(0, 1));
    } else throw new Error(`${dashboard.title}: variable ${v.name} of type ${v.type} is not handled by this test`);
  }
  return variables;
}

const pick = (v?: { type: string; multi?: boolean; includeAll?: boolean }): Record<string, unknown> => ({ type: v?.type, multi: v?.multi, includeAll: v?.includeAll });

describe('Grafana dashboards (deploy/grafana)', () => {
  it('puts every panel of a ClickHouse dashboard on the provisioned ClickHouse data source, with SQL', () => {
    const provisioning = parseYaml(fs.readFileSync(DATASOURCE_FILE, 'utf8')) as { datasources: { uid: string; type: string }[] };
    const [datasource] = provisioning.datasources;
    expect(datasource?.type).toBe('grafana-clickhouse-datasource');
    expect(clickhouseDashboards.length).toBeGreaterThanOrEqual(4);
    for (const { file, dashboard } of clickhouseDashboards) {
      for (const panel of queryPanels(dashboard)) {
        for (const t of panel.targets ?? []) {
          expect({ file, panel: panel.title, uid: t.datasource?.uid, type: t.datasource?.type, editorType: t.editorType })
            .toEqual({ file, panel: panel.title, uid: datasource?.uid, type: datasource?.type, editorType: 'sql' });
          expect(t.rawSql?.trim()).toBeTruthy();
        }
      }
    }
  });

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))('%s: unique uid and panel ids, no panel without a query, every variable defined', (file, dashboard) => {
    expect(dashboards.filter((d) => d.dashboard.uid === dashboard.uid).map((d) => d.file)).toEqual([file]);
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const p of queryPanels(dashboard)) expect({ panel: p.title, queries: (p.targets ?? []).length > 0 }).toEqual({ panel: p.title, queries: true });
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const texts = [
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.rawSql ?? (t as { expr?: string }).expr ?? '')),
      ...dashboard.templating.list.map(variableSql),
    ];
    for (const text of texts) {
      for (const m of text.matchAll(VARIABLE)) {
        const name = m[1] ?? m[3] ?? m[4] ?? '';
        expect({ file, variable: name, defined: defined.has(name) }).toEqual({ file, variable: name, defined: true });
      }
    }
  });

  // JSON cannot hold a TypeScript enum member: enum-typed fields (MappingType, …) take their string values.
  const LOOSE_ENUMS = [
    "import type { Dashboard } from '@grafana/schema';",
    'type Loose<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;',
  ].join('\n');

  it("type-checks against Grafana's dashboard schema (@grafana/schema Dashboard)", () => {
    // Each dashboard becomes `const d: Dashboard = <its JSON>`: TypeScript checks every field's
    // type and rejects unknown keys of the object literal (excess property checks).
    const files = new Map<string, string>();
    for (const { file } of dashboards) {
      const json = fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8');
      files.set(path.join(REPO_ROOT, `dashboard-check-${file}.ts`), `${LOOSE_ENUMS}\nexport const d: Loose<Dashboard> = ${json};\n`);
    }
    const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, types: [] };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (f) => files.get(f) ?? read(f);
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => files.has(f) || exists(f);
    const getSource = host.getSourceFile.bind(host);
    host.getSourceFile = (f, lang) => (files.has(f) ? ts.createSourceFile(f, files.get(f) ?? '', lang) : getSource(f, lang));
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${path.basename(d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });

  it('expands macros and variables the way Grafana and the plugin do', () => {
    const variables = new Map([['database', ['sonde']], ['device', ['a', "b'c"]]]);
    const ctx = { from: 1_700_000_000_123, to: 1_700_003_600_999, intervalS: 30, variables };
    expect(expandGrafanaSql('SELECT $__timeInterval(ts) AS t FROM ${database}.x WHERE $__timeFilter(ts) AND d IN (${device:singlequote})', ctx))
      .toBe("SELECT toStartOfInterval(toDateTime(ts), INTERVAL 30 second) AS t FROM sonde.x WHERE ts >= toDateTime(1700000000) AND ts <= toDateTime(1700003600) AND d IN ('a','b\\'c')");
    expect(expandGrafanaSql('$__fromTime $__toTime $__interval_s $__timeFilter_ms(ts)', ctx))
      .toBe('toDateTime(1700000000) toDateTime(1700003600) 30 ts >= fromUnixTimestamp64Milli(1700000000123) AND ts <= fromUnixTimestamp64Milli(1700003600999)');
    expect(() => expandGrafanaSql('SELECT $nope', ctx)).toThrow('unknown template variable $nope');
    // a name the plugin does not know stays as written (ClickHouse then refuses it)
    expect(expandGrafanaSql('SELECT $__timeFilterz(ts)', ctx)).toBe('SELECT $__timeFilterz(ts)');
    expect(() => expandGrafanaSql('d IN (${device})', ctx)).toThrow('needs a format');
    // the Syslog & traps search box: a typed quote is doubled (sqlstring), an empty box stays a string
    expect(expandGrafanaSql('position(m, ${search:sqlstring})', { ...ctx, variables: new Map([['search', ["it's"]]]) })).toBe("position(m, 'it''s')");
    expect(expandGrafanaSql('position(m, ${search:sqlstring})', { ...ctx, variables: new Map([['search', ['']]]) })).toBe("position(m, '')");
  });

  describe.each(clickhouseDashboards.map((d) => [d.dashboard.title, d.dashboard] as const))('%s', (_title, dashboard) => {
    const queries = queryPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((t) => [`${panel.title} (${t.refId})`, t.rawSql ?? ''] as const));

    it('has panel queries', () => {
      expect(queries.length).toBeGreaterThan(0);
    });

    // A panel for one device must not scan the table: every MergeTree read uses the primary key on device_id.
    const singleDevice = queries.filter(([, sql]) => /device_id\s*(=|IN)\s*\(?\$\{?device\b/.test(sql));
    if (singleDevice.length > 0) {
      it.each(singleDevice)('%s: EXPLAIN indexes = 1 reads by device_id, no full scan', async (name, rawSql) => {
        const variables = await resolveVariables(dashboard);
        const plan = (await query(`EXPLAIN indexes = 1 ${expandGrafanaSql(rawSql, { ...range, variables })}`)).map((r) => String(Object.values(r)[0]));
        const reads = primaryKeyUse(plan);
        expect(reads.length).toBeGreaterThan(0);
        for (const r of reads) {
          const byDevice = r.keys.includes('device_id');
          expect({ panel: name, table: r.table, byDevice, ...(byDevice ? {} : { plan }) }).toEqual({ panel: name, table: r.table, byDevice: true });
        }
      });
    }

    it.each(queries)('%s: runs on the store schema and returns rows', async (name, rawSql) => {
      const variables = await resolveVariables(dashboard);
      const sql = expandGrafanaSql(rawSql, { ...range, variables });
      expect(sql).not.toMatch(/\$/);
      let rows: Record<string, unknown>[];
      try {
        rows = await query(sql);
      } catch (err) {
        throw new Error(`${dashboard.title} / ${name} failed: ${(err as Error).message}\n--- expanded SQL ---\n${sql}`);
      }
      expect({ panel: name, rows: rows.length > 0 }).toEqual({ panel: name, rows: true });
    });
  });

  it('Collectors (Prometheus): every metric it graphs is one Sonde exports, on the provisioned Prometheus data source', () => {
    const prometheus = parseYaml(fs.readFileSync(path.join(GRAFANA_DIR, 'provisioning/datasources/sonde-prometheus.yaml'), 'utf8')) as { datasources: { uid: string; type: string }[] };
    const [ds] = prometheus.datasources;
    const board = dashboards.find((d) => d.dashboard.uid === 'sonde-collectors')?.dashboard;
    expect(board).toBeDefined();
    // every metrics file of the repo: literal names, and the collector vocabulary's prefixes (libs/collector)
    const read = (...patterns: string[]) => execFileSync('git', ['ls-files', ...patterns], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n').filter(Boolean).map((f) => fs.readFileSync(path.join(REPO_ROOT, f), 'utf8')).join('\n');
    const literal = read('*.metrics.ts', 'libs/collector/src/*.ts', 'libs/telemetry/src/*.ts');
    // the poll engine's counters are named `${p}<what>` with the service's prefix
    // ('sonde_snmp_poller_', 'sonde_rmon_collector_' in the services' *.metrics.ts)
    const prefixes = [...literal.matchAll(/'(sonde_[a-z_]+_)'/g)].map((m) => m[1] as string);
    const suffixes = [...read('libs/snmp/src/poll/*.ts').matchAll(/`\$\{p\}([a-z_]+)`/g)].map((m) => m[1] as string);
    const sources = [literal, ...prefixes.flatMap((pre) => suffixes.map((suf) => `'${pre}${suf}'`))].join('\n');
    for (const panel of queryPanels(board!)) {
      for (const t of panel.targets ?? []) {
        expect({ panel: panel.title, uid: t.datasource?.uid, type: t.datasource?.type }).toEqual({ panel: panel.title, uid: ds?.uid, type: ds?.type });
        const expr = (t as { expr?: string }).expr ?? '';
        expect(expr).toMatch(/sonde_/);
        for (const [name] of expr.replace(/\{__name__=~"[^"]*"/g, '{').matchAll(/\bsonde_[a-z_]+\b/g)) {
          expect({ panel: panel.title, metric: name, exported: sources.includes(`'${name}'`) }).toEqual({ panel: panel.title, metric: name, exported: true });
        }
      }
    }
  });

  it('Device: panels read raw rows, the 1 min or the 1 h rollup by the selected range, with the same loss', async () => {
    const board = clickhouseDashboards.find((d) => d.dashboard.uid === 'sonde-device')?.dashboard;
    const panel = board && allPanels(board.panels).find((p) => p.title === 'ICMP packet loss (%)');
    const rawSql = panel?.targets?.[0]?.rawSql ?? '';
    expect(rawSql).toContain('icmp_probe_1h');
    const probes = events.filter((e) => e.kind === 'icmp.probe' && e.device.id === 'router-1');
    const sent = probes.reduce((n, e) => n + (e.kind === 'icmp.probe' ? e.payload.sent : 0), 0);
    const received = probes.reduce((n, e) => n + (e.kind === 'icmp.probe' ? e.payload.received : 0), 0);
    const variables = await resolveVariables(board!);
    expect(variables.get('device')).toEqual(['router-1']);
    for (const [span, intervalS] of [[3_600_000, 7200], [3 * 86_400_000, 172_800], [30 * 86_400_000, 2_592_000]] as const) {
      const rows = await query(expandGrafanaSql(rawSql, { from: now - span, to: now + 60_000, intervalS, variables }));
      expect({ span, loss: rows.map((r) => Number(r.loss_pct).toFixed(6)) }).toEqual({ span, loss: [(100 * (1 - received / sent)).toFixed(6)] });
    }
  });

  it('Device: the tag variable narrows the device list, "All" keeps untagged devices, and every panel runs with a picked tag', async () => {
    const board = clickhouseDashboards.find((d) => d.dashboard.uid === 'sonde-device')?.dashboard;
    const tagVar = board?.templating.list.find((v) => v.name === 'tag');
    const deviceVar = board?.templating.list.find((v) => v.name === 'device');
    expect({ ...pick(tagVar), custom: tagVar?.allValue !== undefined }).toEqual({ type: 'query', multi: true, includeAll: true, custom: true });
    const devicesWith = async (chosen: ReadonlyMap<string, string[]>): Promise<string[]> => {
      // the variables before `device`; the interface list of a device without interfaces would be empty
      const variables = await resolveVariables(board!, new Map([...chosen, ['interface', ['-']]]));
      return (await query(expandGrafanaSql(variableSql(deviceVar!), { ...range, variables }))).map((r) => String(r.device_id));
    };
    const stored = (await query(`SELECT DISTINCT device_id FROM ${DB}.devices_latest ORDER BY device_id`)).map((r) => String(r.device_id));
    const tagsOf = new Map(events.map((e) => [e.device.id, e.device.tags ?? []]));
    expect(stored.filter((d) => (tagsOf.get(d) ?? []).length === 0).length).toBeGreaterThan(0); // an untagged device is there to keep
    // the tag list is the stored devices' tags
    const tags = (await query(expandGrafanaSql(variableSql(tagVar!), { ...range, variables: await resolveVariables(board!) }))).map((r) => String(r.tag));
    expect(tags).toEqual([...new Set(stored.flatMap((d) => tagsOf.get(d) ?? []))].sort());
    // All: every device, tagged or not
    expect(await devicesWith(new Map())).toEqual(stored);
    // picked tags: the devices carrying any of them
    for (const picked of [['core'], ['access'], ['par1'], ['core', 'access']]) {
      const expected = stored.filter((d) => (tagsOf.get(d) ?? []).some((t) => picked.includes(t)));
      expect({ picked, devices: await devicesWith(new Map([['tag', picked]])) }).toEqual({ picked, devices: expected });
    }
    // with a tag picked the device follows it, and every panel of the board runs through clickhouse-go
    const chosen = new Map([['tag', ['core']]]);
    const variables = await resolveVariables(board!, chosen);
    expect(variables.get('device')).toEqual(['router-1']);
    for (const panel of queryPanels(board!)) {
      for (const t of panel.targets ?? []) await query(expandGrafanaSql(t.rawSql ?? '', { ...range, variables }));
    }
    const [device] = await query(expandGrafanaSql(allPanels(board!.panels).find((p) => p.title === 'Device')?.targets?.[0]?.rawSql ?? '', { ...range, variables }));
    expect(device?.tags).toBe('core, par1');
  });

  describe('values a user would read', () => {
    // The fixtures' cycles are 60 s apart: with a 60 s interval each falls in its own bucket.
    const panelQuery = async (title: string, panelTitle: string, chosen?: ReadonlyMap<string, string[]>): Promise<Record<string, unknown>[]> => {
      const dashboard = dashboards.find((d) => d.dashboard.title === title)?.dashboard;
      const panel = dashboard && allPanels(dashboard.panels).find((p) => p.title === panelTitle);
      const rawSql = panel?.targets?.[0]?.rawSql;
      if (!dashboard || !rawSql) throw new Error(`no panel "${panelTitle}" in "${title}"`);
      return query(expandGrafanaSql(rawSql, { ...range, variables: await resolveVariables(dashboard, chosen) }));
    };
    const valuesOf = (rows: Record<string, unknown>[], key: string, value: string, where: unknown): number[] =>
      rows.filter((r) => r[key] === where).map((r) => Number(r[value])).sort((a, b) => a - b);

    it('Overview: events of every kind are counted, metric events once per event', async () => {
      const rows = await panelQuery('Sonde — Overview', 'Events/s by kind');
      const perKind: Record<string, number> = {};
      for (const r of rows) perKind[String(r.kind)] = (perKind[String(r.kind)] ?? 0) + Math.round(Number(r.events_per_s) * range.intervalS);
      const published: Record<string, number> = {};
      for (const e of events) if (e.ts >= range.from && e.ts <= range.to) published[e.kind] = (published[e.kind] ?? 0) + 1;
      expect(perKind).toEqual(published);
      const [devices] = await panelQuery('Sonde — Overview', 'Devices reporting');
      expect(Number(devices?.devices)).toBe(3);
      const silent = await panelQuery('Sonde — Overview', 'Silent devices (heard in the last 24 h, nothing for 10 min)');
      expect(silent.map((r) => r.device_id)).toEqual(['switch-9']);
      const firing = await panelQuery('Sonde — Overview', 'Firing alerts');
      expect(firing.map((r) => [r.rule_name, r.device_id, r.last_state])).toEqual([['Device down', 'router-1', 'firing']]);
    });

    it('Overview: top talkers are the mean octet rate × 8 of the samples, in and out', async () => {
      const rates = events.flatMap((e) => (e.kind === 'snmp.metric' && e.device.id === 'router-1' ? e.payload.samples : []))
        .filter((m) => m.labels.ifName === 'eth0' && (m.name === 'ifHCInOctets_rate' || m.name === 'ifHCOutOctets_rate'))
        .map((m) => m.value);
      const rows = await panelQuery('Sonde — Overview', 'Top talkers (bit/s, all devices)');
      const eth0 = rows.find((r) => r.device_id === 'router-1' && r.interface === 'eth0');
      expect(Number(eth0?.avg_bits_per_s)).toBeCloseTo((8 * rates.reduce((a, b) => a + b, 0)) / rates.length, 9);
      expect(Number(eth0?.peak_bits_per_s)).toBe(8 * Math.max(...rates));
    });

    it('Interfaces: octet rates become bit/s per interface and direction, raw and from the 1 min rollup', async () => {
      const raw = await panelQuery('Devices — interfaces', 'Traffic (bit/s) — raw samples');
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth0 out')).toEqual([4000, 8000, 12000]);
      expect(valuesOf(raw, 'series', 'bits_per_s', 'eth1 in')).toEqual([80, 80, 80]);
      const rollup = await panelQuery('Devices — interfaces', 'Traffic (bit/s) — 1 min rollup: average and peak');
      expect(valuesOf(rollup, 'series', 'avg_bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      expect(valuesOf(rollup, 'series', 'peak_bits_per_s', 'eth0 in')).toEqual([8000, 16000, 24000]);
      const status = await panelQuery('Devices — interfaces', 'Interface status');
      expect(status.map((r) => [r.interface, r.admin_status, r.oper_status, Number(r.speed_mbit_s)])).toEqual([['eth0', 'up', 'up', 1000], ['eth1', 'up', 'down', 1000]]);
      const errors = await panelQuery('Devices — interfaces', 'Errors and discards (packets/s)');
      expect(valuesOf(errors, 'series', 'packets_per_s', 'eth0 ifInErrors')).toEqual([0.5, 0.5, 0.5]);
    });

    it('Reachability: loss is lost over sent, transitions are listed newest first', async () => {
      const loss = await panelQuery('Reachability', 'Packet loss (%)');
      expect(valuesOf(loss, 'device_id', 'loss_pct', 'switch-2')).toEqual([0, 0, 100]);
      const transitions = await panelQuery('Reachability', 'Reachability transitions');
      expect(transitions.map((r) => [r.device_id, r.from_state, r.to_state])).toEqual([
        ['switch-2', 'down', 'up'], ['switch-2', 'up', 'down'], ['router-1', 'down', 'up'],
      ]);
      const current = await panelQuery('Reachability', 'Current reachability');
      expect(current.map((r) => [r.device_id, r.state])).toEqual([['router-1', 'up'], ['switch-2', 'up'], ['switch-9', 'up']]);
    });

    it('Syslog & traps: severities and facilities by RFC 5424 name, traps by translated name', async () => {
      const byFacility = await panelQuery('Syslog & traps', 'Messages by facility and severity');
      expect(byFacility.map((r) => `${r.facility_name}.${r.severity_name}`).sort()).toEqual(['auth.alert', 'auth.crit', 'auth.emerg', 'local7.notice']);
      const traps = await panelQuery('Syslog & traps', 'Traps by name');
      expect(traps.map((r) => [r.trap, Number(r.traps)])).toEqual([['IF-MIB::linkUp', 3], ['IF-MIB::linkDown', 1]]);
      const latest = await panelQuery('Syslog & traps', 'Latest traps');
      expect(latest[0]?.varbind_list).toBe('IF-MIB::ifIndex.2 = 2');
    });

    it('Syslog & traps: the facility, mnemonic, trap-name and search variables list the stored values and filter every panel', async () => {
      const board = dashboards.find((d) => d.dashboard.uid === 'sonde-syslog-traps')?.dashboard;
      for (const name of ['facility', 'mnemonic', 'trap']) {
        expect({ name, ...pick(board?.templating.list.find((v) => v.name === name)) }).toEqual({ name, type: 'query', multi: true, includeAll: true });
      }
      const all = await resolveVariables(board!);
      const syslog = events.flatMap((e) => (e.kind === 'syslog.message' ? [e.payload] : []));
      const trapsOf = events.flatMap((e) => (e.kind === 'snmp.trap' ? [e.payload.trapName ?? e.payload.trapOid] : []));
      expect(all.get('trap')).toEqual([...new Set(trapsOf)].sort());
      expect(all.get('mnemonic')).toEqual([...new Set(syslog.map((p) => p.fields.mnemonic ?? '(none)'))].sort());
      expect(all.get('facility')?.length).toBe(new Set(syslog.map((p) => p.facility)).size);
      expect(all.get('search')).toEqual(['']);

      // one trap name: only that trap's rows, in the tables and in the rate
      for (const trap of all.get('trap') ?? []) {
        const chosen = new Map([['trap', [trap]]]);
        const latest = await panelQuery('Syslog & traps', 'Latest traps', chosen);
        expect({ trap, rows: latest.length, others: latest.filter((r) => r.trap !== trap).length }).toEqual({ trap, rows: trapsOf.filter((t) => t === trap).length, others: 0 });
        const rate = await panelQuery('Syslog & traps', 'Traps/s by name', chosen);
        expect([...new Set(rate.map((r) => r.trap))]).toEqual([trap]);
      }
      // one mnemonic: only that mnemonic's messages
      const mnemonic = (all.get('mnemonic') ?? []).find((m) => m !== '(none)') ?? '';
      const withIt = await panelQuery('Syslog & traps', 'Latest syslog messages', new Map([['mnemonic', [mnemonic]]]));
      expect(withIt.map((r) => r.mnemonic)).toEqual(syslog.filter((p) => p.fields.mnemonic === mnemonic).map(() => mnemonic));
      expect(withIt.length).toBeGreaterThan(0);
      // one facility: the by-facility table holds that facility alone
      const facilities = await panelQuery('Syslog & traps', 'Messages by facility and severity', new Map([['facility', ['auth']]]));
      expect([...new Set(facilities.map((r) => r.facility_name))]).toEqual(['auth']);
      // free text, with a quote (the sqlstring format escapes it): messages, then varbinds
      const typed = "for user 'admin'";
      const found = await panelQuery('Syslog & traps', 'Latest syslog messages', new Map([['search', [typed.toUpperCase()]]]));
      expect(found.map((r) => String(r.message)).sort()).toEqual(syslog.filter((p) => p.message.includes(typed)).map((p) => p.message).sort());
      expect(found.length).toBeGreaterThan(0);
      const byVarbind = await panelQuery('Syslog & traps', 'Latest traps', new Map([['search', ['DOWN(2)']]]));
      const shown = (v: { oid: string; name?: string; value: string; display?: string }): string => [v.oid, v.name, v.value, v.display].join(' ').toLowerCase();
      expect(byVarbind.map((r) => r.trap)).toEqual(events.flatMap((e) => (e.kind === 'snmp.trap' && e.payload.varbinds.some((v) => shown(v).includes('down(2)')) ? [e.payload.trapName] : [])));
      expect(byVarbind.length).toBeGreaterThan(0);
      expect(await panelQuery('Syslog & traps', 'Latest syslog messages', new Map([['search', ['no message says this']]]))).toEqual([]);
    });
  });
});
