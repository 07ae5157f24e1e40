import { EventDecodeError } from './sonde-error';
import { sondeEventSchema, type SondeEvent } from './sonde-event';

/** Events travel as UTF-8 JSON: readable with kcat, and ClickHouse can ingest it as is. */
export function encodeEvent(event: SondeEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/**
 * Bytes from the bus are untrusted: parse and validate. Throws EventDecodeError naming the
 * first offending field path, e.g. `payload.samples[0].value: must be a finite number`.
 */
export function decodeEvent(bytes: Buffer | Uint8Array | string, where: Record<string, string | number> = {}): SondeEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new EventDecodeError(`event is not JSON: ${(err as Error).message}`, where);
  }
  const parsed = sondeEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? formatPath(issue.path) : '';
    throw new EventDecodeError(`invalid event${path ? ` at ${path}` : ''}: ${issue?.message ?? 'unknown'}`, {
      ...where,
      ...(path ? { path } : {}),
    });
  }
  return parsed.data;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
