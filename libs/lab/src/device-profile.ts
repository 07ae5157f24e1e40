/**
 * What kind of box a simulated device pretends to be: identity (sysObjectID, sysDescr),
 * interface naming and speeds, and host resources. Profiles register in one map keyed by the
 * config `profile` name (style.md rule 6). sysObjectIDs sit under real vendors' enterprise
 * arcs so OID-to-vendor mapping in the poller is exercised; they name lab devices, not products.
 */
export interface DeviceProfile {
  readonly name: string;
  readonly sysObjectID: string;
  sysDescr(sysName: string): string;
  /** RFC 3418 sysServices bit sum: 2 = datalink/subnetwork, 4 = internet, 8 = end-to-end, 64 = applications */
  readonly sysServices: number;
  /** IANAifType (ethernetCsmacd = 6) */
  readonly ifType: number;
  readonly ifMtu: number;
  ifDescr(ifIndex: number): string;
  ifName(ifIndex: number): string;
  /** Bits per second. */
  ifSpeed(ifIndex: number): number;
  /** hrDeviceIndex of each processor (hrProcessorTable rows). */
  readonly processors: number;
  readonly ramKBytes: number;
  readonly diskKBytes: number;
  /** RFC 3273 etherStatsHighCapacityTable / etherHistoryHighCapacityTable served (a 32-bit-only probe otherwise). */
  readonly rmonHighCapacity: boolean;
}

const GIGABIT = 1_000_000_000;
const TEN_GIGABIT = 10_000_000_000;

export const ROUTER_PROFILE: DeviceProfile = {
  name: 'router',
  sysObjectID: '1.3.6.1.4.1.9.1.2068',
  sysDescr: (n) => `Sonde lab router ${n}, IOS-XE Software, Version 17.9.4a (simulated)`,
  sysServices: 78, // datalink + internet + end-to-end + applications
  ifType: 6,
  ifMtu: 1500,
  ifDescr: (i) => `GigabitEthernet0/0/${i - 1}`,
  ifName: (i) => `Gi0/0/${i - 1}`,
  // uplinks (first two ports) are 10G so ifSpeed saturates and ifHighSpeed carries the speed
  ifSpeed: (i) => (i <= 2 ? TEN_GIGABIT : GIGABIT),
  processors: 2,
  ramKBytes: 8 * 1024 * 1024,
  diskKBytes: 16 * 1024 * 1024,
  rmonHighCapacity: true,
};

export const SWITCH_PROFILE: DeviceProfile = {
  name: 'switch',
  sysObjectID: '1.3.6.1.4.1.2636.1.1.1.2.31',
  sysDescr: (n) => `Sonde lab switch ${n}, Juniper Networks ex4300-48t, JUNOS 21.4R3 (simulated)`,
  sysServices: 6, // datalink + internet
  ifType: 6,
  ifMtu: 1514,
  ifDescr: (i) => `ge-0/0/${i - 1}`,
  ifName: (i) => `ge-0/0/${i - 1}`,
  ifSpeed: () => GIGABIT,
  processors: 1,
  ramKBytes: 2 * 1024 * 1024,
  diskKBytes: 4 * 1024 * 1024,
  rmonHighCapacity: true,
};

export const SERVER_PROFILE: DeviceProfile = {
  name: 'server',
  sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
  sysDescr: (n) => `Linux ${n} 6.12.0-sonde-lab #1 SMP x86_64 (simulated)`,
  sysServices: 72, // end-to-end + applications
  ifType: 6,
  ifMtu: 9000,
  ifDescr: (i) => `eth${i - 1}`,
  ifName: (i) => `eth${i - 1}`,
  ifSpeed: () => TEN_GIGABIT,
  processors: 4,
  ramKBytes: 32 * 1024 * 1024,
  diskKBytes: 512 * 1024 * 1024,
  // an older probe: RMON-MIB only, so the collector falls back to the 32-bit counters
  rmonHighCapacity: false,
};

export const DEVICE_PROFILES: Readonly<Record<string, DeviceProfile>> = {
  router: ROUTER_PROFILE,
  switch: SWITCH_PROFILE,
  server: SERVER_PROFILE,
};

export const DEVICE_PROFILE_NAMES = Object.keys(DEVICE_PROFILES) as readonly string[];
