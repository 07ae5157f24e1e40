import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadUpConfig } from './up-config';

/**
 * Every config example the docs show is a config Sonde accepts: each ```yaml block of every
 * README.md in the repository and sonde.example.yaml load through `sonde validate`'s schema (every
 * section of every service), strictness and secret references included. A block that is Helm
 * values is checked through its `config:`. The secrets an example references are supplied: each
 * `{ env: VAR }` gets a value, each `{ file: path }` a file: beside the config for a relative path,
 * under a temporary root for an absolute one (the path is rebased there; nothing else changes).
 */
const ROOT = path.resolve(__dirname, '../../..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.tools', '.sonde-data', 'data']);

function readmes(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith('.') ? [] : readmes(path.join(dir, e.name));
    return e.name === 'README.md' ? [path.join(dir, e.name)] : [];
  });
}

function yamlBlocks(file: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !(lines[++i] ?? '').startsWith('```'));
    out.push({ name: `${path.relative(ROOT, file)}:${start}`, text: lines.slice(start, i).join('\n') });
  }
  return out;
}

const examples = [
  ...readmes(ROOT).flatMap(yamlBlocks),
  { name: 'sonde.example.yaml', text: readFileSync(path.join(ROOT, 'sonde.example.yaml'), 'utf8') },
];

function validate(text: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-doc-example-'));
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/\{\s*env:\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g)) env[m[1]!] = 'documented-secret-value';
  const rebased = text.replace(/\{\s*file:\s*([^\s}]+)\s*\}/g, (_all, file: string) => {
    const target = path.isAbsolute(file) ? path.join(dir, 'root', file) : path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, 'documented-secret-value\n');
    return `{ file: ${target} }`;
  });
  const doc: unknown = YAML.parse(rebased);
  const helmValues = doc !== null && typeof doc === 'object' && 'config' in doc && 'image' in doc;
  const file = path.join(dir, 'sonde.yaml');
  writeFileSync(file, helmValues ? YAML.stringify((doc as { config: unknown }).config) : rebased);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    loadUpConfig({ file, dataDir: path.join(dir, 'data') });
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
  }
}

describe('documented config examples', () => {
  it('finds the examples', () => expect(examples.length).toBeGreaterThan(10));

  it.each(examples.map((e) => [e.name, e.text] as const))('%s is a valid config', (_name, text) => {
    expect(() => validate(text)).not.toThrow();
  });
});
