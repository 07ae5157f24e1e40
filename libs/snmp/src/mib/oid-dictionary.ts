import { printableText } from '../session/varbind';
import { formatIntegerWithHint, formatOctetsWithHint, hex } from './display-hint';
import type { MibDictionaryJson, MibNodeJson, MibNodeKind } from './mib-compiler';
import { MibError } from './mib-error';

/** A dictionary entry, as the translate/lookup functions return it. */
export interface MibNode {
  oid: string;
  module: string;
  name: string;
  kind: MibNodeKind;
  /** SMI base type (INTEGER, OCTET STRING, Counter32, …) for scalars and columns */
  type?: string;
  textualConvention?: string;
  displayHint?: string;
  enums?: ReadonlyMap<number, string>;
  fixedSize?: number;
  units?: string;
  access?: string;
  /** rows: INDEX objects (AUGMENTS already followed) */
  index?: ReadonlyArray<{ oid: string; implied: boolean }>;
  /** notifications: OBJECTS */
  objects?: readonly string[];
}

/** One decoded component of a table instance suffix. */
export interface IndexPart {
  /** the INDEX object, e.g. `ifIndex` */
  name: string;
  /** rendered value: `3`, `10.0.0.1`, `"eth0"`, or raw arcs when not decodable */
  value: string;
}

export interface Translation {
  /** `IF-MIB::ifInOctets.3`; the numeric OID when nothing in the dictionary matches */
  name: string;
  node?: MibNode;
  /** arcs after the node's OID (instance / index) */
  suffix: number[];
  /** decoded table index, when the node is a column with a known INDEX */
  index?: IndexPart[];
}

const INTEGER_TYPES = new Set(['INTEGER', 'Integer32', 'Unsigned32', 'Gauge32', 'Counter32', 'TimeTicks', 'Counter64']);

export class OidDictionary {
  private readonly byOid = new Map<string, MibNode>();
  private readonly byQualified = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  private readonly translateCache = new Map<string, Translation>();

  constructor(readonly json: MibDictionaryJson) {
    const rows = new Map<string, MibNodeJson>();
    for (const n of json.nodes) if (n.k === 'row') rows.set(n.o, n);
    for (const n of json.nodes) {
      const node: MibNode = { oid: n.o, module: n.m, name: n.n, kind: n.k };
      if (n.t !== undefined) node.type = n.t;
      if (n.tc !== undefined) node.textualConvention = n.tc;
      if (n.h !== undefined) node.displayHint = n.h;
      if (n.e !== undefined) node.enums = new Map(n.e);
      if (n.s !== undefined) node.fixedSize = n.s;
      if (n.u !== undefined) node.units = n.u;
      if (n.a !== undefined) node.access = n.a;
      if (n.v !== undefined) node.objects = n.v;
      if (n.k === 'row') {
        let row: MibNodeJson | undefined = n;
        for (let hop = 0; row && !row.x && row.ag && hop < 8; hop++) row = rows.get(row.ag);
        if (row?.x) node.index = row.x.map(([oid, implied]) => ({ oid, implied }));
      }
      this.byOid.set(n.o, node);
      this.byQualified.set(`${n.m}::${n.n}`, n.o);
      // a bare name resolves to the SMIv2 definition: the compiler already chose one node per OID,
      // and among equal names the first in OID order wins
      if (!this.byName.has(n.n)) this.byName.set(n.n, n.o);
    }
  }

  get size(): number {
    return this.byOid.size;
  }

  modules(): string[] {
    return Object.keys(this.json.modules);
  }

  nodes(): IterableIterator<MibNode> {
    return this.byOid.values();
  }

  /** The node defined exactly at `oid` (numeric, no leading dot). */
  node(oid: string): MibNode | undefined {
    return this.byOid.get(oid);
  }

  /** `IF-MIB::ifInOctets` or `ifInOctets` → node */
  nodeByName(name: string): MibNode | undefined {
    const oid = name.includes('::') ? this.byQualified.get(name) : this.byName.get(name);
    return oid === undefined ? undefined : this.byOid.get(oid);
  }

  /**
   * Numeric OID → name with decoded index (`1.3.6.1.2.1.2.2.1.10.3` → `IF-MIB::ifInOctets.3`).
   * Results are cached (bounded): trap varbinds repeat the same OIDs.
   */
  translate(oid: string): Translation {
    const clean = oid.startsWith('.') ? oid.slice(1) : oid;
    const cached = this.translateCache.get(clean);
    if (cached) return cached;
    const result = this.translateUncached(clean);
    if (this.translateCache.size >= 50_000) this.translateCache.clear();
    this.translateCache.set(clean, result);
    return result;
  }

  private translateUncached(oid: string): Translation {
    let prefix = oid;
    let node: MibNode | undefined;
    for (;;) {
      node = this.byOid.get(prefix);
      if (node) break;
      const cut = prefix.lastIndexOf('.');
      if (cut < 0) break;
      prefix = prefix.slice(0, cut);
    }
    if (!node) return { name: oid, suffix: [] };
    const rest = oid.length > prefix.length ? oid.slice(prefix.length + 1) : '';
    const suffix = rest ? rest.split('.').map(Number) : [];
    const base = `${node.module}::${node.name}`;
    if (suffix.length === 0) return { name: base, node, suffix };
    if (node.kind === 'column') {
      const row = this.byOid.get(node.oid.slice(0, node.oid.lastIndexOf('.')));
      const index = row?.index ? this.decodeIndex(row.index, suffix) : undefined;
      if (index) return { name: `${base}.${index.map((p) => p.value).join('.')}`, node, suffix, index };
    }
    return { name: `${base}.${rest}`, node, suffix };
  }

  /** RFC 2578 §7.7: how each INDEX syntax maps to instance arcs. Undefined when they do not fit. */
  decodeIndex(index: ReadonlyArray<{ oid: string; implied: boolean }>, arcs: readonly number[]): IndexPart[] | undefined {
    const parts: IndexPart[] = [];
    let pos = 0;
    for (let i = 0; i < index.length; i++) {
      const spec = index[i];
      if (!spec) return undefined;
      const obj = this.byOid.get(spec.oid);
      const name = obj?.name ?? spec.oid;
      const type = obj?.type;
      const last = i === index.length - 1;
      if (type === undefined || INTEGER_TYPES.has(type)) {
        const v = arcs[pos++];
        if (v === undefined) return undefined;
        parts.push({ name, value: String(v) });
      } else if (type === 'IpAddress') {
        if (pos + 4 > arcs.length) return undefined;
        const ip = arcs.slice(pos, pos + 4);
        if (ip.some((b) => b > 255)) return undefined;
        parts.push({ name, value: ip.join('.') });
        pos += 4;
      } else if (type === 'OCTET STRING' || type === 'OBJECT IDENTIFIER' || type === 'BITS' || type === 'Opaque') {
        const rawStart = pos;
        let len: number;
        let start = pos;
        if (spec.implied && last) len = arcs.length - pos;
        else if (obj?.fixedSize !== undefined) len = obj.fixedSize;
        else {
          const l = arcs[pos];
          if (l === undefined) return undefined;
          len = l;
          start = pos + 1;
        }
        if (start + len > arcs.length) return undefined;
        const body = arcs.slice(start, start + len);
        pos = start + len;
        // Quoted only when it reads back unchanged: printable ASCII without `"` — a tab or newline
        // (printable as a value) would not survive `resolve()` (fast-check found `.1.10`).
        if (type !== 'OBJECT IDENTIFIER' && body.length > 0 && body.every((b) => b >= 0x20 && b < 0x7f && b !== 34)) {
          parts.push({ name, value: `"${String.fromCharCode(...body)}"` });
        } else {
          // raw arcs, length arc included, so the name translates back to the same OID
          parts.push({ name, value: arcs.slice(rawStart, pos).join('.') });
        }
      } else {
        return undefined;
      }
    }
    if (pos !== arcs.length) return undefined;
    return parts;
  }

  /**
   * Name → numeric OID: `IF-MIB::ifInOctets.3`, `ifDescr.2`, `sysUpTime.0`,
   * `NET-SNMP-EXTEND-MIB::nsExtendCommand."test"`, `.1.3.6.1.2.1.1.3.0`, `1.3.6.1`.
   */
  resolve(text: string): string {
    const input = text.trim();
    if (/^\.?\d+(\.\d+)*$/.test(input)) return input.startsWith('.') ? input.slice(1) : input;
    const m = /^(?:([A-Za-z][\w-]*)::)?([A-Za-z][\w-]*)(.*)$/.exec(input);
    if (!m) throw new MibError('not-found', `cannot parse OID or name '${text}'`, { oid: text });
    const [, mod, name = '', rest = ''] = m;
    const node = mod ? this.nodeByName(`${mod}::${name}`) : this.nodeByName(name);
    if (!node) throw new MibError('not-found', `unknown MIB object '${mod ? `${mod}::` : ''}${name}'`, { oid: text });
    if (!rest) return node.oid;
    if (!rest.startsWith('.')) throw new MibError('not-found', `cannot parse instance '${rest}' of ${node.name}`, { oid: text });
    const tokens = tokenizeSuffix(rest.slice(1));
    if (!tokens) throw new MibError('not-found', `cannot parse instance '${rest}' of ${node.name}`, { oid: text });
    const arcs = this.encodeIndex(node, tokens);
    return `${node.oid}.${arcs.join('.')}`;
  }

  private encodeIndex(node: MibNode, tokens: Array<number | string>): number[] {
    const row = node.kind === 'column' ? this.byOid.get(node.oid.slice(0, node.oid.lastIndexOf('.'))) : undefined;
    const arcs: number[] = [];
    const index = row?.index ?? [];
    let t = 0;
    for (let i = 0; i < index.length && t < tokens.length; i++) {
      const spec = index[i];
      const tok = tokens[t];
      if (!spec || tok === undefined) break;
      const obj = this.byOid.get(spec.oid);
      const last = i === index.length - 1;
      const prefixed = !(spec.implied && last) && obj?.fixedSize === undefined;
      if (typeof tok === 'string') {
        const bytes = [...Buffer.from(tok, 'latin1')];
        if (prefixed) arcs.push(bytes.length);
        arcs.push(...bytes);
        t++;
        continue;
      }
      // numeric tokens: take as many arcs as this INDEX component spans
      let take = 1;
      if (obj?.type === 'IpAddress') take = 4;
      else if (obj?.type === 'OCTET STRING' || obj?.type === 'OBJECT IDENTIFIER') {
        take = !prefixed ? (obj.fixedSize ?? tokens.length - t) : tok + 1;
      }
      for (let k = 0; k < take && t < tokens.length; k++) {
        const v = tokens[t++];
        if (typeof v === 'number') arcs.push(v);
        else if (v !== undefined) arcs.push(...Buffer.from(v, 'latin1'));
      }
    }
    for (; t < tokens.length; t++) {
      const tok = tokens[t];
      if (typeof tok === 'number') arcs.push(tok);
      else if (tok !== undefined) {
        const bytes = [...Buffer.from(tok, 'latin1')];
        arcs.push(bytes.length, ...bytes);
      }
    }
    return arcs;
  }

  /**
   * How a varbind value reads to an operator: `down(2)` for an enum, the DISPLAY-HINT rendering
   * of an OCTET STRING (`00:1a:2b:3c:4d:5e`), a translated OID value, text for printable strings.
   * `value` is the decoded varbind value: number/bigint, Buffer, or string for OIDs/IpAddress.
   */
  formatValue(node: MibNode | undefined, value: unknown): string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'number' || typeof value === 'bigint') {
      const label = node?.enums?.get(Number(value));
      if (label !== undefined) return `${label}(${value})`;
      if (node?.type === 'TimeTicks') return formatTimeTicks(Number(value));
      if (node?.displayHint) return formatIntegerWithHint(value, node.displayHint);
      return undefined;
    }
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      const bytes = value instanceof Uint8Array ? value : Buffer.from(value);
      if (node?.type === 'BITS' && node.enums) return formatBits(bytes, node.enums);
      if (node?.displayHint) return formatOctetsWithHint(bytes, node.displayHint);
      return printableText(bytes) ?? hex(bytes);
    }
    if (typeof value === 'string' && node?.type === 'OBJECT IDENTIFIER') {
      const t = this.translate(value);
      return t.node ? t.name : undefined;
    }
    return undefined;
  }

  /** Substring search over names (case-insensitive) and OIDs, in OID order. */
  search(text: string, limit = 200): MibNode[] {
    const q = text.trim().toLowerCase();
    const out: MibNode[] = [];
    if (!q) return out;
    for (const n of this.byOid.values()) {
      if (n.name.toLowerCase().includes(q) || `${n.module}::${n.name}`.toLowerCase().includes(q) || n.oid.startsWith(q)) {
        out.push(n);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

function tokenizeSuffix(s: string): Array<number | string> | undefined {
  const out: Array<number | string> = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) return undefined;
      out.push(s.slice(i + 1, end));
      i = end + 1;
    } else {
      const m = /^\d+/.exec(s.slice(i));
      if (!m) return undefined;
      out.push(Number(m[0]));
      i += m[0].length;
    }
    if (i < s.length) {
      if (s[i] !== '.') return undefined;
      i++;
    }
  }
  return out;
}

/** net-snmp style: `(12345) 0:02:03.45` */
export function formatTimeTicks(ticks: number): string {
  const cs = ticks % 100;
  let s = Math.floor(ticks / 100);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (v: number): string => String(v).padStart(2, '0');
  const dayPart = days ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  return `(${ticks}) ${dayPart}${h}:${two(m)}:${two(sec)}.${two(cs)}`;
}

function formatBits(bytes: Uint8Array, names: ReadonlyMap<number, string>): string {
  const set: string[] = [];
  for (let i = 0; i < bytes.length * 8; i++) {
    if (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) set.push(`${names.get(i) ?? 'bit'}(${i})`);
  }
  return set.join(' ');
}
