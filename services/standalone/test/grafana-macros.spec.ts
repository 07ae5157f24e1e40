import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expandMacros, parseGoDuration, stripSqlComments, type QueryContext } from './grafana-expansion';

// The Grafana ClickHouse plugin's own macro test vectors (pkg/macros/macros_test.go at the commit
// named in the file), run through this repo's TypeScript expansion: the dashboard specs expand
// panels with it, so it must agree with the plugin on every case the plugin tests.
interface MacroCase {
  name: string;
  from: number;
  to: number;
  intervalMs: number;
  input: string;
  expected?: string;
  error?: boolean;
  table?: string;
  column?: string;
}
const VECTORS = JSON.parse(fs.readFileSync(path.join(__dirname, 'data/grafana-macros/clickhouse-datasource-macros.json'), 'utf8')) as {
  source: { repository: string; file: string; commit: string };
  cases: MacroCase[];
};

const ctxOf = (c: MacroCase): QueryContext => ({
  from: c.from, to: c.to, intervalS: c.intervalMs / 1000, intervalMs: c.intervalMs, variables: new Map(),
  ...(c.table ? { table: c.table } : {}), ...(c.column ? { column: c.column } : {}),
});

describe(`macro expansion against ${VECTORS.source.repository} ${VECTORS.source.file}@${VECTORS.source.commit.slice(0, 12)}`, () => {
  it.each(VECTORS.cases.filter((c) => !c.error).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(expandMacros(c.input, ctxOf(c))).toBe(c.expected);
  });

  it.each(VECTORS.cases.filter((c) => c.error).map((c) => [c.name, c] as const))('%s: an error', (_name, c) => {
    expect(() => expandMacros(c.input, ctxOf(c))).toThrow();
  });
});

describe('macro expansion: properties', () => {
  const ctx: QueryContext = { from: 1_700_000_000_123, to: 1_700_003_600_999, intervalS: 30, variables: new Map() };
  const sqlChars = fc.constantFrom('a', 'b', ' ', '\n', '(', ')', ',', "'", '"', '`', '-', '/', '*', '\\', '$', '1', '_');

  it('without a macro, expansion only blanks comments, keeping every offset', () => {
    fc.assert(
      fc.property(fc.array(sqlChars, { maxLength: 80 }).map((a) => a.join('')), (sql) => {
        fc.pre(!sql.includes('$__'));
        const out = expandMacros(sql, ctx);
        expect(out).toBe(stripSqlComments(sql));
        expect(out).toHaveLength(sql.length);
        if (!/--|\/\*/.test(sql)) expect(out).toBe(sql);
      }),
    );
  });

  it('passes any balanced column expression through $__timeFilter whole, trimmed, with its quotes and commas', () => {
    const atom = fc.constantFrom('ts', 'cast(ts as DateTime)', "if(x = 'a,b)', ts, t2)", 'coalesce(a, b)', '`we,ird`', 'f(g(h(ts)))');
    fc.assert(
      fc.property(atom, fc.constantFrom('', ' ', '  '), (col, pad) => {
        expect(expandMacros(`$__timeFilter(${pad}${col}${pad})`, ctx)).toBe(`${col} >= toDateTime(1700000000) AND ${col} <= toDateTime(1700003600)`);
      }),
    );
  });

  it('never expands a macro inside a comment (a string literal is not skipped, as in macropro), and never throws on text without macros', () => {
    expect(expandMacros("SELECT 1 -- $__timeFilter\n, '$__fromTime' /* $__toTime */", ctx)).toBe(`SELECT 1 ${' '.repeat('-- $__timeFilter'.length)}\n, 'toDateTime(1700000000)' ${' '.repeat('/* $__toTime */'.length)}`);
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (sql) => {
      fc.pre(!sql.includes('$__'));
      expect(() => expandMacros(sql, ctx)).not.toThrow();
    }));
  });

  it("reads Go durations as $__timeGroup does (time.ParseDuration)", () => {
    expect([parseGoDuration('5m'), parseGoDuration('1h30m'), parseGoDuration('1.5s'), parseGoDuration('0'), parseGoDuration('-2s'), parseGoDuration('250ms')]).toEqual([300_000, 5_400_000, 1500, 0, -2000, 250]);
    for (const bad of ['', '5', 'm', '5x', '1h 30m', 'not-a-duration']) expect(() => parseGoDuration(bad)).toThrow(/invalid duration/);
  });
});
