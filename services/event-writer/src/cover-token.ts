import { createHash } from 'node:crypto';

/**
 * The dedup token of one insert covering several bus batches: derived from the batches' own
 * tokens (deterministic, stable across redelivery: libs/bus README), sorted so the order they
 * arrived in does not matter, and from the event ids left out because a redelivered batch had
 * stored them already — an insert of other content never reuses a token (ClickHouse would drop
 * it as a duplicate). One batch and nothing left out: the batch's own token, as when the
 * writer inserted one batch at a time (an insert made before an upgrade is still recognised).
 */
export function coverToken(batchTokens: readonly string[], omittedIds: ReadonlySet<string> = new Set()): string {
  if (batchTokens.length === 0) throw new Error('coverToken: no batch tokens');
  const tokens = [...batchTokens].sort();
  if (tokens.length === 1 && omittedIds.size === 0) return tokens[0] as string;
  const hash = createHash('sha256');
  for (const t of tokens) hash.update(`${t}\n`);
  if (omittedIds.size) {
    hash.update('omit\n');
    for (const id of [...omittedIds].sort()) hash.update(`${id}\n`);
  }
  return `sonde-writer:v1:${tokens.length}:${hash.digest('hex').slice(0, 32)}`;
}
