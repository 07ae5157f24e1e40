import { Kafka, type Admin, type Consumer } from 'kafkajs';
import type { BusConfig } from '../bus.config';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import { PublishedTargets, type TargetRecord } from '../published-targets';
import { partitionOf, type TargetAssignment, type TargetAssignmentDeps, type TargetAssignmentIdentity } from '../target-assignment';
import { kafkajsLogCreator } from './kafkajs-logger';
import { createTopicsWithLeaders } from './topic-leaders';

/**
 * Target sharding by Kafka consumer group (design.md §5): the replicas of `service` at `site`
 * join the group `sonde-<service>-<site>` on the compacted topic `<prefix>sonde.targets.<site>`
 * (P partitions, created if missing); the partitions the group coordinator assigns to this
 * member are the shards it owns. A replica that stops heartbeating (SIGKILL) is dropped after
 * `targets.sessionTimeoutMs` and the survivors' next join hands them its partitions.
 *
 * The signal is kafkajs' GROUP_JOIN instrumentation event: consumerGroup.joinAndSync() emits it
 * after every successful JoinGroup + SyncGroup with `memberAssignment` = the *whole* assignment
 * of this generation (kafkajs 2.2 src/consumer/consumerGroup.js). eachBatch would only name
 * partitions that have messages, and this topic may well be empty. No messages are needed: the
 * fetch loop heartbeats on its own (the fetch wait is bounded by the heartbeat interval).
 *
 * The records of the owned partitions are the published inventory (`sonde inventory apply`,
 * published-targets.ts): offsets are never committed, so every assignment reads its partitions
 * from the start (a compacted topic: one record per device), and a change calls `onChange` again.
 *
 * Between a REBALANCING notice and the next GROUP_JOIN the previous shards are kept (a short
 * double poll rather than a gap); if Kafka is unreachable the last assignment is kept too (the
 * replicas go on polling their shards, and the bus spools the events).
 */
export class KafkaTargetAssignment implements TargetAssignment {
  readonly topic: string;
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly logger: BusLogger;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private owned: ReadonlySet<number> = new Set();
  private readonly published = new PublishedTargets();
  private readonly reportedRejects = new Set<string>();
  private partitions: number;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly config: BusConfig,
    identity: TargetAssignmentIdentity,
    deps: TargetAssignmentDeps = {},
  ) {
    const k = config.kafka;
    this.topic = `${k.topicPrefix}sonde.targets.${identity.site}`;
    this.groupId = `sonde-${identity.service}-${identity.site}`;
    this.partitions = k.targets.partitions;
    this.logger = deps.logger ?? silentBusLogger;
    this.kafka = new Kafka({
      clientId: `${k.clientId}-${identity.service}-targets`,
      brokers: k.brokers,
      connectionTimeout: k.connectionTimeoutMs,
      logCreator: kafkajsLogCreator(this.logger),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  /** Creates the topic if missing, joins the group; retries (1 s → 10 s) until joined or closed. */
  async start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    let backoff = 1_000;
    while (!this.closed) {
      try {
        await this.join(onChange);
        return;
      } catch (err) {
        this.logger.warn({ err, topic: this.topic, group: this.groupId, retryInMs: backoff }, 'target assignment: cannot join the consumer group yet');
        await this.disconnect();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  owns(deviceId: string): boolean {
    return this.owned.has(partitionOf(deviceId, this.partitions));
  }

  devices<T extends { id: string }>(fileDevices: readonly T[], parse: (raw: unknown, id: string) => T | undefined): T[] {
    return this.published.devices(fileDevices, this.partitions, parse);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.disconnect();
  }

  private async join(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    this.partitions = await this.ensureTopic();
    const sessionTimeout = this.config.kafka.targets.sessionTimeoutMs;
    // The survivors learn that a dead member's session expired only from the answer to their
    // next heartbeat, and kafkajs heartbeats only when a fetch returns (an idle fetch waits
    // maxWaitTimeInMs) once `heartbeatInterval` has passed: so the takeover lags the expiry by
    // up to heartbeatInterval + maxWaitTimeInMs. At a third of the session timeout (Kafka's
    // ceiling) that was up to 2/3 of it (4 s of a 6 s session): the failover overran
    // "interval + session timeout". A tenth, with fetches as short, bounds the lag to a fifth
    // of the session timeout, for one small heartbeat request per replica every tenth of it.
    const heartbeatInterval = Math.max(100, Math.floor(sessionTimeout / 10));
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout,
      heartbeatInterval,
      // a member that does not rejoin within this is left out: failover stays bounded
      rebalanceTimeout: sessionTimeout,
      maxWaitTimeInMs: heartbeatInterval,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const owned = new Set(payload.memberAssignment[this.topic] ?? []);
      this.owned = owned;
      this.published.retain(owned);
      this.logger.info({ topic: this.topic, group: this.groupId, member: payload.memberId, owned: [...owned].sort((a, b) => a - b), partitions: this.partitions }, 'target assignment changed');
      onChange(owned);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.warn({ err: payload.error, restart: payload.restart, group: this.groupId }, 'target assignment consumer crashed; keeping the last assignment');
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    // run() resolves after the first JoinGroup + SyncGroup (GROUP_JOIN has fired by then).
    // autoCommit off: the next owner of a partition must read it from the start.
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const records: TargetRecord[] = batch.messages.map((m) => ({ partition: batch.partition, key: m.key?.toString() ?? '', value: m.value ? m.value.toString() : null }));
        if (!this.published.apply(records)) return;
        for (const [id, why] of this.published.rejected) {
          if (this.reportedRejects.has(id)) continue;
          this.reportedRejects.add(id);
          this.logger.warn({ topic: this.topic, device: id }, `published inventory: ${why}; ignored`);
        }
        this.logger.info({ topic: this.topic, group: this.groupId, partition: batch.partition, appliedPartitions: this.published.appliedPartitions }, 'published inventory changed');
        onChange(this.owned);
      },
    });
  }

  /** Creates `sonde.targets.<site>` (compacted) if missing; returns its partition count. */
  private async ensureTopic(): Promise<number> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    const k = this.config.kafka;
    if (!(await admin.listTopics()).includes(this.topic)) {
      // false = it already exists (another replica created it meanwhile): fine
      await createTopicsWithLeaders(admin, [{ topic: this.topic, numPartitions: k.targets.partitions, replicationFactor: k.replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
    }
    const meta = await admin.fetchTopicMetadata({ topics: [this.topic] });
    const count = meta.topics[0]?.partitions.length ?? 0;
    if (count < 1) throw new Error(`topic ${this.topic} has no partitions`);
    if (count !== k.targets.partitions) {
      this.logger.warn({ topic: this.topic, partitions: count, configured: k.targets.partitions }, 'bus.kafka.targets.partitions differs from the existing topic; using the topic\'s count');
    }
    await admin.disconnect();
    this.admin = undefined;
    return count;
  }

  private async disconnect(): Promise<void> {
    const { consumer, admin } = this;
    this.consumer = undefined;
    this.admin = undefined;
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }
}
