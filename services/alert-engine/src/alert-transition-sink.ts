import type { EventOfKind } from '@sonde/events/sonde-event';

export type AlertStateEvent = EventOfKind<'alert.state'>;

/**
 * Where the evaluation half emits alert transitions (ADR 0003). The default publishes them to
 * the EventBus (`sonde.alert.v1`), which the event-writer stores and the notification half
 * consumes; tests and `sonde rules test` collect them instead.
 */
export interface AlertTransitionSink {
  /** Resolves once the transitions are durable (bus acknowledged): the evaluator checkpoints after. */
  emit(events: readonly AlertStateEvent[]): Promise<void>;
}

/**
 * The notification group of an alert, from its labels (Alertmanager's `group_by` on the route
 * the labels match). Implemented by the notification half from its routing tree; the publisher
 * writes it to `payload.groupKey`, which also keys the Kafka message (partitionKeyOf).
 */
export interface GroupKeyResolver {
  groupKeyOf(labels: Readonly<Record<string, string>>, fingerprint: string): string;
}

/** Until a routing tree says otherwise, every alert series is its own group. */
export const FINGERPRINT_GROUP_KEY: GroupKeyResolver = {
  groupKeyOf: (_labels, fingerprint) => fingerprint,
};

/** DI token of the GroupKeyResolver; optional — absent means FINGERPRINT_GROUP_KEY. */
export const GROUP_KEY_RESOLVER = 'ALERT_GROUP_KEY_RESOLVER';
/** DI token of the AlertTransitionSink the evaluator uses. */
export const ALERT_TRANSITION_SINK = 'ALERT_TRANSITION_SINK';
