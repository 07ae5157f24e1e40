import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { TrapReceiverMetrics } from './trap-receiver.metrics';

/**
 * Batches events towards the bus: one publish per tick or per `maxBatch` events, at most one in
 * flight. The queue is bounded (`maxPending`): past it an event is dropped and counted
 * (`bus-backlog`, stage publish) rather than growing memory while the bus is slow.
 */
export class TrapPublisher {
  private queue: SondeEvent[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly bus: EventBus,
    private readonly metrics: TrapReceiverMetrics,
    private readonly maxPending: number,
    private readonly maxBatch = 500,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(event: SondeEvent): void {
    if (this.queue.length >= this.maxPending) {
      this.metrics.dropped.inc({ reason: 'bus-backlog', stage: 'publish' });
      return;
    }
    this.queue.push(event);
    if (!this.scheduled && !this.inFlight) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /** Publishes everything queued; resolves when the queue is empty. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight = this.bus.publish(batch).then(
        () => void this.metrics.published.inc(batch.length),
        () => void this.metrics.dropped.inc({ reason: 'bus-rejected', stage: 'publish' }, batch.length),
      );
      await this.inFlight;
      this.inFlight = undefined;
    }
  }
}
