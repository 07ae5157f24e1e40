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
