import { z } from 'zod';

export const syslogMessagePayloadSchema = z.object({
  facility: z.number().int().min(0).max(23),
  severity: z.number().int().min(0).max(7),
  format: z.string().min(1),
  hostname: z.string().optional(),
  appName: z.string().optional(),
  procId: z.string().optional(),
  msgId: z.string().optional(),
  message: z.string(),
  structuredData: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Vendor fields: Cisco mnemonic, Fortinet key=value pairs, … */
  fields: z.record(z.string(), z.string()).default({}),
  /** Where `ts` came from: the message itself, or the receive time when it had none. */
  timeSource: z.enum(['message', 'received']),
  /**
   * Device time minus receive time, ms, when `ts` came from the message (ADR 0002): a device
   * clock months behind or days ahead is kept and flagged, never dropped. Absent when the
   * message carried no usable time (then `ts` is the receive time).
   */
  clockSkewMs: z.number().int().optional(),
  transport: z.enum(['udp', 'tcp', 'tls']),
  source: z.object({ address: z.string(), port: z.number().int() }),
  truncated: z.boolean().default(false),
});
export type SyslogMessagePayload = z.infer<typeof syslogMessagePayloadSchema>;
