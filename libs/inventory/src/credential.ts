import { z } from 'zod';
import { basicCredentialSchema, type BasicCredential } from './credentials/basic-credential';
import { snmpCommunityCredentialSchema, type SnmpCommunityCredential } from './credentials/snmp-community';
import { snmpUsmCredentialSchema, type SnmpUsmCredential } from './credentials/snmp-usm';
import { tokenCredentialSchema, type TokenCredential } from './credentials/token-credential';
import type { SecretRefSchema } from './secret-ref';

/** Credential variants keyed by their config `type` (style rule 6: one map, no switch). */
export const CREDENTIAL_TYPES = {
  'snmp-community': snmpCommunityCredentialSchema,
  'snmp-usm': snmpUsmCredentialSchema,
  token: tokenCredentialSchema,
  basic: basicCredentialSchema,
} as const;

export type CredentialType = keyof typeof CREDENTIAL_TYPES;
export type Credential = SnmpCommunityCredential | SnmpUsmCredential | TokenCredential | BasicCredential;
export type CredentialOfType<T extends CredentialType> = Extract<Credential, { type: T }>;

export const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function credentialSchema(secret: SecretRefSchema) {
  const t = CREDENTIAL_TYPES;
  return z.discriminatedUnion('type', [
    t['snmp-community'](secret),
    t['snmp-usm'](secret),
    t.token(secret),
    t.basic(secret),
  ]);
}

export function credentialsSchema(secret: SecretRefSchema) {
  return z
    .record(
      z.string().regex(CREDENTIAL_NAME, { error: 'invalid credential name: use letters, digits, ".", "_" and "-"' }),
      credentialSchema(secret),
    )
    .default({});
}
