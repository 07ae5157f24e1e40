import { z } from 'zod';

export const snmpVersionSchema = z.enum(['v1', 'v2c', 'v3']);
export type SnmpVersion = z.infer<typeof snmpVersionSchema>;

/** A varbind as received: value kept as text so Counter64 and OCTET STRING survive JSON. */
export const trapVarbindSchema = z.object({
  oid: z.string().min(1),
  name: z.string().optional(),
  type: z.string().min(1),
  value: z.string(),
  /** Translated form, e.g. `down(2)` for an enum. */
  display: z.string().optional(),
});
export type TrapVarbind = z.infer<typeof trapVarbindSchema>;

export const snmpTrapPayloadSchema = z.object({
  version: snmpVersionSchema,
  pdu: z.enum(['trap', 'inform']),
  trapOid: z.string().min(1),
  trapName: z.string().optional(),
  /** sysUpTime.0 of the sender, in hundredths of a second. */
  /** sysUpTime.0 (v1: time-stamp) as sent: TimeTicks, hundredths of a second (RFC 2578 §7.1.8) */
  uptime: z.number().nonnegative().optional(),
  source: z.object({ address: z.string(), port: z.number().int() }),
  /** v1 agent-addr, or snmpTrapAddress.0 honoured from a trusted relay. */
  agentAddress: z.string().optional(),
  relayedBy: z.string().optional(),
  enterprise: z.string().optional(),
  genericTrap: z.number().int().optional(),
  specificTrap: z.number().int().optional(),
  security: z
    .object({
      community: z.string().optional(),
      user: z.string().optional(),
      engineId: z.string().optional(),
      level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).optional(),
    })
    .default({}),
  varbinds: z.array(trapVarbindSchema),
});
export type SnmpTrapPayload = z.infer<typeof snmpTrapPayloadSchema>;
