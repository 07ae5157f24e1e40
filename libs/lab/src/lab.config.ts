import { z } from 'zod';
import { DEVICE_PROFILE_NAMES } from './device-profile';
import { labFaultsSchema } from './lab-faults';
import { labOutagesSchema } from './lab-outages';
import { SYSLOG_DIALECT_NAMES } from './syslog-lines';
import { NOTIFICATION_NAMES } from './trap-catalog';
import { DEFAULT_LAB_USERS, usmUserSchema } from './usm-user';

/** host:port of a receiver the emitters send to. */
const target = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:1162');

const ratesSchema = z.object({
  /** Octets per second of interface 1; interface n carries (1 + ((n − 1) mod 4) / 4) times this. */
  inOctetsPerSec: z.number().nonnegative().default(125_000),
  outOctetsPerSec: z.number().nonnegative().default(62_500),
  inErrorsPerSec: z.number().nonnegative().default(0.01),
  outErrorsPerSec: z.number().nonnegative().default(0),
  inDiscardsPerSec: z.number().nonnegative().default(0.005),
  outDiscardsPerSec: z.number().nonnegative().default(0.005),
});

export const labTrapsConfigSchema = z.object({
  enabled: z.boolean().default(false),
  target: target.default('127.0.0.1:1162'),
  version: z.enum(['v1', 'v2c', 'v3']).default('v2c'),
  /** Send informs (acknowledged) instead of traps; v2c and v3 only. */
  inform: z.boolean().default(false),
  /** Notifications per minute across the whole lab; devices take turns. */
  perMinute: z.number().positive().max(600_000).default(6),
  notifications: z.array(z.enum(NOTIFICATION_NAMES as [string, ...string[]])).min(1).default([...NOTIFICATION_NAMES]),
});

export const labSyslogConfigSchema = z.object({
  enabled: z.boolean().default(false),
  target: target.default('127.0.0.1:1514'),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  /** TCP framing: RFC 6587 §3.4.1 octet counting, or §3.4.2 newline-terminated. */
  framing: z.enum(['octet-counting', 'lf']).default('octet-counting'),
  perMinute: z.number().positive().max(6_000_000).default(60),
  dialects: z.array(z.enum(SYSLOG_DIALECT_NAMES as [string, ...string[]])).min(1).default([...SYSLOG_DIALECT_NAMES]),
});

/** RMON probe tables on every lab device (RFC 2819 / RFC 3273); rmon-traffic.ts computes them. */
export const labRmonConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** etherHistory bucket length; real probes default to 1800 s, the lab to 30 s so buckets fill while you watch. */
  historyIntervalSeconds: z.number().int().min(1).max(3600).default(30),
  /** Buckets each history control row keeps (older ones age out). */
  historyBuckets: z.number().int().min(1).max(65535).default(50),
  /** CRC error bursts on interface 1 of every device. */
  burst: z
    .object({
      everySeconds: z.number().int().min(1).default(300),
      forSeconds: z.number().int().min(0).default(60),
      crcErrorsPerSec: z.number().nonnegative().default(20),
    })
    .prefault({}),
  /** alarm 1: delta of etherStatsCRCAlignErrors.1 per interval against these thresholds. */
  alarm: z
    .object({
      intervalSeconds: z.number().int().min(1).default(10),
      risingThreshold: z.number().int().min(1).default(100),
      fallingThreshold: z.number().int().min(0).default(10),
    })
    .prefault({}),
  /** RMON2 (RFC 4502) on every probe: probeCapabilities, protocolDirTable, protocolDistControl/StatsTable (rmon2-mib.ts), hlHost/hlMatrixControlTable, nlHostTable, nlMatrixSDTable (rmon2-nl-mib.ts). */
  rmon2: z.boolean().default(false),
});

/** The `lab:` section of the config file: simulated devices for `sonde up`, the tests and the benchmarks. */
export const labConfigSchema = z.object({
  enabled: z.boolean().default(true),
  devices: z.number().int().min(0).max(5000).default(3),
  interfaces: z.number().int().min(1).max(1024).default(4),
  /** Device i gets profiles[i mod n]. */
  profiles: z.array(z.enum(DEVICE_PROFILE_NAMES as [string, ...string[]])).min(1).default(['router', 'switch']),
  /** Where the agents listen when `distinctAddresses` is off. */
  host: z.string().default('127.0.0.1'),
  /** Give every device its own loopback address from `firstAddress` on (Linux routes all of 127/8 to lo). */
  distinctAddresses: z.boolean().default(false),
  firstAddress: z.ipv4().default('127.0.1.1'),
  community: z.string().min(1).default('public'),
  /** RFC 3414 §3.2 step 7: v3 requests with stale engine boots/time get a notInTimeWindow report. */
  usmTimeliness: z.boolean().default(true),
  users: z.array(usmUserSchema).min(1).default(() => DEFAULT_LAB_USERS.map((u) => ({ ...u }))),
  rates: ratesSchema.prefault({}),
  /** Every counter starts here; e.g. "4294967000" makes Counter32s wrap within seconds. */
  counterOffset: z
    .union([
      z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      z.string().regex(/^\d{1,20}$/, 'must be a decimal integer'),
      z.bigint().nonnegative(),
    ])
    .default(0)
    .transform((v) => BigInt(v))
    .refine((v) => v < 2n ** 64n, 'must be below 2^64'),
  /** How long each device has been up when the lab starts (sysUpTime and counters count from there). */
  initialUptimeSeconds: z.number().int().nonnegative().default(3600),
  /** ifIndexes that are oper-down on every device. */
  operDownInterfaces: z.array(z.number().int().positive()).default([]),
  sysContact: z.string().default('noc@sonde.example'),
  sysLocation: z.string().default('Sonde lab, loopback'),
  /** Faults per device id, e.g. `lab-router-1: { timeout: true }`. */
  faults: z.record(z.string(), labFaultsSchema).default({}),
  traps: labTrapsConfigSchema.prefault({}),
  syslog: labSyslogConfigSchema.prefault({}),
  /** A recurring outage (an interface, then a device) for the alert engine's demo (lab-outages.ts). */
  outages: labOutagesSchema.prefault({}),
  rmon: labRmonConfigSchema.prefault({}),
});

export type LabConfig = z.infer<typeof labConfigSchema>;
export type LabConfigInput = z.input<typeof labConfigSchema>;
export type LabTrapsConfig = z.infer<typeof labTrapsConfigSchema>;
export type LabSyslogConfig = z.infer<typeof labSyslogConfigSchema>;
export type LabRmonConfig = z.infer<typeof labRmonConfigSchema>;
