/**
 * The index of an RMON2 nlHost or nlMatrixSD row as the collector reads it (RFC 4502):
 * `<control>.<timeMark>.<protocolDirLocalIndex>.<address>` or
 * `…<protocolDirLocalIndex>.<sourceAddress>.<destAddress>`, each address an OCTET STRING index:
 * its length, then one sub-identifier per octet (RFC 2578 §7.7).
 */
export interface NlIndex {
  control: number;
  timeMark: number;
  localIndex: number;
  /** One address for nlHost, source and destination for nlMatrixSD. */
  addresses: number[][];
}

const OCTET_MAX = 255;
const SUB_ID_MAX = 0xffffffff;

/** Parses an index with `count` addresses; undefined for anything else (never throws: untrusted agent data). */
export function parseNlIndex(index: string, count: 1 | 2): NlIndex | undefined {
  const parts = index.split('.');
  const ids: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return undefined;
    const n = Number(p);
    if (n > SUB_ID_MAX) return undefined;
    ids.push(n);
  }
  const [control, timeMark, localIndex] = ids;
  if (control === undefined || timeMark === undefined || localIndex === undefined) return undefined;
  const addresses: number[][] = [];
  let at = 3;
  for (let a = 0; a < count; a++) {
    const len = ids[at];
    if (len === undefined || at + 1 + len > ids.length) return undefined;
    const octets = ids.slice(at + 1, at + 1 + len);
    if (octets.some((o) => o > OCTET_MAX)) return undefined;
    addresses.push(octets);
    at += 1 + len;
  }
  if (at !== ids.length) return undefined;
  return { control, timeMark, localIndex, addresses };
}

/** An address as operators read it: dotted decimal for 4 octets (IPv4), eight uncompressed hex groups for 16 (IPv6), hex pairs otherwise. */
export function formatNlAddress(octets: readonly number[]): string {
  if (octets.length === 4) return octets.join('.');
  if (octets.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((((octets[i] as number) << 8) | (octets[i + 1] as number)).toString(16));
    return groups.join(':');
  }
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
}
