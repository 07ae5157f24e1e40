import snmp from 'net-snmp';

/** SMIv2 type names as RFC 2578 spells them (what `snmpwalk` prints, minus its upper-casing). */
export type VarbindType =
  | 'Boolean'
  | 'Integer'
  | 'BitString'
  | 'OctetString'
  | 'Null'
  | 'OID'
  | 'IpAddress'
  | 'Counter32'
  | 'Gauge32'
  | 'TimeTicks'
  | 'Opaque'
  | 'Counter64'
  | 'NoSuchObject'
  | 'NoSuchInstance'
  | 'EndOfMibView';

export type VarbindValue = number | bigint | Buffer | string | boolean | null;

export interface Varbind {
  oid: string;
  type: VarbindType;
  /** Integer/Counter32/Gauge32/TimeTicks: number · Counter64: bigint · OctetString/Opaque: Buffer · OID/IpAddress: string */
  value: VarbindValue;
}

const TYPE_NAMES: Readonly<Record<number, VarbindType>> = {
  [snmp.ObjectType.Boolean as number]: 'Boolean',
  [snmp.ObjectType.Integer as number]: 'Integer',
  [snmp.ObjectType.BitString as number]: 'BitString',
  [snmp.ObjectType.OctetString as number]: 'OctetString',
  [snmp.ObjectType.Null as number]: 'Null',
  [snmp.ObjectType.OID as number]: 'OID',
  [snmp.ObjectType.IpAddress as number]: 'IpAddress',
  [snmp.ObjectType.Counter as number]: 'Counter32',
  [snmp.ObjectType.Gauge as number]: 'Gauge32',
  [snmp.ObjectType.TimeTicks as number]: 'TimeTicks',
  [snmp.ObjectType.Opaque as number]: 'Opaque',
  [snmp.ObjectType.Counter64 as number]: 'Counter64',
  [snmp.ObjectType.NoSuchObject as number]: 'NoSuchObject',
  [snmp.ObjectType.NoSuchInstance as number]: 'NoSuchInstance',
  [snmp.ObjectType.EndOfMibView as number]: 'EndOfMibView',
};

/** The three SNMPv2 exceptions (RFC 3416 §4.2.1): a varbind that carries no value. */
export function isException(type: VarbindType): boolean {
  return type === 'NoSuchObject' || type === 'NoSuchInstance' || type === 'EndOfMibView';
}

/** net-snmp's raw varbind → ours. Counter64 arrives as a big-endian byte string. */
export function toVarbind(raw: { oid: string; type: number; value: unknown }): Varbind {
  const type = TYPE_NAMES[raw.type] ?? 'Opaque';
  let value = raw.value as VarbindValue;
  if (type === 'Counter64') value = bytesToBigint(raw.value);
  return { oid: raw.oid, type, value };
}

export function bytesToBigint(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.max(0, Math.trunc(value)));
  if (!Buffer.isBuffer(value)) return 0n;
  let out = 0n;
  for (const byte of value) out = (out << 8n) | BigInt(byte);
  return out & 0xffff_ffff_ffff_ffffn;
}

/** Numeric view of a counter/gauge value, or undefined when it is not a number. */
export function numericValue(vb: Varbind): number | bigint | undefined {
  switch (typeof vb.value) {
    case 'number':
    case 'bigint':
      return vb.value;
    default:
      return undefined;
  }
}

/**
 * OID comparison by sub-identifier (RFC 3416 lexicographic order), not by string. Called for
 * every varbind of a walk: scans both strings in place, no split, no allocation.
 */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la && j < lb) {
    let na = 0;
    let da = 0;
    while (i < la && a.charCodeAt(i) !== 46) {
      na = na * 10 + (a.charCodeAt(i) - 48);
      i++;
      da++;
    }
    let nb = 0;
    let db = 0;
    while (j < lb && b.charCodeAt(j) !== 46) {
      nb = nb * 10 + (b.charCodeAt(j) - 48);
      j++;
      db++;
    }
    if (na !== nb) return na < nb ? -1 : 1;
    if (da === 0 || db === 0) return da === db ? 0 : da < db ? -1 : 1;
    i++; // skip '.'
    j++;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

export function oidInSubtree(base: string, oid: string): boolean {
  return oid.length > base.length && oid.startsWith(base) && oid.charCodeAt(base.length) === 46; // '.'
}
