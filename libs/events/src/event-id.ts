import { uuidV7 } from './uuid-v7';

/** UUIDv7: time-ordered, unique per event, the dedupe key everywhere downstream. */
export function newEventId(msecs?: number): string {
  return uuidV7(msecs);
}

/** The creation time a UUIDv7 carries in its first 48 bits. */
export function eventIdTime(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
