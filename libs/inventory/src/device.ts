import { z } from 'zod';
import { addressExpectation, isAddressOrHostname } from './network-address';
import { describeValue } from './describe-value';

export const SNMP_VERSIONS = ['v1', 'v2c', 'v3'] as const;
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];

/** Device ids key Kafka partitions and ClickHouse rows; an unknown source's id is its address, hence `:`. */
export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

const port = z.number().int().min(1).max(65535);

export const deviceSnmpSchema = z.strictObject({
  version: z.enum(SNMP_VERSIONS).default('v2c'),
  port: port.default(161),
  /** Name of an entry under `credentials:` (snmp-community for v1/v2c, snmp-usm for v3). */
  credential: z.string().min(1),
  /** Per-device overrides for slow or quirky agents; the poller's section holds the defaults. */
  timeoutMs: z.number().int().min(1).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  maxRepetitions: z.number().int().min(1).max(1000).optional(),
});
export type DeviceSnmp = z.output<typeof deviceSnmpSchema>;

export const deviceAddressSchema = z.string().refine(isAddressOrHostname, {
  error: (iss) => {
    const value = typeof iss.input === 'string' ? iss.input : '';
    return `${addressExpectation(value)}, got ${describeValue(iss.input)}`;
  },
});

const coreDeviceShape = {
  id: z.string().regex(DEVICE_ID, { error: 'expected an id of letters, digits and . _ : @ / - (at most 128)' }),
  name: z.string().min(1).optional(),
  address: deviceAddressSchema,
  /** Defaults to the top-level `site`. */
  site: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).default([]),
  /**
   * Ids of the devices this one is reached through (uplink router, firewall), at any site: while
   * a parent is down, the alert engine mutes this device's alerts (topology inhibition).
   */
  parents: z.array(z.string().regex(DEVICE_ID, { error: 'expected a device id' })).default([]),
  snmp: deviceSnmpSchema.optional(),
};

export type DeviceSectionSchemas = Record<string, z.ZodType>;

/**
 * A device entry. Services add per-protocol settings (`icmp:`, `rmon:` …) through
 * `loadConfig({ deviceSections })`; each is optional on every device, and any other key is an error.
 */
export function deviceSchema<D extends DeviceSectionSchemas>(sections: D) {
  const extra = Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, s.optional()])) as {
    [K in keyof D]: z.ZodOptional<D[K]>;
  };
  return z.strictObject({ ...coreDeviceShape, ...extra });
}

/** The core device fields, without any caller section. */
export const coreDeviceSchema = z.strictObject(coreDeviceShape);

/** A device after load: `site` is always set. */
export type Device = Omit<z.output<typeof coreDeviceSchema>, 'site'> & { site: string };
export type DeviceWith<D extends DeviceSectionSchemas> = Device & { [K in keyof D]?: z.output<D[K]> };
export const CORE_DEVICE_KEYS: readonly string[] = Object.keys(coreDeviceShape);
