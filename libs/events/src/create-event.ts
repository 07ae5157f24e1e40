import { newEventId } from './event-id';
import { EVENT_SCHEMA_VERSION, type DeviceRef, type EventOfKind, type SondeEvent } from './sonde-event';

export interface EventOrigin {
  site: string;
  collector: string;
}

/**
 * Builds a complete event for a collector. The payload is typed by kind at compile time;
 * producers are trusted code, so no runtime validation happens here (decode validates).
 */
export function createEvent<K extends SondeEvent['kind']>(
  kind: K,
  origin: EventOrigin,
  device: DeviceRef,
  payload: EventOfKind<K>['payload'],
  ts: number = Date.now(),
  receivedAt?: number,
): EventOfKind<K> {
  // two literals rather than a conditional spread: this runs once per event on every collector
  // and per transition in the alert engine, and a spread takes V8's slow object-building path
  const event =
    receivedAt === undefined
      ? { v: EVENT_SCHEMA_VERSION, id: newEventId(), kind, ts, site: origin.site, collector: origin.collector, device, payload }
      : { v: EVENT_SCHEMA_VERSION, id: newEventId(), kind, ts, receivedAt, site: origin.site, collector: origin.collector, device, payload };
  return event as unknown as EventOfKind<K>;
}
