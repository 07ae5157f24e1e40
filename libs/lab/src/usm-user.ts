import { z } from 'zod';

/**
 * An SNMPv3 USM user (RFC 3414) the lab agents accept and the inventory hands to the poller.
 * Protocol names as net-snmp and Net-SNMP's `-a`/`-x` spell them (SHA-256 = RFC 7860, AES = RFC 3826).
 */
export const usmUserSchema = z
  .object({
    name: z.string().min(1).max(32),
    level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
    authKey: z.string().min(8, 'must be at least 8 characters (RFC 3414 §11.2)').optional(),
    privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).optional(),
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
