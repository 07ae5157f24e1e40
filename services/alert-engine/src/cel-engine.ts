import { celEnv, parse as bufParse, plan as bufPlan, isCelError } from '@bufbuild/cel';
import { parse as celJsParse } from '@marcbachmann/cel-js';
import { AlertRuleError } from './alert-rule-error';
import { compileSamplesFastPath } from './cel-fast-path';

/** A CEL expression compiled once at load; evaluating it never compiles (rule of the README). */
export type CelProgram = (activation: Record<string, unknown>) => unknown;

/** One CEL implementation: compile an expression or throw AlertRuleError with the position. */
export interface CelEngine {
  compile(expression: string, path: string): CelProgram;
  /**
   * A threshold `expr` over `samples` as a closure tree, when this library's semantics for it are
   * the fast path's (cel-fast-path.ts); undefined: evaluate with `compile`'s program.
   */
  samplesFastPath?(expression: string): ((samples: Record<string, number>) => number | boolean) | undefined;
}

/** cel-js errors end with an excerpt `>    1 | source` and a caret line under the column. */
function positionOf(message: string): string {
  const caret = /\n(>\s*(\d+) \| ).*\n( *)\^/.exec(message);
  if (!caret) return '';
  const column = Math.max(1, (caret[3]?.length ?? 0) - (caret[1]?.length ?? 0) + 1);
  return ` at ${caret[2] ?? '1'}:${column}`;
}

const bufEnv = celEnv();

/**
 * Variants keyed by `alertEngine.cel` (style rule 6). Both are maintained CEL implementations
 * without eval/Function; the default is chosen by bench/alerts (README "CEL").
 */
export const CEL_ENGINES: Record<'cel-js' | 'bufbuild', CelEngine> = {
  'cel-js': {
    // cel-js reads every JS number of an activation as a double, as the fast path does
    samplesFastPath: compileSamplesFastPath,
    compile(expression, path) {
      try {
        const program = celJsParse(expression);
        return (activation) => program(activation);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new AlertRuleError(`${path}: CEL does not compile${positionOf(message)}: ${message.split('\n')[0]}`, { path });
      }
    },
  },
  // no fast path: the property spec compares it with cel-js only (@bufbuild/cel differs on inputs
  // cel-js accepts, e.g. it throws on a null-prototype map), so this library keeps its own evaluation
  bufbuild: {
    compile(expression, path) {
      let program: ReturnType<typeof bufPlan>;
      try {
        program = bufPlan(bufEnv, bufParse(expression));
      } catch (err) {
        // "<input>:1:7: found > but expecting end of input"
        const message = err instanceof Error ? err.message : String(err);
        const pos = /<input>:(\d+):(\d+):/.exec(message);
        throw new AlertRuleError(`${path}: CEL does not compile${pos ? ` at ${pos[1]}:${pos[2]}` : ''}: ${message.replace(/^<input>:\d+:\d+:\s*/, '')}`, { path });
      }
      return (activation) => {
        const result = program(activation as never);
        // @bufbuild/cel returns run-time errors (no such key, bad types) instead of throwing
        if (isCelError(result)) throw new Error(result.message);
        return result;
      };
    },
  },
};

export type CelEngineName = keyof typeof CEL_ENGINES;
