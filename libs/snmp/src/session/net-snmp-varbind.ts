import snmp from 'net-snmp';
import { bytesToBigint, type Varbind, type VarbindType, type VarbindValue } from './varbind';

/** net-snmp ObjectType codes → the SMIv2 type names of Varbind. */
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

/** net-snmp's raw varbind → ours. Counter64 arrives as a big-endian byte string. */
export function toVarbind(raw: { oid: string; type: number; value: unknown }): Varbind {
  const type = TYPE_NAMES[raw.type] ?? 'Opaque';
  let value = raw.value as VarbindValue;
  if (type === 'Counter64') value = bytesToBigint(raw.value);
  return { oid: raw.oid, type, value };
}


/** The types a SET may carry (RFC 3416 §4.2.5: exceptions and Null are not values to write). */
export type SetVarbindType = Exclude<VarbindType, 'NoSuchObject' | 'NoSuchInstance' | 'EndOfMibView' | 'Null' | 'Boolean' | 'BitString'>;

/** A varbind to write: Integer/Counter32/Gauge32/TimeTicks a number, Counter64 a bigint, OctetString/Opaque a Buffer or string, OID/IpAddress dotted text. */
export interface SetVarbind {
  oid: string;
  type: SetVarbindType;
  value: number | bigint | Buffer | string;
}

const TYPE_CODES: Readonly<Record<SetVarbindType, number>> = {
  Integer: snmp.ObjectType.Integer as number,
  OctetString: snmp.ObjectType.OctetString as number,
  OID: snmp.ObjectType.OID as number,
  IpAddress: snmp.ObjectType.IpAddress as number,
  Counter32: snmp.ObjectType.Counter as number,
  Gauge32: snmp.ObjectType.Gauge as number,
  TimeTicks: snmp.ObjectType.TimeTicks as number,
  Opaque: snmp.ObjectType.Opaque as number,
  Counter64: snmp.ObjectType.Counter64 as number,
};

/** Ours → net-snmp's raw varbind for a SET. Counter64 goes out as net-snmp's big-endian bytes. */
export function toRawSetVarbind(vb: SetVarbind): { oid: string; type: number; value: unknown } {
  let value: unknown = vb.value;
  if (vb.type === 'Counter64') {
    let n = BigInt(vb.value as bigint | number);
    const bytes: number[] = [];
    do {
      bytes.unshift(Number(n & 0xffn));
      n >>= 8n;
    } while (n > 0n);
    value = Buffer.from(bytes);
  }
  return { oid: vb.oid, type: TYPE_CODES[vb.type], value };
}
