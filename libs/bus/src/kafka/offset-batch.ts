/**
 * Deterministic batch boundaries over a Kafka partition (design.md §4): a batch redelivered
 * after a crash or rebalance must hold the same events and carry the same dedupToken, even
 * though Kafka may return the messages in different fetch sizes the second time.
 *
 * The rule: before batch [first..last] is handed to a handler, the consumer commits offset
 * `first` (the position it already had) with the commit metadata `sonde-batch:v1:last=<last>`
 * (an intent). After the handler resolved it commits `last + 1` with no metadata. A consumer
 * that takes the partition over reads the committed metadata and, if an intent is there, cuts
 * its first batch at exactly that `last`, waiting for more fetches if needed. Plain functions,
 * no Kafka client: unit-tested on their own.
 */
const INTENT_PREFIX = 'sonde-batch:v1:last=';

export interface OffsetMessage {
  offset: number;
}

export function formatBatchIntent(last: number): string {
  return `${INTENT_PREFIX}${last}`;
}

/** The `last` of an intent, or null for empty/foreign metadata (never throws). */
export function parseBatchIntent(metadata: string | null | undefined): number | null {
  if (!metadata || !metadata.startsWith(INTENT_PREFIX)) return null;
  const text = metadata.slice(INTENT_PREFIX.length);
  if (!/^\d{1,16}$/.test(text)) return null;
  const last = Number(text);
  return Number.isSafeInteger(last) ? last : null;
}

export function batchToken(topic: string, partition: number, first: number, last: number): string {
  return `${topic}/${partition}/${first}-${last}`;
}

export interface OffsetBatch<M extends OffsetMessage> {
  messages: M[];
  first: number;
  last: number;
}

/**
 * Cuts the next batch from the messages buffered for a partition (ascending offsets, none
 * below `start`). With an intent, the batch ends exactly at `intentLast`: null until the
 * buffer reaches it (or holds everything the partition has, `highWatermark - 1`). Without
 * one, it takes up to `maxEvents` messages. Returns null when there is nothing to cut.
 */
export function cutOffsetBatch<M extends OffsetMessage>(
  buffered: readonly M[],
  start: number,
  intentLast: number | null,
  maxEvents: number,
  highWatermark: number,
): OffsetBatch<M> | null {
  const newest = buffered.at(-1);
  if (!newest) return null;
  if (intentLast !== null && intentLast >= start) {
    if (newest.offset < intentLast && newest.offset < highWatermark - 1) return null;
    const n = buffered.findIndex((m) => m.offset > intentLast);
    return { messages: n < 0 ? buffered.slice() : buffered.slice(0, n), first: start, last: intentLast };
  }
  const messages = buffered.slice(0, maxEvents);
  return { messages, first: start, last: messages.at(-1)?.offset ?? start };
}
