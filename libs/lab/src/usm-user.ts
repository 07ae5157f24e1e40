import { AUTH_PROTOCOL_NAMES, PRIV_PROTOCOLS, type PrivProtocol } from '@sonde/inventory/credentials/usm-protocols';
import { z } from 'zod';

/** The lab agents are net-snmp (npm): the table's privacy protocols that library implements. */
const LAB_PRIV_PROTOCOLS = (Object.keys(PRIV_PROTOCOLS) as PrivProtocol[]).filter((p) => PRIV_PROTOCOLS[p].netSnmp !== undefined) as [PrivProtocol, ...PrivProtocol[]];

/**
 * An SNMPv3 USM user (RFC 3414) the lab agents accept and the inventory hands to the poller.
 * Protocol names from the one USM table (libs/inventory credentials/usm-protocols.ts).
 */
export const usmUserSchema = z
  .object({
    name: z.string().min(1).max(32),
    level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
    authProtocol: z.enum(AUTH_PROTOCOL_NAMES).optional(),
    authKey: z.string().min(8, 'must be at least 8 characters (RFC 3414 §11.2)').optional(),
    privProtocol: z.enum(LAB_PRIV_PROTOCOLS).optional(),
    privKey: z.string().min(8, 'must be at least 8 characters (RFC 3414 §11.2)').optional(),
  })
  .superRefine((u, ctx) => {
    if (u.level !== 'noAuthNoPriv' && (!u.authProtocol || !u.authKey)) {
      ctx.addIssue({ code: 'custom', path: ['authKey'], message: `user ${u.name}: ${u.level} needs authProtocol and authKey` });
    }
    if (u.level === 'authPriv' && (!u.privProtocol || !u.privKey)) {
      ctx.addIssue({ code: 'custom', path: ['privKey'], message: `user ${u.name}: authPriv needs privProtocol and privKey` });
    }
  });

export type UsmUser = z.infer<typeof usmUserSchema>;

/** Lab credentials: public on purpose (they protect simulated devices on loopback only). */
export const DEFAULT_LAB_USERS: readonly UsmUser[] = [
  { name: 'lab-authpriv', level: 'authPriv', authProtocol: 'sha', authKey: 'sonde-lab-auth', privProtocol: 'aes', privKey: 'sonde-lab-priv' },
  { name: 'lab-sha256', level: 'authPriv', authProtocol: 'sha256', authKey: 'sonde-lab-auth256', privProtocol: 'aes', privKey: 'sonde-lab-priv256' },
  { name: 'lab-authnopriv', level: 'authNoPriv', authProtocol: 'sha', authKey: 'sonde-lab-auth' },
  { name: 'lab-noauth', level: 'noAuthNoPriv' },
];
