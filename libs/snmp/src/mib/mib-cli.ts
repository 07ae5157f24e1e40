import { MibError } from './mib-error';
import type { MibNode, OidDictionary } from './oid-dictionary';

/** One printable row of `sonde mib lookup` / `sonde mib search`. */
export interface MibRow {
  oid: string;
  name: string;
  kind: string;
  type: string;
  detail: string;
}

function describe(node: MibNode): string {
  const bits: string[] = [];
  if (node.textualConvention) bits.push(`TC ${node.textualConvention}`);
  if (node.displayHint) bits.push(`hint "${node.displayHint}"`);
  if (node.units) bits.push(`units "${node.units}"`);
  if (node.enums) bits.push([...node.enums].map(([n, l]) => `${l}(${n})`).join(' '));
  if (node.access) bits.push(node.access);
  return bits.join(', ');
}

/**
 * `sonde mib lookup <oid|name>`: a numeric OID shows its name with decoded index; a name
 * (`IF-MIB::ifInOctets.3`, `ifDescr`) shows its numeric OID. Throws MibError('not-found').
 */
export function mibLookup(dict: OidDictionary, query: string): MibRow[] {
  const q = query.trim();
  const numeric = /^\.?\d+(\.\d+)*$/.test(q);
  const oid = numeric ? q.replace(/^\./, '') : dict.resolve(q);
  const t = dict.translate(oid);
  if (!t.node) throw new MibError('not-found', `no MIB object covers ${oid}`, { oid });
  const rows: MibRow[] = [
    { oid, name: t.name, kind: t.node.kind, type: t.node.type ?? '', detail: describe(t.node) },
  ];
  for (const part of t.index ?? []) rows.push({ oid: '', name: `  index ${part.name}`, kind: 'index', type: '', detail: part.value });
  if (t.node.kind === 'notification') {
    for (const o of t.node.objects ?? []) {
      const obj = dict.translate(o);
      rows.push({ oid: o, name: `  object ${obj.name}`, kind: obj.node?.kind ?? '', type: obj.node?.type ?? '', detail: '' });
    }
  }
  return rows;
}

/** `sonde mib search <text>`: names containing the text (case-insensitive), in OID order. */
export function mibSearch(dict: OidDictionary, text: string, limit = 200): MibRow[] {
  return dict.search(text, limit).map((n) => ({
    oid: n.oid,
    name: `${n.module}::${n.name}`,
    kind: n.kind,
    type: n.type ?? '',
    detail: describe(n),
  }));
}

/** Aligned text table of rows for a terminal. */
export function formatMibRows(rows: readonly MibRow[]): string {
  const w = (k: keyof MibRow): number => Math.max(k.length, ...rows.map((r) => r[k].length));
  const cols: Array<keyof MibRow> = ['oid', 'name', 'kind', 'type', 'detail'];
  const widths = cols.map(w);
  const line = (r: Record<string, string>): string => cols.map((c, i) => (r[c] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line({ oid: 'OID', name: 'NAME', kind: 'KIND', type: 'TYPE', detail: 'DETAIL' }), ...rows.map((r) => line({ ...r }))].join('\n');
}
