import { counter32, counter64, counterAt } from './lab-counters';
import type { InterfaceRates, LabDevice } from './lab-device';
import { scalarRows, type MibObject, type MibValue } from './mib-object';
import { parseOid } from './oid-order';

/**
 * IF-MIB (RFC 2863) ifTable and ifXTable of a simulated device. Every counter is
 * `counterAt(rate, now − boot, offset)` with the rates below, so a test predicts any reading.
 */

/** Average packet size the packet counters are derived with: packets/s = octets/s ÷ 512. */
export const LAB_PACKET_BYTES = 512;

export type IfCounter =
  | 'inOctets' | 'outOctets'
  | 'inUcastPkts' | 'outUcastPkts'
  | 'inMulticastPkts' | 'outMulticastPkts'
  | 'inBroadcastPkts' | 'outBroadcastPkts'
  | 'inErrors' | 'outErrors'
  | 'inDiscards' | 'outDiscards'
  | 'inUnknownProtos';

/**
 * Per-second rate of one counter of one interface. Interface n carries (1 + ((n − 1) mod 4) / 4)
 * times the base rate, so neighbouring interfaces differ; an interface that is oper-down carries
 * nothing. Pure: a test computes the expected reading with it.
 */
export function interfaceRate(rates: InterfaceRates, ifIndex: number, counter: IfCounter, operDown = false): number {
  if (operDown) return 0;
  const scale = 1 + ((ifIndex - 1) % 4) / 4;
  const inOctets = rates.inOctetsPerSec * scale;
  const outOctets = rates.outOctetsPerSec * scale;
  switch (counter) {
    case 'inOctets': return inOctets;
    case 'outOctets': return outOctets;
    case 'inUcastPkts': return inOctets / LAB_PACKET_BYTES;
    case 'outUcastPkts': return outOctets / LAB_PACKET_BYTES;
    case 'inMulticastPkts': return inOctets / LAB_PACKET_BYTES / 100;
    case 'outMulticastPkts': return outOctets / LAB_PACKET_BYTES / 100;
    case 'inBroadcastPkts': return inOctets / LAB_PACKET_BYTES / 200;
    case 'outBroadcastPkts': return outOctets / LAB_PACKET_BYTES / 200;
    case 'inErrors': return rates.inErrorsPerSec;
    case 'outErrors': return rates.outErrorsPerSec;
    case 'inDiscards': return rates.inDiscardsPerSec;
    case 'outDiscards': return rates.outDiscardsPerSec;
    case 'inUnknownProtos': return 0;
  }
}

/** The unbounded value of one interface counter of a device at `nowMs`. */
export function interfaceCounter(device: LabDevice, ifIndex: number, counter: IfCounter, nowMs: number): bigint {
  const { spec } = device;
  const rate = interfaceRate(spec.rates, ifIndex, counter, spec.operDown.has(ifIndex));
  return counterAt(rate, nowMs - device.bootAtMs(nowMs), spec.counterOffset);
}

/** A locally administered, unicast MAC: 02:5a:<device ordinal, 2 bytes>:<ifIndex, 2 bytes>. */
export function labMacAddress(ordinal: number, ifIndex: number): Buffer {
  return Buffer.from([0x02, 0x5a, (ordinal >> 8) & 0xff, ordinal & 0xff, (ifIndex >> 8) & 0xff, ifIndex & 0xff]);
}

const interfaceRows = (d: LabDevice): readonly number[] => interfaceIndexes(d.spec.interfaces);
const indexCache = new Map<number, readonly number[]>();
function interfaceIndexes(count: number): readonly number[] {
  let rows = indexCache.get(count);
  if (!rows) {
    rows = Array.from({ length: count }, (_, i) => i + 1);
    indexCache.set(count, rows);
  }
  return rows;
}

function column(table: string, name: string, sub: number, value: MibObject['value']): MibObject {
  return { name, oid: parseOid(`${table}.${sub}`), rows: interfaceRows, value };
}

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
const UP = 1;
const DOWN = 2;

const int = (value: number): MibValue => ({ type: 'Integer', value });
const text = (value: string): MibValue => ({ type: 'OctetString', value });
const c32 = (counter: IfCounter): MibObject['value'] => (d, i, now) => ({ type: 'Counter32', value: counter32(interfaceCounter(d, i, counter, now)) });
const c64 = (counter: IfCounter): MibObject['value'] => (d, i, now) => ({ type: 'Counter64', value: counter64(interfaceCounter(d, i, counter, now)) });
const nUcast = (dir: 'in' | 'out'): MibObject['value'] => (d, i, now) => ({
  type: 'Counter32',
  value: counter32(
    interfaceCounter(d, i, dir === 'in' ? 'inMulticastPkts' : 'outMulticastPkts', now) +
      interfaceCounter(d, i, dir === 'in' ? 'inBroadcastPkts' : 'outBroadcastPkts', now),
  ),
});
const operStatus = (d: LabDevice, i: number): number => (d.isOperDown(i) ? DOWN : UP);

export const IF_NUMBER: MibObject = {
  name: 'ifNumber',
  oid: parseOid('1.3.6.1.2.1.2.1'),
  rows: scalarRows,
  value: (d) => int(d.spec.interfaces),
};

/** ifTable (RFC 2863 §6, ifEntry columns 1–22). */
export const IF_TABLE: readonly MibObject[] = [
  column(IF_ENTRY, 'ifIndex', 1, (_d, i) => int(i)),
  column(IF_ENTRY, 'ifDescr', 2, (d, i) => text(d.spec.profile.ifDescr(i))),
  column(IF_ENTRY, 'ifType', 3, (d) => int(d.spec.profile.ifType)),
  column(IF_ENTRY, 'ifMtu', 4, (d) => int(d.spec.profile.ifMtu)),
  // Gauge32 saturates at 2^32 − 1 for interfaces of 4.3 Gb/s and more; ifHighSpeed has the speed
  column(IF_ENTRY, 'ifSpeed', 5, (d, i) => ({ type: 'Gauge32', value: Math.min(d.spec.profile.ifSpeed(i), 0xffffffff) })),
  column(IF_ENTRY, 'ifPhysAddress', 6, (d, i) => ({ type: 'OctetString', value: labMacAddress(d.spec.ordinal, i) })),
  column(IF_ENTRY, 'ifAdminStatus', 7, () => int(UP)),
  column(IF_ENTRY, 'ifOperStatus', 8, (d, i) => int(operStatus(d, i))),
  column(IF_ENTRY, 'ifLastChange', 9, () => ({ type: 'TimeTicks', value: 0 })),
  column(IF_ENTRY, 'ifInOctets', 10, c32('inOctets')),
  column(IF_ENTRY, 'ifInUcastPkts', 11, c32('inUcastPkts')),
  column(IF_ENTRY, 'ifInNUcastPkts', 12, nUcast('in')),
  column(IF_ENTRY, 'ifInDiscards', 13, c32('inDiscards')),
  column(IF_ENTRY, 'ifInErrors', 14, c32('inErrors')),
  column(IF_ENTRY, 'ifInUnknownProtos', 15, c32('inUnknownProtos')),
  column(IF_ENTRY, 'ifOutOctets', 16, c32('outOctets')),
  column(IF_ENTRY, 'ifOutUcastPkts', 17, c32('outUcastPkts')),
  column(IF_ENTRY, 'ifOutNUcastPkts', 18, nUcast('out')),
  column(IF_ENTRY, 'ifOutDiscards', 19, c32('outDiscards')),
  column(IF_ENTRY, 'ifOutErrors', 20, c32('outErrors')),
  column(IF_ENTRY, 'ifOutQLen', 21, () => ({ type: 'Gauge32', value: 0 })),
  column(IF_ENTRY, 'ifSpecific', 22, () => ({ type: 'OID', value: '0.0' })),
];

/** ifXTable (RFC 2863 §6, ifXEntry columns 1–19). */
export const IFX_TABLE: readonly MibObject[] = [
  column(IFX_ENTRY, 'ifName', 1, (d, i) => text(d.spec.profile.ifName(i))),
  column(IFX_ENTRY, 'ifInMulticastPkts', 2, c32('inMulticastPkts')),
  column(IFX_ENTRY, 'ifInBroadcastPkts', 3, c32('inBroadcastPkts')),
  column(IFX_ENTRY, 'ifOutMulticastPkts', 4, c32('outMulticastPkts')),
  column(IFX_ENTRY, 'ifOutBroadcastPkts', 5, c32('outBroadcastPkts')),
  column(IFX_ENTRY, 'ifHCInOctets', 6, c64('inOctets')),
  column(IFX_ENTRY, 'ifHCInUcastPkts', 7, c64('inUcastPkts')),
  column(IFX_ENTRY, 'ifHCInMulticastPkts', 8, c64('inMulticastPkts')),
  column(IFX_ENTRY, 'ifHCInBroadcastPkts', 9, c64('inBroadcastPkts')),
  column(IFX_ENTRY, 'ifHCOutOctets', 10, c64('outOctets')),
  column(IFX_ENTRY, 'ifHCOutUcastPkts', 11, c64('outUcastPkts')),
  column(IFX_ENTRY, 'ifHCOutMulticastPkts', 12, c64('outMulticastPkts')),
  column(IFX_ENTRY, 'ifHCOutBroadcastPkts', 13, c64('outBroadcastPkts')),
  column(IFX_ENTRY, 'ifLinkUpDownTrapEnable', 14, () => int(1)),
  column(IFX_ENTRY, 'ifHighSpeed', 15, (d, i) => ({ type: 'Gauge32', value: Math.floor(d.spec.profile.ifSpeed(i) / 1_000_000) })),
  column(IFX_ENTRY, 'ifPromiscuousMode', 16, () => int(2)),
  column(IFX_ENTRY, 'ifConnectorPresent', 17, () => int(1)),
  column(IFX_ENTRY, 'ifAlias', 18, (d, i) => text(`${d.spec.name} port ${i}${d.spec.operDown.has(i) ? ' (unused)' : ''}`)),
  // sysUpTime at the last counter discontinuity: counters restart with the device, at sysUpTime 0
  column(IFX_ENTRY, 'ifCounterDiscontinuityTime', 19, () => ({ type: 'TimeTicks', value: 0 })),
];
