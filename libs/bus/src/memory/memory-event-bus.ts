import { familyOf, type EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { BusConfig, MemoryBusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import { deliverBatch } from '../deliver-batch';
import type { BusHealth, EventBus, SubscribeOptions, Subscription } from '../event-bus';

export interface MemoryEventBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

interface Queued {
  seq: number;
  event: SondeEvent;
}

/** What a delivered slot of a GroupQueue holds until the array is compacted (see remove). */
const DELIVERED: Queued = Object.freeze({ seq: -1, event: undefined as unknown as SondeEvent });

const DEFAULT_MAX_BATCH_EVENTS = 1_000;
const DEFAULT_MAX_BATCH_WAIT_MS = 50;

/**
 * The embedded bus (`sonde up`): one bounded FIFO per subscription group, like a topic with
 * one partition per group. Only one subscriber of a group consumes at a time (the others are
 * standbys that take over when it closes), which keeps every device's order.
 *
 * Batches are cut from the queue head and carry `memory/<group>/<first seq>-<last seq>`: a
 * handler that throws gets exactly that batch again. Nothing survives the process: that is
 * the embedded mode's contract (README).
 */
export class MemoryEventBus implements EventBus {
  private readonly groups = new Map<string, GroupQueue>();
  /** Events of families no group subscribes to yet: handed to the first group that does. */
  private readonly backlog: SondeEvent[] = [];
  private closed = false;
  /** publish() calls under way: close() lets them finish first, so it flushes them too. */
  private readonly inflight = new Set<Promise<void>>();
  private readonly config: MemoryBusConfig;
  private readonly logger: BusLogger;

  constructor(
    private readonly busConfig: Pick<BusConfig, 'memory' | 'handlerRetryInitialMs' | 'handlerRetryMaxMs'>,
    private readonly deps: MemoryEventBusDeps,
  ) {
    this.config = busConfig.memory;
    this.logger = deps.logger ?? silentBusLogger;
  }

  async publish(events: readonly SondeEvent[]): Promise<void> {
    if (this.closed) {
      this.deps.metrics.publishFailures.inc({ adapter: 'memory', reason: 'closed' }, events.length);
      throw new BusError('unavailable', 'event bus is closed', { adapter: 'memory' });
    }
    const done = this.enqueueAll(events);
    this.inflight.add(done);
    try {
      await done;
    } finally {
      this.inflight.delete(done);
    }
  }

  private async enqueueAll(events: readonly SondeEvent[]): Promise<void> {
    const capacity = this.config.queueCapacity;
    for (let start = 0; start < events.length; start += capacity) {
      const chunk = events.slice(start, start + capacity);
      await this.enqueue(chunk, events.length - start);
    }
    this.deps.metrics.published.inc({ adapter: 'memory', via: 'queue' }, events.length);
  }

  private async enqueue(chunk: readonly SondeEvent[], remaining: number): Promise<void> {
    const perGroup = new Map<GroupQueue, SondeEvent[]>();
    const orphans: SondeEvent[] = [];
    for (const event of chunk) {
      const family = familyOf(event.kind);
      let matched = false;
      for (const group of this.groups.values()) {
        if (!group.families.has(family)) continue;
        matched = true;
        const list = perGroup.get(group);
        if (list) list.push(event);
        else perGroup.set(group, [event]);
      }
      if (!matched) orphans.push(event);
    }
    for (const [group, list] of perGroup) {
      const room = await group.waitForRoom(list.length, this.config.publishTimeoutMs);
      if (!room) {
        this.deps.metrics.memoryQueueDrops.inc({ group: group.name }, remaining);
        this.deps.metrics.publishFailures.inc({ adapter: 'memory', reason: 'queue_full' }, remaining);
        throw new BusError('overloaded', `memory bus queue of group ${group.name} stayed full for ${this.config.publishTimeoutMs} ms`, {
          group: group.name,
          queued: group.size,
          capacity: this.config.queueCapacity,
        });
      }
      group.push(list);
    }
    if (orphans.length) {
      const room = this.config.backlogCapacity - this.backlog.length;
      if (room < orphans.length) {
        this.deps.metrics.publishFailures.inc({ adapter: 'memory', reason: 'no_subscriber' }, orphans.length);
        throw new BusError('overloaded', `no subscriber for ${orphans.length} events and the backlog is full`, {
          backlog: this.backlog.length,
          family: orphans[0] ? familyOf(orphans[0].kind) : '',
        });
      }
      this.backlog.push(...orphans);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new BusError('unavailable', 'event bus is closed', { adapter: 'memory', group: options.group });
    let group = this.groups.get(options.group);
    if (!group) {
      group = new GroupQueue(options.group, this.config.queueCapacity, this.deps.metrics);
      this.groups.set(options.group, group);
    }
    const added = options.families.filter((f) => !group.families.has(f));
    for (const f of added) group.families.add(f);
    if (added.length) this.adoptBacklog(group, new Set(added));

    const subscriber = new MemorySubscriber(group, options, this.busConfig, this.deps, this.logger);
    group.addSubscriber(subscriber);
    return { close: () => group.removeSubscriber(subscriber) };
  }

  private adoptBacklog(group: GroupQueue, families: Set<EventFamily>): void {
    const kept: SondeEvent[] = [];
    const adopted: SondeEvent[] = [];
    for (const e of this.backlog) (families.has(familyOf(e.kind)) ? adopted : kept).push(e);
    if (!adopted.length) return;
    this.backlog.length = 0;
    this.backlog.push(...kept);
    group.push(adopted);
  }

  async health(): Promise<BusHealth> {
    let pending = this.backlog.length;
    for (const g of this.groups.values()) pending += g.size;
    return { ok: !this.closed, detail: this.closed ? 'closed' : `memory bus, ${this.groups.size} groups`, pending };
  }

  /** Hands what is queued to the subscribers (up to memory.closeTimeoutMs), then stops them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + this.config.closeTimeoutMs;
    await Promise.allSettled([...this.inflight]);
    await Promise.all([...this.groups.values()].map((g) => g.drain(deadline)));
    await Promise.all([...this.groups.values()].map((g) => g.stopAll()));
    const left = [...this.groups.values()].reduce((n, g) => n + g.size, 0) + this.backlog.length;
    if (left) this.logger.warn({ left }, 'memory bus closed with undelivered events');
  }
}

/** One group's FIFO: a ring over an array with a head index (no O(n) shift per batch). */
class GroupQueue {
  readonly families = new Set<EventFamily>();
  private items: Queued[] = [];
  private head = 0;
  private nextSeq = 0;
  private readonly subscribers: MemorySubscriber[] = [];
  private roomWaiters: Array<() => void> = [];
  private arrivalWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly capacity: number,
    private readonly metrics: BusMetrics,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  async waitForRoom(count: number, timeoutMs: number): Promise<boolean> {
    const fits = () => this.size === 0 || this.size + count <= this.capacity;
    if (fits()) return true;
    const deadline = Date.now() + timeoutMs;
    while (!fits()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.roomWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  push(events: readonly SondeEvent[]): void {
    for (const event of events) this.items.push({ seq: this.nextSeq++, event });
    this.metrics.memoryQueueEvents.set({ group: this.name }, this.size);
    this.wake('arrival');
  }

  peek(max: number): Queued[] {
    return this.items.slice(this.head, this.head + max);
  }

  remove(count: number): void {
    const end = this.head + count;
    // delivered slots are emptied at once: left in the array until the next compaction, they
    // kept up to ~8 000 delivered events (and their payloads) reachable, so every young-generation
    // GC copied and promoted them — a third of the syslog receiver's allocation survived each
    // scavenge (bench/syslog/RESULTS.md, 2026-12-02)
    if (end >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else {
      this.items.fill(DELIVERED, this.head, end);
      this.head = end;
      if (this.head > 4096 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    this.metrics.memoryQueueEvents.set({ group: this.name }, this.size);
    this.wake('room');
    if (this.size === 0) this.wake('drain');
  }

  /** Resolves when an event arrives, or after ms (whichever first). */
  waitForArrival(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.arrivalWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  wakeConsumers(): void {
    this.wake('arrival');
  }

  private wake(what: 'arrival' | 'room' | 'drain'): void {
    const key = what === 'arrival' ? 'arrivalWaiters' : what === 'room' ? 'roomWaiters' : 'drainWaiters';
    const waiters = this[key];
    this[key] = [];
    for (const w of waiters) w();
  }

  addSubscriber(s: MemorySubscriber): void {
    this.subscribers.push(s);
    if (this.subscribers.length === 1) s.start();
  }

  async removeSubscriber(s: MemorySubscriber): Promise<void> {
    const i = this.subscribers.indexOf(s);
    if (i < 0) return;
    this.subscribers.splice(i, 1);
    await s.stop();
    // a standby takes over where the closed one stopped (the batch it left is redelivered)
    if (i === 0 && this.subscribers[0]) this.subscribers[0].start();
  }

  async drain(deadline: number): Promise<void> {
    while (this.size > 0 && this.subscribers.length > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now())));
        this.drainWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stopAll(): Promise<void> {
    const all = this.subscribers.splice(0);
    await Promise.all(all.map((s) => s.stop()));
  }
}

class MemorySubscriber {
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly maxBatchEvents: number;
  private readonly maxBatchWaitMs: number;

  constructor(
    private readonly group: GroupQueue,
    private readonly options: SubscribeOptions,
    private readonly busConfig: Pick<BusConfig, 'handlerRetryInitialMs' | 'handlerRetryMaxMs'>,
    private readonly deps: MemoryEventBusDeps,
    private readonly logger: BusLogger,
  ) {
    this.maxBatchEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
    this.maxBatchWaitMs = options.maxBatchWaitMs ?? DEFAULT_MAX_BATCH_WAIT_MS;
  }

  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    this.loop = this.run().catch((err: unknown) => {
      this.logger.error({ err, group: this.group.name }, 'memory bus consumer loop failed');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.group.wakeConsumers();
    await this.loop;
    this.running = false;
  }

  private async run(): Promise<void> {
    const group = this.group;
    const labels = { adapter: 'memory', group: group.name };
    while (!this.stopping) {
      if (group.size === 0) {
        await group.waitForArrival(1_000);
        continue;
      }
      // fill the batch up to maxBatchEvents or maxBatchWaitMs after its first event
      const fillUntil = Date.now() + this.maxBatchWaitMs;
      while (!this.stopping && group.size < this.maxBatchEvents && Date.now() < fillUntil) {
        await group.waitForArrival(fillUntil - Date.now());
      }
      const taken = group.peek(this.maxBatchEvents);
      const first = taken[0]?.seq;
      const last = taken.at(-1)?.seq;
      if (first === undefined || last === undefined) continue;
      const batch = {
        source: `memory/${group.name}`,
        dedupToken: `memory/${group.name}/${first}-${last}`,
        events: taken.map((q) => q.event),
        invalid: 0,
      };
      const delivered = await deliverBatch(batch, this.options.handler, {
        initialBackoffMs: this.busConfig.handlerRetryInitialMs,
        maxBackoffMs: this.busConfig.handlerRetryMaxMs,
        shouldStop: () => this.stopping,
        onFailure: (err, attempt) => {
          this.deps.metrics.handlerFailures.inc(labels);
          if (attempt === 1 || attempt % 10 === 0) {
            this.logger.warn({ err, group: group.name, dedupToken: batch.dedupToken, attempt }, 'batch handler failed; redelivering the same batch');
          }
        },
      });
      if (!delivered) return;
      group.remove(taken.length);
      this.deps.metrics.consumerBatches.inc(labels);
      this.deps.metrics.consumedEvents.inc(labels, taken.length);
    }
  }
}
