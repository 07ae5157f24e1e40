/**
 * Which SNMP version and security level every device answers with — operators migrating off
 * v1/v2c need to see how many devices still use them (issue 3 §6). Updated after each poll;
 * read by the `sonde_snmp_poller_devices{version,security_level}` gauge and by `sonde status`.
 */
export interface DeviceVersion {
  version: string;
  securityLevel: string;
  reachable: boolean;
}

export interface VersionSummaryRow {
  version: string;
  securityLevel: string;
  devices: number;
  reachable: number;
}

export interface VersionSummary {
  devices: number;
  byVersion: Record<string, number>;
  rows: VersionSummaryRow[];
}

export class VersionAccounting {
  private readonly devices = new Map<string, DeviceVersion>();

  record(device: string, v: DeviceVersion): void {
    this.devices.set(device, v);
  }

  forget(device: string): void {
    this.devices.delete(device);
  }

  of(device: string): DeviceVersion | undefined {
    return this.devices.get(device);
  }

  summary(): VersionSummary {
    return snmpVersionSummary(this.devices.values());
  }
}

/** Plain function behind `sonde status`: counts per version and security level. */
export function snmpVersionSummary(devices: Iterable<DeviceVersion>): VersionSummary {
  const rows = new Map<string, VersionSummaryRow>();
  const byVersion: Record<string, number> = { v1: 0, v2c: 0, v3: 0 };
  let total = 0;
  for (const d of devices) {
    total++;
    byVersion[d.version] = (byVersion[d.version] ?? 0) + 1;
    const key = `${d.version}|${d.securityLevel}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { version: d.version, securityLevel: d.securityLevel, devices: 0, reachable: 0 }));
    row.devices++;
    if (d.reachable) row.reachable++;
  }
  return {
    devices: total,
    byVersion,
    rows: [...rows.values()].sort((a, b) => a.version.localeCompare(b.version) || a.securityLevel.localeCompare(b.securityLevel)),
  };
}
