import { z } from 'zod';
import type { SecretRefSchema } from '../secret-ref';
import { AUTH_PROTOCOL_NAMES, PRIV_PROTOCOL_NAMES, type AuthProtocol, type PrivProtocol } from './usm-protocols';

/** The names of the one USM protocol table (usm-protocols.ts), so the schema accepts what Sonde speaks. */
export const USM_AUTH_PROTOCOLS = AUTH_PROTOCOL_NAMES;
export const USM_PRIV_PROTOCOLS = PRIV_PROTOCOL_NAMES;
export const USM_SECURITY_LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;

export type UsmAuthProtocol = AuthProtocol;
export type UsmPrivProtocol = PrivProtocol;
export type UsmSecurityLevel = (typeof USM_SECURITY_LEVELS)[number];

/** RFC 3414 §11.2: a password shorter than 8 characters must be rejected. */
const MIN_PASSWORD = 8;
/** snmpEngineID is 5..32 octets (RFC 3411 §5); hex, optional 0x and colons. */
const ENGINE_ID = /^(?:0x)?(?:[0-9a-f]{2}:?){5,32}$/i;

/**
 * SNMPv3 USM user. `securityLevel` is derived from which keys are present; when given it must
 * agree with them, so a config can never silently downgrade to noAuthNoPriv.
 */
export function snmpUsmCredentialSchema(secret: SecretRefSchema) {
  return z
    .strictObject({
      type: z.literal('snmp-usm'),
      /** usmUserName, SnmpAdminString (SIZE(1..32)) — RFC 3414 §5. */
      user: z.string().min(1).max(32),
      authProtocol: z.enum(USM_AUTH_PROTOCOLS).optional(),
      authKey: secret.optional(),
      privProtocol: z.enum(USM_PRIV_PROTOCOLS).optional(),
      privKey: secret.optional(),
      securityLevel: z.enum(USM_SECURITY_LEVELS).optional(),
      engineId: z
        .string({ error: 'expected a hex string (quote it in YAML)' })
        .regex(ENGINE_ID, { error: 'expected 5 to 32 octets in hex, e.g. "80001f8880e9630000d61ff449"' })
        .transform((s) => s.replace(/^0x/i, '').replaceAll(':', '').toLowerCase())
        .optional(),
    })
    .superRefine((c, ctx) => {
      const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (c.authProtocol && !c.authKey) problem('authKey', 'missing (authProtocol is set)');
      if (c.authKey && !c.authProtocol) problem('authProtocol', `missing (authKey is set; one of ${USM_AUTH_PROTOCOLS.join(', ')})`);
      if (c.privProtocol && !c.privKey) problem('privKey', 'missing (privProtocol is set)');
      if (c.privKey && !c.privProtocol) problem('privProtocol', `missing (privKey is set; one of ${USM_PRIV_PROTOCOLS.join(', ')})`);
      if ((c.privProtocol || c.privKey) && !(c.authProtocol || c.authKey)) {
        problem('privProtocol', 'privacy needs authentication: set authProtocol and authKey too (RFC 3414 §3.1.1)');
      }
      if (c.authKey && c.authKey.length < MIN_PASSWORD) problem('authKey', `must be at least ${MIN_PASSWORD} characters (RFC 3414 §11.2)`);
      if (c.privKey && c.privKey.length < MIN_PASSWORD) problem('privKey', `must be at least ${MIN_PASSWORD} characters (RFC 3414 §11.2)`);
      if (c.securityLevel) {
        const derived = deriveSecurityLevel(c);
        if (derived !== c.securityLevel) {
          problem('securityLevel', `is ${c.securityLevel} but the keys given make it ${derived}; ${levelNeeds(c.securityLevel)}`);
        }
      }
    })
    .transform((c) => ({ ...c, securityLevel: deriveSecurityLevel(c) }));
}

function deriveSecurityLevel(c: { authProtocol?: unknown; privProtocol?: unknown }): UsmSecurityLevel {
  if (c.authProtocol && c.privProtocol) return 'authPriv';
  if (c.authProtocol) return 'authNoPriv';
  return 'noAuthNoPriv';
}

function levelNeeds(level: UsmSecurityLevel): string {
  if (level === 'authPriv') return 'authPriv needs authProtocol, authKey, privProtocol and privKey';
  if (level === 'authNoPriv') return 'authNoPriv needs authProtocol and authKey, and no privProtocol/privKey';
  return 'noAuthNoPriv takes no keys';
}

export type SnmpUsmCredential = z.output<ReturnType<typeof snmpUsmCredentialSchema>>;
