import { isIPv4 } from 'node:net';
import { LabError } from './lab-error';

/**
 * Addresses of the lab's devices. All on one host address (distinct ports), or each on its own
 * loopback address: Linux routes the whole of 127.0.0.0/8 to `lo`, so 127.0.1.1, 127.0.1.2, …
 * can be bound without configuring anything, and a receiver sees each device's own source address.
 */

export function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

export function intToIpv4(n: number): string {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export interface LabAddressing {
  host: string;
  distinctAddresses: boolean;
  firstAddress: string;
}

/** The address of each of `count` devices; distinct ones skip host parts .0 and .255 and stay inside 127/8. */
export function labAddresses(count: number, addressing: LabAddressing): string[] {
  if (!addressing.distinctAddresses) return Array.from({ length: count }, () => addressing.host);
  if (!isIPv4(addressing.firstAddress) || !addressing.firstAddress.startsWith('127.')) {
    throw new LabError('config', `lab.firstAddress ${addressing.firstAddress} is not a 127/8 loopback address`, { path: 'lab.firstAddress' });
  }
  const out: string[] = [];
  let n = ipv4ToInt(addressing.firstAddress);
  while (out.length < count) {
    const last = n & 0xff;
    if (last !== 0 && last !== 255) out.push(intToIpv4(n));
    n++;
    if (n >>> 24 !== 127) {
      throw new LabError('config', `lab: ${count} devices from ${addressing.firstAddress} run past 127.255.255.254`, { path: 'lab.devices' });
    }
  }
  return out;
}
