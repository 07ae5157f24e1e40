import { corpusLines, parseCase } from './syslog-corpus';

describe('syslog corpus (test/cases)', () => {
  const lines = corpusLines();
  it.each(lines.map((l) => [`${l.caseName}:${l.line}`, l] as const))('%s', (_name, l) => {
    const parsed = parseCase(l.caseName)[l.line - 1]?.parsed;
    expect(parsed).toEqual(l.expected);
  });
});
