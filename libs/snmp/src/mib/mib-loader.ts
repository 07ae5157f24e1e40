import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareOids, compileMibs, type CompileResult, type MibDictionaryJson, type MibNodeJson } from './mib-compiler';
import { MibError } from './mib-error';
import { parseMib, type ParsedModule } from './mib-parser';
import { OidDictionary } from './oid-dictionary';

/** libs/snmp/mibs: reached the same way from src/mib and dist/mib. */
export const SHIPPED_MIB_ROOT = join(__dirname, '..', '..', 'mibs');
/** The folders whose modules make up the committed standard dictionary. */
export const SHIPPED_MIB_DIRS = ['ietf', 'net-snmp'].map((d) => join(SHIPPED_MIB_ROOT, d));
export const STANDARD_DICTIONARY_FILE = join(SHIPPED_MIB_ROOT, 'oid-dictionary.json');
/**
 * IETF modules no registry we may use ships as MIB text, exported from Debian's precompiled
 * pysnmp modules by libs/snmp/tools/export-pysnmp-mibs.py (PROVENANCE.md): already nodes.
 */
export const COMPILED_MIB_DIR = join(SHIPPED_MIB_ROOT, 'compiled');

interface CompiledModuleFile {
  module: string;
  source: string;
  nodes: MibNodeJson[];
}

/** Adds precompiled modules' nodes for OIDs the text MIBs do not define (text wins). */
export function mergeCompiledModules(dict: MibDictionaryJson, dir: string = COMPILED_MIB_DIR): MibDictionaryJson {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return dict;
  }
  const have = new Set(dict.nodes.map((n) => n.o));
  const nodes = [...dict.nodes];
  const modules = { ...dict.modules };
  for (const f of files) {
    const parsed = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CompiledModuleFile;
    if (modules[parsed.module] !== undefined) continue; // a text copy of the module exists
    modules[parsed.module] = relative(SHIPPED_MIB_ROOT, join(dir, f));
    for (const n of parsed.nodes) {
      if (have.has(n.o)) continue;
      have.add(n.o);
      nodes.push(n);
    }
  }
  nodes.sort((a, b) => compareOids(a.o, b.o));
  const sortedModules = Object.fromEntries(Object.entries(modules).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { format: 1, modules: sortedModules, nodes };
}

const MIB_FILE = /\.(txt|mib|my|smi)$|^[A-Z][A-Za-z0-9-]*$/;

export interface MibFolderLoad {
  modules: ParsedModule[];
  /** files that could not be read or parsed: `path: reason` (not fatal for the others) */
  errors: string[];
}

/** Parses every MIB file of the folders (not recursive). A bad file is reported, never fatal. */
export function parseMibFolders(folders: readonly string[]): MibFolderLoad {
  const modules: ParsedModule[] = [];
  const errors: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (err) {
      throw new MibError('config', `cannot read MIB folder ${folder}: ${(err as Error).message}`, { path: folder });
    }
    for (const name of names) {
      if (!MIB_FILE.test(name)) continue;
      const file = join(folder, name);
      try {
        if (!statSync(file).isFile()) continue;
        modules.push(...parseMib(readFileSync(file, 'latin1'), file));
      } catch (err) {
        errors.push(`${file}: ${(err as Error).message}`);
      }
    }
  }
  return { modules, errors };
}

/** Compiles the shipped MIB folders: what the committed oid-dictionary.json holds. */
export function generateStandardDictionary(): CompileResult {
  const { modules } = parseMibFolders(SHIPPED_MIB_DIRS);
  const result = compileMibs(modules, (m) => relative(SHIPPED_MIB_ROOT, m.file));
  return { dictionary: mergeCompiledModules(result.dictionary), warnings: result.warnings };
}

/** One node a line: the generated file diffs well in review. */
export function serializeDictionary(d: MibDictionaryJson): string {
  return `{"format":${d.format},\n"modules":${JSON.stringify(d.modules)},\n"nodes":[\n${d.nodes.map((n) => JSON.stringify(n)).join(',\n')}\n]}\n`;
}

export interface LoadedDictionary {
  dictionary: OidDictionary;
  /** unreadable vendor files and unresolved names, for one warning log at boot */
  warnings: string[];
}

/**
 * The dictionary a service uses: the committed standard one, or — when vendor folders are
 * configured — the shipped modules compiled together with the vendor ones (their IMPORTS
 * need SNMPv2-SMI & co.). Runs once at boot; nothing is parsed per packet.
 */
export function loadOidDictionary(extraFolders: readonly string[] = []): LoadedDictionary {
  if (extraFolders.length === 0) {
    const json = JSON.parse(readFileSync(STANDARD_DICTIONARY_FILE, 'utf8')) as MibDictionaryJson;
    return { dictionary: new OidDictionary(json), warnings: [] };
  }
  const shipped = parseMibFolders(SHIPPED_MIB_DIRS);
  const extra = parseMibFolders(extraFolders);
  // vendor modules first: a vendor copy of a module overrides the shipped one of the same name
  const { dictionary, warnings } = compileMibs([...extra.modules, ...shipped.modules]);
  return { dictionary: new OidDictionary(mergeCompiledModules(dictionary)), warnings: [...extra.errors, ...warnings] };
}
