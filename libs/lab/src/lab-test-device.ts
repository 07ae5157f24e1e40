import { ROUTER_PROFILE } from './device-profile';
import { LabDevice, type LabDeviceSpec } from './lab-device';

/** A device for specs and benchmarks: router profile, 4 interfaces, interface 4 down, booted at `bootAtMs`. */
export function labTestDevice(overrides: Partial<LabDeviceSpec> = {}, bootAtMs = 1_000_000): LabDevice {
  return new LabDevice(
    {
      id: 'lab-router-1',
      name: 'lab-router-1',
      profile: ROUTER_PROFILE,
      interfaces: 4,
      rates: { inOctetsPerSec: 125_000, outOctetsPerSec: 62_500, inErrorsPerSec: 0.5, outErrorsPerSec: 0, inDiscardsPerSec: 0.25, outDiscardsPerSec: 0 },
      counterOffset: 0n,
      operDown: new Set([4]),
      sysContact: 'noc@sonde.example',
      sysLocation: 'lab',
      ordinal: 1,
      ...overrides,
    },
    bootAtMs,
  );
}
