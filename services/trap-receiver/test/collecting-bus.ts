import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';

/** The bus as the receiver's specs see it: what was published, in order (the adapters have their own contract tests). */
export class CollectingBus implements EventBus {
  events: SondeEvent[] = [];
  async publish(events: readonly SondeEvent[]): Promise<void> {
    this.events.push(...events);
  }
  async subscribe(): Promise<never> {
    throw new Error('not used');
  }
  async health() {
    return { ok: true, detail: 'test', pending: 0 };
  }
  async close(): Promise<void> {}
}
