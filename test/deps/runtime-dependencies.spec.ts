import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The container image keeps only `dependencies` (deploy/docker/Dockerfile: `npm prune --omit=dev`),
 * so a package that code under libs/*\/src or services/*\/src loads at run time but that
 * package.json lists as a devDependency works in every test here and fails in the image, when the
 * config path that loads it is taken (`bus.kafka.client: platformatic` did). Specs, the shared
 * contract suites (*.contract.ts, run by other projects' specs), test helpers and bench/ may use
 * devDependencies.
 */
const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Only tests import it (helpers that start brokers, peers): never part of a service at run time. */
const TEST_ONLY_LIBS = new Set(['testing']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|cjs|mjs)$/.test(name) && !/\.(spec|int-spec|contract)\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function runtimeSources(): string[] {
  const files: string[] = [];
  for (const top of ['libs', 'services']) {
    for (const project of readdirSync(path.join(ROOT, top))) {
      if (top === 'libs' && TEST_ONLY_LIBS.has(project)) continue;
      const src = path.join(ROOT, top, project, 'src');
      try {
        if (statSync(src).isDirectory()) files.push(...sourceFiles(src));
      } catch {
        // a project without src/
      }
    }
  }
  return files;
}

/** The package a bare specifier names: `@scope/name` or `name`, without its subpath. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] as string)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Every module a source file loads: static imports and re-exports, `import()` and `require()`; type-only imports are erased. */
export function loadedSpecifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/^\s*import\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm, /^\s*export\s+(?!type\s)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1] as string);
  return out;
}

describe('runtime dependencies', () => {
  it('finds the imports it is meant to find', () => {
    const src = ["import { a } from 'x-lib/sub';", "import type { T } from 'types-only';", "export { b } from '@scope/pkg/deep';", "const m = await import('dyn');", "require('node:fs');", "import './side-effect';"].join('\n');
    expect(loadedSpecifiers(src).map(packageOf).filter(Boolean).sort()).toEqual(['@scope/pkg', 'dyn', 'x-lib']);
  });

  it('lists every package that runtime code loads under dependencies, not devDependencies', () => {
    const misplaced = new Map<string, string[]>();
    const files = runtimeSources();
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      for (const spec of loadedSpecifiers(readFileSync(file, 'utf8'))) {
        const name = packageOf(spec);
        if (!name || name.startsWith('@sonde/') || pkg.dependencies?.[name]) continue;
        const where = pkg.devDependencies?.[name] ? 'devDependencies' : 'nowhere in package.json';
        const key = `${name} (${where})`;
        misplaced.set(key, [...(misplaced.get(key) ?? []), path.relative(ROOT, file)]);
      }
    }
    const report = [...misplaced].map(([name, where]) => `${name}: loaded by ${where.slice(0, 3).join(', ')}${where.length > 3 ? ` and ${where.length - 3} more` : ''}`);
    expect(report).toEqual([]);
  });
});
