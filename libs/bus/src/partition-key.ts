import type { SondeEvent } from '@sonde/events/sonde-event';

/**
 * The Kafka message key of an event, which picks its partition (murmur2, as the Java client).
 * Collector events are keyed by device id so one device's events stay ordered in one partition
 * (design.md §3). Alert transitions (`alert.state`) are keyed by their notification group key
 * when the evaluator set one: the notification stage consumes `sonde.alert.v1` in a consumer
 * group, and keying by group puts every transition of a group on one partition, hence on one
 * replica, in order — the basis of grouping and of the notification log (design.md §5).
 */
export function partitionKeyOf(e: SondeEvent): string {
  if (e.kind === 'alert.state' && 'groupKey' in e.payload && typeof e.payload.groupKey === 'string' && e.payload.groupKey !== '') {
    return e.payload.groupKey;
  }
  return e.device.id;
}
