import type { Oid } from './oid-order';
import type { LabDevice } from './lab-device';

/** SMIv2 types a lab agent serves (RFC 2578 §7.1), plus the SNMPv2 exceptions (RFC 3416 §3). */
export type MibValue =
  | { type: 'Integer'; value: number }
  | { type: 'OctetString'; value: string | Buffer }
  | { type: 'OID'; value: string }
  | { type: 'IpAddress'; value: string }
  | { type: 'Counter32'; value: number }
  | { type: 'Gauge32'; value: number }
  | { type: 'TimeTicks'; value: number }
  | { type: 'Counter64'; value: bigint };

export type MibException = 'noSuchObject' | 'noSuchInstance' | 'endOfMibView';

/**
 * One object type of a simulated MIB: a scalar (rows → [0]) or a table column (rows → the
 * index of every row). `value` is computed on request from the device state and the clock,
 * so nothing is stored per instance and nothing ticks in the background.
 */
export interface MibObject {
  /** OBJECT-TYPE name as in the MIB module, e.g. `ifHCInOctets`. */
  name: string;
  /** The object's OID (scalar or column), without the instance suffix. */
  oid: Oid;
  /** Instance suffixes (single sub-identifier indexes) this device has for the object. */
  rows(device: LabDevice): readonly number[];
  value(device: LabDevice, index: number, nowMs: number): MibValue;
}

export const SCALAR_ROWS: readonly number[] = [0];
export const scalarRows = (): readonly number[] => SCALAR_ROWS;

/**
 * An object whose instances move with the clock (RMON history buckets age out, log entries
 * appear): not part of the cached layout; the MIB asks it for the instance after a suffix.
 * Instance suffixes may have several sub-identifiers (etherHistoryIndex.etherHistorySampleIndex).
 */
export interface DynamicMibObject {
  name: string;
  oid: Oid;
  /** The first instance suffix after `after` (undefined = the first one), in GETNEXT order. */
  nextInstance(device: LabDevice, after: Oid | undefined, nowMs: number): Oid | undefined;
  /** The value of the instance, or undefined when the device has no such instance now. */
  value(device: LabDevice, suffix: Oid, nowMs: number): MibValue | undefined;
}
