import type { GroupReading } from '@sonde/snmp/poll/group-poller';
import { rowsOf } from './rmon-row';

export interface InterfaceInfo {
  ifName?: string;
  ifAlias?: string;
  /** Bits per second: ifHighSpeed × 10^6 when ifSpeed saturates (RFC 2863 §3.1.16), else ifSpeed. */
  speedBps?: number;
}

/** IF-MIB names and speeds by ifIndex, to label what an RMON data source points at. */
export function interfaceNames(readings: readonly GroupReading[]): Map<number, InterfaceInfo> {
  const out = new Map<number, InterfaceInfo>();
  const names = rowsOf(readings, 'ifNames');
  const speeds = rowsOf(readings, 'ifSpeed');
  for (const index of new Set([...names.keys(), ...speeds.keys()])) {
    const ifIndex = Number(index);
    if (!Number.isInteger(ifIndex)) continue;
    const n = names.get(index);
    const ifSpeed = speeds.get(index)?.num('ifSpeed');
    const high = n?.num('ifHighSpeed');
    const info: InterfaceInfo = {};
    const ifName = n?.text('ifName');
    const ifAlias = n?.text('ifAlias');
    if (ifName) info.ifName = ifName;
    if (ifAlias) info.ifAlias = ifAlias;
    const speed = high !== undefined && high > 0 && (ifSpeed === undefined || ifSpeed >= 0xffffffff || high * 1e6 > ifSpeed) ? high * 1e6 : ifSpeed;
    if (speed !== undefined && speed > 0) info.speedBps = speed;
    out.set(ifIndex, info);
  }
  return out;
}

/** The labels every sample about a data source carries. */
export function interfaceLabels(ifIndex: number | undefined, interfaces: Map<number, InterfaceInfo>): Record<string, string> {
  if (ifIndex === undefined) return {};
  const i = interfaces.get(ifIndex);
  return { ifIndex: String(ifIndex), ...(i?.ifName ? { ifName: i.ifName } : {}), ...(i?.ifAlias ? { ifAlias: i.ifAlias } : {}) };
}
