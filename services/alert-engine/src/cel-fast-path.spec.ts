import fc from 'fast-check';
import { CEL_ENGINES } from './cel-engine';
import { compileSamplesFastPath } from './cel-fast-path';
import { DEFAULT_RULES } from './default-rules';

const names = ['a', 'b', 'ifHighSpeed'];
const literal = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => Math.abs(d).toFixed(fc.sample(fc.integer({ min: 1, max: 3 }), 1)[0])),
  fc.constantFrom('0.0', '1.0', '100.0', '800.0', '1000000.0', '1e6', '2.5e-3', '1E2'),
);
const { num } = fc.letrec<{ num: string; bool: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.constantFrom(...names).map((n) => `samples.${n}`),
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), tie('num')).map(([x, op, y]) => `${x} ${op} ${y}`),
    tie('num').map((x) => `-${x}`),
    tie('num').map((x) => `(${x})`),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
  ),
  bool: fc.tuple(tie('num'), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('num')).map(([x, op, y]) => `(${x} ${op} ${y})`),
}));
const value = fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, 1000, NaN, Infinity));
const samples = fc.record({ a: value, b: value, ifHighSpeed: value });

/** What an evaluation gave: a value, or that it threw. */
function outcome(run: () => unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    const v = run();
    return { ok: true, value: typeof v === 'bigint' ? Number(v) : v };
  } catch {
    return { ok: false };
  }
}

describe('CEL fast path (threshold expr over samples)', () => {
  it('gives what cel-js gives for every expression of the subset and every sample values (errors included)', () => {
    const celJs = CEL_ENGINES['cel-js'];
    fc.assert(
      fc.property(fc.oneof(num, fc.tuple(num, fc.constantFrom('<', '>=', '!='), num).map(([x, op, y]) => `${x} ${op} ${y}`)), samples, (expr, values) => {
        const fast = celJs.samplesFastPath?.(expr);
        expect(fast).toBeDefined();
        const want = outcome(() => celJs.compile(expr, 'expr')({ samples: values, labels: {} }));
        const got = outcome(() => (fast as NonNullable<typeof fast>)(values));
        expect(got.ok).toBe(want.ok);
        if (got.ok && want.ok) expect(Object.is(got.value, want.value) || (got.value === 0 && want.value === 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('is used with cel-js only (the library it is checked against)', () => {
    expect(CEL_ENGINES.bufbuild.samplesFastPath).toBeUndefined();
  });

  it('a missing sample is an error, as in CEL', () => {
    expect(() => compileSamplesFastPath('samples.a + samples.b')?.({ a: 1 })).toThrow('no such key');
  });

  it('leaves everything outside the subset to CEL: int literals, labels, functions, logic, strings', () => {
    for (const expr of ['samples.a + 1', 'labels.ifName == "eth0"', 'size(samples) > 1.0', 'samples.a > 1.0 && samples.b > 1.0', '"x"', 'samples.a.b', '1.0x', 'samples.a ? 1.0 : 2.0', '(samples.a > 1.0) + 1.0', '.5']) {
      expect(compileSamplesFastPath(expr)).toBeUndefined();
    }
  });

  it('covers the default rules written as expressions', () => {
    const exprs = DEFAULT_RULES.map((r) => r.expr).filter((e): e is string => typeof e === 'string');
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) expect(compileSamplesFastPath(expr)).toBeDefined();
  });
});
