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

