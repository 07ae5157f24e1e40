import { z } from 'zod';

const HEX_ENGINE_ID = /^(?:0x)?(?:[0-9a-f]{2}:?){5,32}$/i;
const engineId = z
  .string({ error: 'expected a hex string (quote it in YAML)' })
  .regex(HEX_ENGINE_ID, { error: 'expected 5 to 32 octets in hex, e.g. "8000000001020304"' })
  .transform((s) => s.replace(/^0x/i, '').replaceAll(':', '').toLowerCase());

/** The `trapReceiver:` config section. Every field has a default: an empty section is valid. */
export const trapReceiverConfigSchema = z.object({
  /** UDP sockets; IPv4 and IPv6 are separate sockets (the v6 one is v6-only). */
  listen: z
    .array(z.object({ address: z.string().min(1), port: z.number().int().min(0).max(65535) }))
    .default([
      { address: '0.0.0.0', port: 162 },
      { address: '::', port: 162 },
    ]),
  /** Names of `snmp-community` credentials accepted for v1/v2c. */
  communities: z.array(z.string().min(1)).default([]),
  /** SNMPv3: `snmp-usm` credentials and the sender engine IDs each may send traps from. */
  users: z
    .array(z.object({ credential: z.string().min(1), engineIds: z.array(engineId).default([]) }))
    .default([]),
  /** Our snmpEngineID, the authoritative one for v3 informs. Default: derived from the instance name. */
  engineId: engineId.optional(),
  /** Sources whose v1 agent-addr / snmpTrapAddress.0 name the device (proxies, relays). */
  trustedRelays: z.array(z.string().min(1)).default([]),
  rateLimit: z
    .object({
      perSourcePerSecond: z.number().positive().default(500),
      perSourceBurst: z.number().positive().default(1000),
      globalPerSecond: z.number().positive().default(50_000),
      globalBurst: z.number().positive().default(100_000),
      maxSources: z.number().int().positive().default(10_000),
    })
    .default({ perSourcePerSecond: 500, perSourceBurst: 1000, globalPerSecond: 50_000, globalBurst: 100_000, maxSources: 10_000 }),
  /** How often rate-limit drops are summarized per source (one log line each). */
  summaryIntervalSeconds: z.number().positive().default(60),
  /** Events waiting for the bus; beyond it traps are dropped and counted (reason bus-backlog). */
  maxPendingEvents: z.number().int().positive().default(20_000),
  /** Kernel receive buffer per socket. */
  receiveBufferBytes: z.number().int().positive().default(8 * 1024 * 1024),
});
export type TrapReceiverConfig = z.infer<typeof trapReceiverConfigSchema>;
