import type { BatchHandler, EventBatch } from './event-bus';

export interface DeliveryOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Asked before every retry and during backoff: give up (without completing) when true. */
  shouldStop(): boolean;
  onFailure(err: unknown, attempt: number): void;
  /** Called while the handler runs and during backoff (Kafka: keeps the group membership). */
  heartbeat?: () => Promise<void>;
  heartbeatIntervalMs?: number;
}

/**
 * At-least-once hand-over shared by both adapters: the same batch object (same dedupToken,
 * same events) is offered again, with doubling backoff, until the handler resolves.
 * Returns true when it did, false when told to stop first (the batch stays uncompleted).
 */
export async function deliverBatch(batch: EventBatch, handler: BatchHandler, options: DeliveryOptions): Promise<boolean> {
  let backoff = options.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    if (options.shouldStop()) return false;
    if (attempt > 1) batch.redelivered = true;
    const beat = startHeartbeat(options);
    try {
      await handler(batch);
      return true;
    } catch (err) {
      options.onFailure(err, attempt);
    } finally {
      beat.stop();
    }
    const waited = await sleepUnless(backoff, options);
    if (!waited) return false;
    backoff = Math.min(backoff * 2, options.maxBackoffMs);
  }
}

function startHeartbeat(options: DeliveryOptions): { stop(): void } {
  const { heartbeat } = options;
  if (!heartbeat) return { stop() {} };
  const timer = setInterval(() => void heartbeat().catch(() => undefined), options.heartbeatIntervalMs ?? 1_000);
  return { stop: () => clearInterval(timer) };
}

async function sleepUnless(ms: number, options: DeliveryOptions): Promise<boolean> {
  const step = 50;
  for (let waited = 0; waited < ms; waited += step) {
    if (options.shouldStop()) return false;
    await new Promise((r) => setTimeout(r, Math.min(step, ms - waited)));
  }
  if (options.heartbeat) await options.heartbeat().catch(() => undefined);
  return !options.shouldStop();
}
