import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseSyslog } from './parse-syslog';
import { SYSLOG_DIALECT_NAMES } from './syslog-dialects';

/**
 * The data-driven corpus under test/cases/<case>/: `input.txt` (one message per line, raw bytes),
 * `config.yaml` (receivedAt, zone, dialect) and `expected.jsonl` (one parsed message per input
 * line, `ts` shown as ISO time). Shared by the spec and by the script that drafts expectations.
 */
export const CASES_DIR = path.resolve(__dirname, '../../test/cases');

const caseConfigSchema = z.object({
  receivedAt: z.union([z.string(), z.date()]).transform((v) => new Date(v).getTime()),
  zone: z.string().default('UTC'),
  dialect: z.enum(SYSLOG_DIALECT_NAMES).default('auto'),
});

export interface CorpusLine {
  caseName: string;
  line: number;
  input: Buffer;
  expected: unknown;
}

export function corpusCases(): string[] {
  return readdirSync(CASES_DIR).sort();
}

function inputLines(caseName: string): Buffer[] {
  const bytes = readFileSync(path.join(CASES_DIR, caseName, 'input.txt'));
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/** Parses one case's input the way the receiver would, in the shape of expected.jsonl. */
export function parseCase(caseName: string): { input: Buffer; parsed: unknown }[] {
  const config = caseConfigSchema.parse(parseYaml(readFileSync(path.join(CASES_DIR, caseName, 'config.yaml'), 'utf8')) ?? {});
  return inputLines(caseName).map((input) => {
    const { ts, ...rest } = parseSyslog(input, { receivedAt: config.receivedAt, zone: config.zone, dialect: config.dialect });
    return { input, parsed: { time: new Date(ts).toISOString(), ...rest } };
  });
}

export function corpusLines(): CorpusLine[] {
  return corpusCases().flatMap((caseName) => {
    const expected = readFileSync(path.join(CASES_DIR, caseName, 'expected.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
    return inputLines(caseName).map((input, i) => ({ caseName, line: i + 1, input, expected: expected[i] }));
  });
}
