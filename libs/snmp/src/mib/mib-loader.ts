import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileMibs, type CompileResult, type MibDictionaryJson } from './mib-compiler';
import { MibError } from './mib-error';
import { parseMib, type ParsedModule } from './mib-parser';
import { OidDictionary } from './oid-dictionary';

/** libs/snmp/mibs: reached the same way from src/mib and dist/mib. */
export const SHIPPED_MIB_ROOT = join(__dirname, '..', '..', 'mibs');
/** The folders whose modules make up the committed standard dictionary. */
export const SHIPPED_MIB_DIRS = ['ietf', 'net-snmp'].map((d) => join(SHIPPED_MIB_ROOT, d));
export const STANDARD_DICTIONARY_FILE = join(SHIPPED_MIB_ROOT, 'oid-dictionary.json');

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
  return compileMibs(modules, (m) => relative(SHIPPED_MIB_ROOT, m.file));
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
  return { dictionary: new OidDictionary(dictionary), warnings: [...extra.errors, ...warnings] };
}
