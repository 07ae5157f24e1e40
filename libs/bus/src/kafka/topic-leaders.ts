import type { Admin, ITopicConfig } from 'kafkajs';

export interface CreateTopicsOptions {
  /** How long to wait for every partition to have a leader. */
  timeoutMs?: number;
  /** Pause between metadata reads. */
  pollMs?: number;
}

/**
 * Creates the topics (an existing one is fine) and waits until every partition has a leader.
 *
 * kafkajs' own `waitForLeaders` retries only LEADER_NOT_AVAILABLE; a broker under load answers the
 * metadata request for a topic it created a moment ago with UNKNOWN_TOPIC_OR_PARTITION ("This
 * server does not host this topic-partition") for a while, and kafkajs gives up on that at once.
 * So the wait is done here: metadata is read until each topic has its partitions, each with a
 * leader, and errors that mean "not yet" are retried until the deadline.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[], opts: CreateTopicsOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const pollMs = opts.pollMs ?? 200;
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let last = 'no metadata yet';
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      const missing = names.filter((name) => {
        const t = meta.topics.find((m) => m.name === name);
        return !t || t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0);
      });
      if (missing.length === 0) return;
      last = `no leader yet for ${missing.join(', ')}`;
    } catch (err) {
      if (!isNotYet(err)) throw err;
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`kafka topics ${names.join(', ')} have no leaders after ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER']);

function isNotYet(err: unknown): boolean {
  const e = err as { type?: string; retriable?: boolean; name?: string };
  if (e?.type && NOT_YET.has(e.type)) return true;
  // kafkajs wraps exhausted retries; the cause is what matters
  const cause = (err as { originalError?: unknown; cause?: unknown })?.originalError ?? (err as { cause?: unknown })?.cause;
  return cause !== undefined && cause !== err && isNotYet(cause);
}
