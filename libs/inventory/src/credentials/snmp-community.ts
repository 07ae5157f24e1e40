import { z } from 'zod';
import type { SecretRefSchema } from '../secret-ref';

/** SNMPv1/v2c community (RFC 1157, RFC 3584). */
export function snmpCommunityCredentialSchema(secret: SecretRefSchema) {
  return z.strictObject({
    type: z.literal('snmp-community'),
    community: secret,
  });
}

export type SnmpCommunityCredential = z.output<ReturnType<typeof snmpCommunityCredentialSchema>>;
