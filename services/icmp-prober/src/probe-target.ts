import { isIP } from 'node:net';
import type { DeviceRef } from '@sonde/events/sonde-event';
import type { IpFamily } from './icmp-packet';

/** One address probed, and the device its events are about. */
export interface ProbeTarget {
  /** Canonical text form: replies and quoted errors are compared with it. */
  address: string;
  family: IpFamily;
  device: DeviceRef;
}

/**
 * Builds a target from an address, or returns null when it is not an IP address. IPv6 is
 * brought to its RFC 5952 form (the WHATWG URL serializer implements the same compression)
 * so it compares equal to what the packet decoder prints.
 */
export function probeTarget(address: string, device?: Partial<DeviceRef>): ProbeTarget | null {
  const family = isIP(address);
  if (family === 0) return null;
  const canonical = family === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  return {
    address: canonical,
    family: family as IpFamily,
    device: { id: device?.id ?? canonical, ...(device?.name ? { name: device.name } : {}), address: device?.address ?? address, ...(device?.tags?.length ? { tags: device.tags } : {}) },
  };
}
