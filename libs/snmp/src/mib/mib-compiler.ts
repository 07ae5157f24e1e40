import type { OidArc, ParsedDefinition, ParsedModule, ParsedSyntax, ParsedType } from './mib-parser';

/**
 * Resolves parsed modules once into the compact dictionary the hot path uses (the
 * snmp_exporter generator/exporter split): numeric OIDs, base types, enum labels, display
 * hints and table indexes, all precomputed. Nothing here runs per packet.
 */

export type MibNodeKind = 'node' | 'scalar' | 'table' | 'row' | 'column' | 'notification';

/** One OID of the dictionary. Short keys: the generated JSON stays small and diffable. */
export interface MibNodeJson {
  /** numeric OID */
  o: string;
  /** module */
  m: string;
  /** name */
  n: string;
  k: MibNodeKind;
  /** SMI base type: INTEGER, OCTET STRING, OBJECT IDENTIFIER, IpAddress, Counter32, … */
  t?: string;
  /** textual convention the syntax goes through (nearest first) */
  tc?: string;
  /** DISPLAY-HINT of that TC chain (RFC 2579 §3.1) */
  h?: string;
  /** enum labels (INTEGER) or bit names (BITS) */
  e?: Array<[number, string]>;
  /** fixed size of an OCTET STRING (index encoding without length prefix) */
  s?: number;
  u?: string;
  a?: string;
  /** row: INDEX objects as [oid, implied] */
  x?: Array<[string, boolean]>;
  /** row: AUGMENTS target row oid */
  ag?: string;
  /** notification: OBJECTS / VARIABLES oids */
  v?: string[];
}

export interface MibDictionaryJson {
  format: 1;
  /** module name → file it came from (relative) */
  modules: Record<string, string>;
  nodes: MibNodeJson[];
}

export interface CompileResult {
  dictionary: MibDictionaryJson;
  /** Names that could not be resolved: `MODULE::name: reason`. Not fatal. */
  warnings: string[];
}

const ROOTS: Record<string, number[]> = { ccitt: [0], iso: [1], 'joint-iso-ccitt': [2] };

/** SMI base types (RFC 2578 §7.1, RFC 1155): the end of a TC chain. */
const BASE_TYPES = new Set([
  'INTEGER',
  'Integer32',
  'Unsigned32',
  'Gauge32',
  'Gauge',
  'Counter32',
  'Counter',
  'Counter64',
  'TimeTicks',
  'IpAddress',
  'NetworkAddress',
  'Opaque',
  'OCTET STRING',
  'OBJECT IDENTIFIER',
  'BITS',
]);

/** Modules superseded by SMIv2 ones defining the same OIDs: the SMIv2 name wins. */
const LEGACY_MODULES = new Set(['RFC1213-MIB', 'RFC1158-MIB', 'RFC1155-SMI', 'RFC-1212', 'RFC-1215']);

interface ResolvedSyntax {
  base?: string;
  tc?: string;
  hint?: string;
  enums?: Array<[number, string]>;
  fixedSize?: number;
}

export function compileMibs(modules: readonly ParsedModule[], fileOf: (m: ParsedModule) => string = (m) => m.file): CompileResult {
  const warnings: string[] = [];
  const byName = new Map<string, ParsedModule>();
  for (const m of modules) if (!byName.has(m.name)) byName.set(m.name, m);
  const defIndex = new Map<ParsedModule, Map<string, ParsedDefinition>>();
  const typeIndex = new Map<ParsedModule, Map<string, ParsedType>>();
  const anyDef = new Map<string, [ParsedModule, ParsedDefinition]>();
  const anyType = new Map<string, [ParsedModule, ParsedType]>();
  for (const m of byName.values()) {
    const d = new Map<string, ParsedDefinition>();
    for (const def of m.definitions) {
      d.set(def.name, def);
      if (!anyDef.has(def.name)) anyDef.set(def.name, [m, def]);
    }
    defIndex.set(m, d);
    const t = new Map<string, ParsedType>();
    for (const ty of m.types) {
      t.set(ty.name, ty);
      if (!anyType.has(ty.name)) anyType.set(ty.name, [m, ty]);
    }
    typeIndex.set(m, t);
  }

  /** Where `name`, as seen from `mod`, is defined: the module itself, its imports, else anywhere. */
  function lookupDef(mod: ParsedModule, name: string): [ParsedModule, ParsedDefinition] | undefined {
    const own = defIndex.get(mod)?.get(name);
    if (own) return [mod, own];
    const from = mod.imports[name];
    const fromMod = from === undefined ? undefined : byName.get(from);
    const imported = fromMod ? defIndex.get(fromMod)?.get(name) : undefined;
    if (fromMod && imported) return [fromMod, imported];
    return anyDef.get(name);
  }
  function lookupType(mod: ParsedModule, name: string): [ParsedModule, ParsedType] | undefined {
    const own = typeIndex.get(mod)?.get(name);
    if (own) return [mod, own];
    const from = mod.imports[name];
    const fromMod = from === undefined ? undefined : byName.get(from);
    const imported = fromMod ? typeIndex.get(fromMod)?.get(name) : undefined;
    if (fromMod && imported) return [fromMod, imported];
    return anyType.get(name);
  }

  const oidMemo = new Map<ParsedDefinition, number[] | null>();
  function resolveOid(mod: ParsedModule, def: ParsedDefinition, depth = 0): number[] | undefined {
    const memo = oidMemo.get(def);
    if (memo !== undefined) return memo ?? undefined;
    if (depth > 128) return undefined;
    oidMemo.set(def, null); // cycle guard
    let out: number[] | undefined;
    if (def.macro === 'TRAP-TYPE') {
      const ent = def.enterprise === undefined ? undefined : resolveName(mod, def.enterprise, depth + 1);
      // RFC 3584 §3.1: the SNMPv2 trap OID of an enterprise-specific v1 trap is enterprise.0.specific
      if (ent && def.trapNumber !== undefined) out = [...ent, 0, def.trapNumber];
    } else if (def.oid) {
      out = resolveArcs(mod, def.oid, depth + 1);
    }
    oidMemo.set(def, out ?? null);
    return out;
  }
  function resolveName(mod: ParsedModule, name: string, depth: number): number[] | undefined {
    const root = ROOTS[name];
    if (root) return root;
    const found = lookupDef(mod, name);
    return found ? resolveOid(found[0], found[1], depth) : undefined;
  }
  function resolveArcs(mod: ParsedModule, arcs: OidArc[], depth: number): number[] | undefined {
    const out: number[] = [];
    arcs.forEach((arc, i) => {
      if (i === 0 && arc.name !== undefined && (arc.num === undefined || ROOTS[arc.name])) {
        const prefix = resolveName(mod, arc.name, depth);
        if (!prefix) {
          out.length = 0;
          out.push(-1);
          return;
        }
        out.push(...prefix);
      } else if (arc.num !== undefined) out.push(arc.num);
      else out.push(-1);
    });
    return out.length === 0 || out.includes(-1) ? undefined : out;
  }

  function resolveSyntax(mod: ParsedModule, syntax: ParsedSyntax): ResolvedSyntax {
    const r: ResolvedSyntax = {};
    if (syntax.enums) r.enums = syntax.enums;
    if (syntax.fixedSize !== undefined) r.fixedSize = syntax.fixedSize;
    let name = syntax.type;
    let at = mod;
    for (let hop = 0; hop < 32; hop++) {
      if (BASE_TYPES.has(name)) {
        r.base = normalizeBase(name);
        if (name === 'BITS' && !r.base) r.base = 'BITS';
        return r;
      }
      const found = lookupType(at, name);
      if (!found) return r; // unresolved: leave base unknown
      const [tmod, ty] = found;
      if (ty.isTextualConvention && r.tc === undefined) r.tc = ty.name;
      if (ty.displayHint !== undefined && r.hint === undefined) r.hint = ty.displayHint;
      if (ty.syntax.enums && r.enums === undefined) r.enums = ty.syntax.enums;
      if (ty.syntax.fixedSize !== undefined && r.fixedSize === undefined) r.fixedSize = ty.syntax.fixedSize;
      at = tmod;
      name = ty.syntax.type;
    }
    return r;
  }

  // 1. every definition with an OID
  interface Entry {
    oid: string;
    mod: ParsedModule;
    def: ParsedDefinition;
  }
  const entries: Entry[] = [];
  for (const mod of byName.values()) {
    for (const def of mod.definitions) {
      const arcs = resolveOid(mod, def);
      if (!arcs) {
        warnings.push(`${mod.name}::${def.name}: cannot resolve OID (line ${def.line})`);
        continue;
      }
      entries.push({ oid: arcs.join('.'), mod, def });
    }
  }
  const oidOf = new Map<ParsedDefinition, string>();
  for (const e of entries) oidOf.set(e.def, e.oid);
  const defsByOid = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = defsByOid.get(e.oid);
    if (list) list.push(e);
    else defsByOid.set(e.oid, [e]);
  }

  // 2. one node per OID; the SMIv2 definition wins over legacy RFC1213 ones
  const rank = (e: Entry): number => (LEGACY_MODULES.has(e.mod.name) ? 2 : 0) + (e.def.macro === 'OBJECT IDENTIFIER' ? 1 : 0);
  const nodes: MibNodeJson[] = [];
  const objectTypeByOid = new Map<string, Entry>();
  for (const [oid, list] of defsByOid) {
    const best = [...list].sort((a, b) => rank(a) - rank(b))[0];
    if (best && best.def.macro === 'OBJECT-TYPE') objectTypeByOid.set(oid, best);
  }
  const parentOid = (oid: string): string => oid.slice(0, oid.lastIndexOf('.'));

  for (const [oid, list] of defsByOid) {
    const best = [...list].sort((a, b) => rank(a) - rank(b))[0];
    if (!best) continue;
    const { mod, def } = best;
    const node: MibNodeJson = { o: oid, m: mod.name, n: def.name, k: 'node' };
    if (def.macro === 'NOTIFICATION-TYPE' || def.macro === 'TRAP-TYPE') {
      node.k = 'notification';
      const objs: string[] = [];
      for (const name of def.objects ?? []) {
        const found = lookupDef(mod, name);
        const o = found ? resolveOid(found[0], found[1]) : undefined;
        if (o) objs.push(o.join('.'));
        else warnings.push(`${mod.name}::${def.name}: unknown object ${name}`);
      }
      if (objs.length) node.v = objs;
    } else if (def.macro === 'OBJECT-TYPE') {
      const syntax = def.syntax;
      if (syntax?.type === 'SEQUENCE OF') node.k = 'table';
      else if (def.index || def.augments) {
        node.k = 'row';
        if (def.index) {
          const x: Array<[string, boolean]> = [];
          for (const ix of def.index) {
            const found = lookupDef(mod, ix.name);
            const o = found ? resolveOid(found[0], found[1]) : undefined;
            if (o) x.push([o.join('.'), ix.implied]);
            else warnings.push(`${mod.name}::${def.name}: unknown index object ${ix.name}`);
          }
          node.x = x;
        }
        if (def.augments) {
          const found = lookupDef(mod, def.augments);
          const o = found ? resolveOid(found[0], found[1]) : undefined;
          if (o) node.ag = o.join('.');
          else warnings.push(`${mod.name}::${def.name}: unknown AUGMENTS ${def.augments}`);
        }
      } else {
        const parent = objectTypeByOid.get(parentOid(oid));
        node.k = parent && (parent.def.index || parent.def.augments) ? 'column' : 'scalar';
      }
      if (syntax && node.k !== 'table' && node.k !== 'row') {
        const r = resolveSyntax(mod, syntax);
        if (r.base) node.t = r.base;
        if (r.tc) node.tc = r.tc;
        if (r.hint) node.h = r.hint;
        if (r.enums) node.e = r.enums;
        if (r.fixedSize !== undefined) node.s = r.fixedSize;
        if (!r.base) warnings.push(`${mod.name}::${def.name}: unresolved SYNTAX ${syntax.type}`);
      }
      if (def.units !== undefined) node.u = def.units;
      if (def.access !== undefined) node.a = def.access;
    }
    nodes.push(node);
  }
  nodes.sort((a, b) => compareOids(a.o, b.o));
  const moduleFiles: Record<string, string> = {};
  for (const m of [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) moduleFiles[m.name] = fileOf(m);
  return { dictionary: { format: 1, modules: moduleFiles, nodes }, warnings };
}

function normalizeBase(name: string): string {
  switch (name) {
    case 'Gauge':
      return 'Gauge32';
    case 'Counter':
      return 'Counter32';
    case 'NetworkAddress':
      return 'IpAddress';
    case 'Integer32':
      return 'INTEGER';
    default:
      return name;
  }
}

export function compareOids(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
