import { z } from 'zod';
import type { SecretRefSchema } from '../secret-ref';

/** A bearer/API token (webhooks, Slack, PagerDuty routing keys). */
export function tokenCredentialSchema(secret: SecretRefSchema) {
  return z.strictObject({
    type: z.literal('token'),
    token: secret,
  });
}

export type TokenCredential = z.output<ReturnType<typeof tokenCredentialSchema>>;
