import { MibError } from './mib-error';
import { tokenizeMib, type MibToken } from './mib-tokenizer';

/**
 * A hand-written SMIv1/SMIv2 reader. net-snmp's ModuleStore was tried first (3.29.2): it loads
 * modules only in dependency order it cannot work out itself, prints "Can not find …" to the
 * console and throws on the first unresolved import (NET-SNMP-TC before NET-SNMP-MIB), and keeps
 * no display hints — not good enough for vendor folders loaded from config. This reader keeps
 * exactly what the dictionary needs and skips everything else; it never throws on odd input
 * except for a file with no module at all (fast-checked in mib-parser.spec.ts).
 */

/** One arc of an OID value: `mib-2`, `2`, or `org(3)`. */
export interface OidArc {
  name?: string;
  num?: number;
}

export interface ParsedSyntax {
  /** Base ASN.1/SMI type (`INTEGER`, `OCTET STRING`, `Counter32`, …) or a TC/type name. */
  type: string;
  /** INTEGER enumeration or BITS names. */
  enums?: Array<[number, string]>;
  /** SIZE constraint with exactly one fixed length (MacAddress: 6): index without length prefix. */
  fixedSize?: number;
  /** `SEQUENCE OF XEntry`: the row type name. */
  of?: string;
}

export interface ParsedIndex {
  name: string;
  implied: boolean;
}

export interface ParsedDefinition {
  name: string;
  /** OBJECT IDENTIFIER, OBJECT-TYPE, NOTIFICATION-TYPE, TRAP-TYPE, MODULE-IDENTITY, … */
  macro: string;
  oid?: OidArc[];
  /** TRAP-TYPE: the specific-trap number; its OID is enterprise.0.number (RFC 3584 §3.1). */
  trapNumber?: number;
  enterprise?: string;
  syntax?: ParsedSyntax;
  access?: string;
  units?: string;
  index?: ParsedIndex[];
  augments?: string;
  objects?: string[];
  line: number;
}

export interface ParsedType {
  name: string;
  syntax: ParsedSyntax;
  displayHint?: string;
  isTextualConvention: boolean;
}

export interface ParsedModule {
  name: string;
  file: string;
  /** imported symbol → module it comes from */
  imports: Record<string, string>;
  definitions: ParsedDefinition[];
  types: ParsedType[];
}

const MACROS_WITH_OID = new Set([
  'OBJECT-TYPE',
  'MODULE-IDENTITY',
  'OBJECT-IDENTITY',
  'NOTIFICATION-TYPE',
  'OBJECT-GROUP',
  'NOTIFICATION-GROUP',
  'MODULE-COMPLIANCE',
  'AGENT-CAPABILITIES',
  'TRAP-TYPE',
]);

class Cursor {
  pos = 0;
  constructor(readonly t: MibToken[]) {}
  peek(k = 0): MibToken | undefined {
    return this.t[this.pos + k];
  }
  is(text: string, k = 0): boolean {
    const tok = this.t[this.pos + k];
    return tok !== undefined && tok.text === text && tok.kind !== 'str';
  }
  next(): MibToken | undefined {
    return this.t[this.pos++];
  }
  done(): boolean {
    return this.pos >= this.t.length;
  }
  /** Skips a balanced `{…}` or `(…)` group starting at the current token. */
  skipGroup(): void {
    const open = this.peek()?.text;
    const close = open === '{' ? '}' : open === '(' ? ')' : open === '[' ? ']' : undefined;
    if (!close || !open) {
      this.pos++;
      return;
    }
    let depth = 0;
    while (!this.done()) {
      const tok = this.next();
      if (!tok || tok.kind === 'str') continue;
      if (tok.text === open) depth++;
      else if (tok.text === close) {
        depth--;
        if (depth === 0) return;
      }
    }
  }
}

export function parseMib(text: string, file = '<mib>'): ParsedModule[] {
  const c = new Cursor(tokenizeMib(text, file));
  const modules: ParsedModule[] = [];
  while (!c.done()) {
    // Module header: NAME [ { oid } ] DEFINITIONS [tags] ::= BEGIN
    const tok = c.peek();
    if (tok?.kind === 'id' && findDefinitions(c)) {
      const name = tok.text;
      while (!c.done() && !c.is('BEGIN')) c.next();
      c.next();
      modules.push(parseBody(c, name, file));
    } else {
      c.next();
    }
  }
  if (modules.length === 0) throw new MibError('malformed', `no MIB module (NAME DEFINITIONS ::= BEGIN) in ${file}`, { file });
  return modules;
}

function findDefinitions(c: Cursor): boolean {
  if (c.is('DEFINITIONS', 1)) return true;
  if (c.is('{', 1)) {
    // NAME { oid } DEFINITIONS
    let k = 1;
    while (c.peek(k) && !c.is('}', k)) k++;
    return c.is('DEFINITIONS', k + 1);
  }
  return false;
}

function parseBody(c: Cursor, moduleName: string, file: string): ParsedModule {
  const mod: ParsedModule = { name: moduleName, file, imports: {}, definitions: [], types: [] };
  while (!c.done()) {
    const tok = c.peek();
    if (!tok) break;
    if (tok.kind !== 'id') {
      c.next();
      continue;
    }
    if (tok.text === 'END') {
      c.next();
      break;
    }
    if (tok.text === 'IMPORTS') {
      c.next();
      parseImports(c, mod);
      continue;
    }
    if (tok.text === 'EXPORTS') {
      while (!c.done() && !c.is(';')) c.next();
      c.next();
      continue;
    }
    if (c.is('MACRO', 1)) {
      // X MACRO ::= BEGIN … END
      while (!c.done() && !c.is('END')) c.next();
      c.next();
      continue;
    }
    if (c.is('::=', 1)) {
      c.pos += 2;
      parseTypeAssignment(c, mod, tok.text);
      continue;
    }
    if (c.is('OBJECT', 1) && c.is('IDENTIFIER', 2) && c.is('::=', 3)) {
      c.pos += 4;
      const oid = parseOidValue(c);
      if (oid) mod.definitions.push({ name: tok.text, macro: 'OBJECT IDENTIFIER', oid, line: tok.line });
      continue;
    }
    const macro = c.peek(1);
    if (macro && macro.kind === 'id' && MACROS_WITH_OID.has(macro.text)) {
      c.pos += 2;
      const def = parseMacro(c, tok.text, macro.text, tok.line);
      if (def) mod.definitions.push(def);
      continue;
    }
    c.next();
  }
  return mod;
}

function parseImports(c: Cursor, mod: ParsedModule): void {
  let pending: string[] = [];
  while (!c.done() && !c.is(';')) {
    const tok = c.next();
    if (!tok) break;
    if (tok.kind === 'id' && tok.text === 'FROM') {
      const from = c.next();
      if (from && from.kind === 'id') for (const s of pending) mod.imports[s] = from.text;
      pending = [];
      // `FROM Module { oid }` (rare, ASN.1 style)
      if (c.is('{')) c.skipGroup();
    } else if (tok.kind === 'id') {
      pending.push(tok.text);
    }
  }
  c.next();
}

function parseTypeAssignment(c: Cursor, mod: ParsedModule, name: string): void {
  if (c.is('TEXTUAL-CONVENTION')) {
    c.next();
    let displayHint: string | undefined;
    let syntax: ParsedSyntax | undefined;
    while (!c.done()) {
      const tok = c.peek();
      if (!tok) break;
      if (tok.kind === 'id' && tok.text === 'DISPLAY-HINT') {
        c.next();
        const s = c.next();
        if (s?.kind === 'str') displayHint = s.text;
      } else if (tok.kind === 'id' && tok.text === 'SYNTAX') {
        c.next();
        syntax = parseSyntax(c);
        break;
      } else if (tok.kind === 'id' && /^[A-Za-z][\w-]*$/.test(tok.text) && (c.is('::=', 1) || c.is('MACRO', 1))) {
        break; // malformed TC without SYNTAX: stop before the next assignment
      } else c.next();
    }
    if (syntax) mod.types.push({ name, syntax, ...(displayHint === undefined ? {} : { displayHint }), isTextualConvention: true });
    return;
  }
  const syntax = parseSyntax(c);
  if (syntax.type !== 'SEQUENCE' && syntax.type !== 'CHOICE') mod.types.push({ name, syntax, isTextualConvention: false });
}

/** SYNTAX value: base type, optional tag, named numbers and constraints. */
function parseSyntax(c: Cursor): ParsedSyntax {
  if (c.is('[')) {
    c.skipGroup();
    if (c.is('IMPLICIT') || c.is('EXPLICIT')) c.next();
  }
  const tok = c.next();
  let type = tok?.text ?? '';
  const result: ParsedSyntax = { type };
  if (type === 'OCTET' && c.is('STRING')) {
    c.next();
    type = 'OCTET STRING';
  } else if (type === 'OBJECT' && c.is('IDENTIFIER')) {
    c.next();
    type = 'OBJECT IDENTIFIER';
  } else if (type === 'SEQUENCE' && c.is('OF')) {
    c.next();
    const of = c.next();
    result.type = 'SEQUENCE OF';
    if (of) result.of = of.text;
    return result;
  } else if ((type === 'SEQUENCE' || type === 'CHOICE') && c.is('{')) {
    c.skipGroup();
    result.type = type;
    return result;
  }
  result.type = type;
  if (c.is('{')) {
    const enums = parseNamedNumbers(c);
    if (enums.length > 0) result.enums = enums;
  }
  if (c.is('(')) {
    const size = parseConstraint(c);
    if (size !== undefined) result.fixedSize = size;
  }
  return result;
}

function parseNamedNumbers(c: Cursor): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const start = c.pos;
  c.next(); // {
  while (!c.done() && !c.is('}')) {
    const name = c.peek();
    if (name?.kind === 'id' && c.is('(', 1) && c.peek(2)?.kind === 'num' && c.is(')', 3)) {
      out.push([Number(c.peek(2)?.text), name.text]);
      c.pos += 4;
    } else c.next();
    if (c.pos - start > 100_000) break;
  }
  c.next(); // }
  return out;
}

/** Reads `( … )`; returns the fixed SIZE if the constraint is `(SIZE (n))`. */
function parseConstraint(c: Cursor): number | undefined {
  const start = c.pos;
  c.skipGroup();
  const toks = c.t.slice(start, c.pos).filter((t) => t.text !== '(' && t.text !== ')');
  if (toks[0]?.text === 'SIZE' && toks.length === 2 && toks[1]?.kind === 'num') return Number(toks[1].text);
  return undefined;
}

/** `{ parent 2 }`, `{ iso org(3) dod(6) 1 }` */
function parseOidValue(c: Cursor): OidArc[] | undefined {
  if (!c.is('{')) return undefined;
  c.next();
  const arcs: OidArc[] = [];
  while (!c.done() && !c.is('}')) {
    const tok = c.next();
    if (!tok) break;
    if (tok.kind === 'num') arcs.push({ num: Number(tok.text) });
    else if (tok.kind === 'id') {
      if (c.is('(') && c.peek(1)?.kind === 'num' && c.is(')', 2)) {
        arcs.push({ name: tok.text, num: Number(c.peek(1)?.text) });
        c.pos += 3;
      } else arcs.push({ name: tok.text });
    }
    if (arcs.length > 256) break;
  }
  c.next();
  return arcs.length > 0 ? arcs : undefined;
}

function parseNameList(c: Cursor): string[] {
  const out: string[] = [];
  if (!c.is('{')) return out;
  c.next();
  while (!c.done() && !c.is('}')) {
    const tok = c.next();
    if (tok?.kind === 'id') out.push(tok.text);
  }
  c.next();
  return out;
}

function parseMacro(c: Cursor, name: string, macro: string, line: number): ParsedDefinition | undefined {
  const def: ParsedDefinition = { name, macro, line };
  while (!c.done()) {
    const tok = c.peek();
    if (!tok) break;
    if (tok.kind === 'sym' && tok.text === '::=') {
      c.next();
      if (macro === 'TRAP-TYPE') {
        const num = c.next();
        if (num?.kind === 'num') def.trapNumber = Number(num.text);
        return def.trapNumber === undefined ? undefined : def;
      }
      const oid = parseOidValue(c);
      if (!oid) return undefined;
      def.oid = oid;
      return def;
    }
    if (tok.kind === 'sym' && (tok.text === '{' || tok.text === '(')) {
      c.skipGroup();
      continue;
    }
    c.next();
    if (tok.kind !== 'id') continue;
    switch (tok.text) {
      case 'SYNTAX':
        if (def.syntax === undefined && macro === 'OBJECT-TYPE') def.syntax = parseSyntax(c);
        break;
      case 'UNITS': {
        const s = c.next();
        if (s?.kind === 'str' && macro === 'OBJECT-TYPE') def.units = s.text;
        break;
      }
      case 'MAX-ACCESS':
      case 'ACCESS': {
        const s = c.next();
        if (s?.kind === 'id' && def.access === undefined) def.access = s.text;
        break;
      }
      case 'INDEX':
        if (c.is('{')) {
          c.next();
          const index: ParsedIndex[] = [];
          let implied = false;
          while (!c.done() && !c.is('}')) {
            const t = c.next();
            if (t?.kind !== 'id') continue;
            if (t.text === 'IMPLIED') implied = true;
            else {
              index.push({ name: t.text, implied });
              implied = false;
            }
          }
          c.next();
          def.index = index;
        }
        break;
      case 'AUGMENTS': {
        const list = parseNameList(c);
        if (list[0]) def.augments = list[0];
        break;
      }
      case 'OBJECTS':
      case 'VARIABLES':
        if (macro === 'NOTIFICATION-TYPE' || macro === 'TRAP-TYPE') def.objects = parseNameList(c);
        break;
      case 'ENTERPRISE': {
        const e = c.next();
        if (e?.kind === 'id') def.enterprise = e.text;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
