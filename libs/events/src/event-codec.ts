import { EventDecodeError } from './sonde-error';
import { EVENT_KINDS } from './event-kind';
import { EVENT_SCHEMA_VERSION, sondeEventSchema, type SondeEvent } from './sonde-event';

/**
 * The Kafka record header a Sonde producer puts on every event it writes (value: the schema
 * version, `1`). Sonde's producers build events with createEvent() from typed payloads, so
 * a record carrying it is trusted by the consumer: JSON-decoded and envelope-checked
 * (decodeTrustedEvent), not zod-validated field by field, which costs as much as JSON.parse
 * itself (bench/bus/RESULTS.md). Records without it (kcat, another writer, a replayed
 * export) are validated in full (decodeEvent). ADR 0005.
 */
export const TRUSTED_EVENT_HEADER = 'sonde-v';
export const TRUSTED_EVENT_HEADER_VALUE = String(EVENT_SCHEMA_VERSION);
const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

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
    raw = JSON.parse(asText(bytes));
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

/**
 * Decodes an event written by a Sonde producer (TRUSTED_EVENT_HEADER): JSON.parse plus a check
 * of the envelope the bus and the store route on (version, id, kind, ts, device, payload) —
 * a record of an older or newer schema, or not an event at all, still fails with
 * EventDecodeError naming the field; the payload's fields are trusted as typed by the producer.
 */
export function decodeTrustedEvent(bytes: Buffer | Uint8Array | string, where: Record<string, string | number> = {}): SondeEvent {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(asText(bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new EventDecodeError(`event is not JSON: ${(err as Error).message}`, where);
  }
  const bad = envelopeFault(raw);
  if (bad) throw new EventDecodeError(`invalid event at ${bad}`, { ...where, path: bad });
  return raw as unknown as SondeEvent;
}

/** The first envelope field that is missing or of the wrong type, or null. */
function envelopeFault(e: Record<string, unknown> | null): string | null {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return '(root)';
  if (e.v !== EVENT_SCHEMA_VERSION) return 'v';
  if (typeof e.id !== 'string' || e.id.length !== 36) return 'id';
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind)) return 'kind';
  if (typeof e.ts !== 'number' || !(e.ts >= 0)) return 'ts';
  if (typeof e.site !== 'string' || !e.site) return 'site';
  if (typeof e.collector !== 'string' || !e.collector) return 'collector';
  const d = e.device as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || typeof d.id !== 'string' || !d.id || typeof d.address !== 'string') return 'device';
  if (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload)) return 'payload';
  return null;
}

function asText(bytes: Buffer | Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes;
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
