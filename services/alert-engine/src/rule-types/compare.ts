/** The comparison of a threshold rule. */
export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export const COMPARE: Record<Comparison, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * Can `value <op> threshold` hold for some value in [min, max] (the non-NaN values of an event's
 * samples)? False only when no sample can pass: a rule without series then skips the event.
 * A NaN sample passes only `!=`, which this always allows.
 */
export function mayHoldInRange(op: Comparison, min: number, max: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return max > threshold;
    case '>=':
      return max >= threshold;
    case '<':
      return min < threshold;
    case '<=':
      return min <= threshold;
    case '==':
      return min <= threshold && threshold <= max;
    case '!=':
      return true;
  }
}
