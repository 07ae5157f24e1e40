import { z } from 'zod';
import type { SecretRefSchema } from '../secret-ref';

/** HTTP basic / user+password (ClickHouse, SMTP). */
export function basicCredentialSchema(secret: SecretRefSchema) {
  return z.strictObject({
    type: z.literal('basic'),
    username: z.string().min(1),
    password: secret,
  });
}

export type BasicCredential = z.output<ReturnType<typeof basicCredentialSchema>>;
