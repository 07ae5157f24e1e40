import { counter32, timeTicksSince } from './lab-counters';
import type { LabDevice } from './lab-device';
import { scalarRows, type MibObject, type MibValue } from './mib-object';
import { parseOid } from './oid-order';

/**
 * HOST-RESOURCES-MIB (RFC 2790): hrSystemUptime, hrMemorySize, hrStorageTable (RAM and one
 * fixed disk) and hrProcessorTable. Gauges follow slow sine curves of the absolute time,
 * phase-shifted per device, so graphs move and a test can still compute every reading.
 */

/** One full load cycle every 5 minutes. */
const LOAD_PERIOD_MS = 300_000;

/** hrProcessorLoad (percent, 0–100) of processor `cpu` (0-based) of a device at `nowMs`. */
export function processorLoad(ordinal: number, cpu: number, nowMs: number): number {
  const phase = (2 * Math.PI * (nowMs % LOAD_PERIOD_MS)) / LOAD_PERIOD_MS + ordinal * 0.7 + cpu * 1.3;
  return Math.round(35 + 25 * Math.sin(phase));
}

/** Fraction (0–1) of a storage area in use at `nowMs`: RAM swings 40–70 %, disk drifts 55–60 %. */
export function storageUsedFraction(ordinal: number, storage: 'ram' | 'disk', nowMs: number): number {
  const phase = (2 * Math.PI * (nowMs % LOAD_PERIOD_MS)) / LOAD_PERIOD_MS + ordinal * 0.3;
  return storage === 'ram' ? 0.55 + 0.15 * Math.sin(phase) : 0.575 + 0.025 * Math.sin(phase / 4);
}

/** hrDeviceIndex of processor n, as Net-SNMP numbers them (hrDeviceProcessor << 16). */
export const HR_PROCESSOR_BASE_INDEX = 196608;

const HR_STORAGE_RAM = '1.3.6.1.2.1.25.2.1.2';
const HR_STORAGE_FIXED_DISK = '1.3.6.1.2.1.25.2.1.4';
const STORAGE_ENTRY = '1.3.6.1.2.1.25.2.3.1';
const PROCESSOR_ENTRY = '1.3.6.1.2.1.25.3.3.1';

interface StorageArea {
  kind: 'ram' | 'disk';
  type: string;
  descr: string;
  unitBytes: number;
  kBytes: (d: LabDevice) => number;
}

const STORAGE: Readonly<Record<number, StorageArea>> = {
  1: { kind: 'ram', type: HR_STORAGE_RAM, descr: 'Physical memory', unitBytes: 1024, kBytes: (d) => d.spec.profile.ramKBytes },
  2: { kind: 'disk', type: HR_STORAGE_FIXED_DISK, descr: '/', unitBytes: 4096, kBytes: (d) => d.spec.profile.diskKBytes },
};
const STORAGE_ROWS: readonly number[] = [1, 2];

function storage(index: number): StorageArea {
  const area = STORAGE[index];
  if (!area) throw new RangeError(`hrStorageTable has no row ${index}`);
  return area;
}

/** hrStorageSize / hrStorageUsed in allocation units. */
export function storageUnits(device: LabDevice, index: number, nowMs: number): { size: number; used: number } {
  const area = storage(index);
  const size = Math.floor((area.kBytes(device) * 1024) / area.unitBytes);
  return { size, used: Math.floor(size * storageUsedFraction(device.spec.ordinal, area.kind, nowMs)) };
}

const processorRowCache = new Map<number, readonly number[]>();
function processorRows(d: LabDevice): readonly number[] {
  const n = d.spec.profile.processors;
  let rows = processorRowCache.get(n);
  if (!rows) {
    rows = Array.from({ length: n }, (_, i) => HR_PROCESSOR_BASE_INDEX + i);
    processorRowCache.set(n, rows);
  }
  return rows;
}

const int = (value: number): MibValue => ({ type: 'Integer', value });

function storageColumn(name: string, sub: number, value: MibObject['value']): MibObject {
  return { name, oid: parseOid(`${STORAGE_ENTRY}.${sub}`), rows: () => STORAGE_ROWS, value };
}

export const HOST_RESOURCES: readonly MibObject[] = [
  {
    name: 'hrSystemUptime',
    oid: parseOid('1.3.6.1.2.1.25.1.1'),
    rows: scalarRows,
    value: (d, _i, now) => ({ type: 'TimeTicks', value: timeTicksSince(d.bootAtMs(now), now) }),
  },
  { name: 'hrMemorySize', oid: parseOid('1.3.6.1.2.1.25.2.2'), rows: scalarRows, value: (d) => int(d.spec.profile.ramKBytes) },
  storageColumn('hrStorageIndex', 1, (_d, i) => int(i)),
  storageColumn('hrStorageType', 2, (_d, i) => ({ type: 'OID', value: storage(i).type })),
  storageColumn('hrStorageDescr', 3, (_d, i) => ({ type: 'OctetString', value: storage(i).descr })),
  storageColumn('hrStorageAllocationUnits', 4, (_d, i) => int(storage(i).unitBytes)),
  storageColumn('hrStorageSize', 5, (d, i, now) => int(storageUnits(d, i, now).size)),
  storageColumn('hrStorageUsed', 6, (d, i, now) => int(storageUnits(d, i, now).used)),
  storageColumn('hrStorageAllocationFailures', 7, () => ({ type: 'Counter32', value: counter32(0n) })),
  { name: 'hrProcessorFrwID', oid: parseOid(`${PROCESSOR_ENTRY}.1`), rows: processorRows, value: () => ({ type: 'OID', value: '0.0' }) },
  {
    name: 'hrProcessorLoad',
    oid: parseOid(`${PROCESSOR_ENTRY}.2`),
    rows: processorRows,
    value: (d, i, now) => int(processorLoad(d.spec.ordinal, i - HR_PROCESSOR_BASE_INDEX, now)),
  },
];
