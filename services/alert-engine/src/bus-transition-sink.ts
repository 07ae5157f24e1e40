import type { EventBus } from '@sonde/bus/event-bus';
import type { AlertStateEvent, AlertTransitionSink, GroupKeyResolver } from './alert-transition-sink';
import { FINGERPRINT_GROUP_KEY } from './alert-transition-sink';

/**
 * The default sink: stamps each transition with its group key and publishes it to the bus
 * (one `alert.state` event each, topic `sonde.alert.v1`, keyed by group key).
 */
export class BusTransitionSink implements AlertTransitionSink {
  constructor(
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly groupKeys: GroupKeyResolver = FINGERPRINT_GROUP_KEY,
  ) {}

  async emit(events: readonly AlertStateEvent[]): Promise<void> {
    if (events.length === 0) return;
    const keyed = events.map((e) => ({
      ...e,
      payload: { ...e.payload, groupKey: this.groupKeys.groupKeyOf(e.payload.labels, e.payload.fingerprint) },
    }));
    await this.bus.publish(keyed);
  }
}
