import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@sonde/testing/real-services';

const run = promisify(execFile);
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');
const DATA = path.join(REPO_ROOT, 'services/alert-engine/test/data/rules-test');

async function sonde(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SONDE, ...args], { cwd: REPO_ROOT, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

describe('sonde rules test (the built CLI, fake clock)', () => {
  it('prints the transitions of the recorded events, as in expected.txt', async () => {
    const r = await sonde(['rules', 'test', path.join(DATA, 'rules.yaml'), '--events', path.join(DATA, 'events.jsonl'), '--after', '15m']);
    expect(r.stderr).toContain('2 rules, 18 events, 5 transitions');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(DATA, 'expected.txt'), 'utf8'));
  });

  it('exits 1 naming the file, rule and path of a bad rule; 1 naming the line of a bad event', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-rules-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'rules:\n  - id: x\n    type: state\n    state: icmp-unreachable\n    condition: "payload.lossPct >"\n');
    const r = await sonde(['rules', 'test', bad, '--events', path.join(DATA, 'events.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: rules[0] (rule x).condition: CEL does not compile at 1:`);
    const events = path.join(dir, 'events.jsonl');
    writeFileSync(events, `${readFileSync(path.join(DATA, 'events.jsonl'), 'utf8').split('\n')[0]}\n{"v":1,"kind":"icmp.probe"}\n`);
    const e = await sonde(['rules', 'test', path.join(DATA, 'rules.yaml'), '--events', events]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(new RegExp(`${events.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
  });
});
