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
  const event = {
    v: EVENT_SCHEMA_VERSION,
    id: newEventId(),
    kind,
    ts,
    ...(receivedAt === undefined ? {} : { receivedAt }),
    site: origin.site,
    collector: origin.collector,
    device,
    payload,
  };
  return event as unknown as EventOfKind<K>;
}
