import { Consumer, type CallbackWithPromise } from '@platformatic/kafka';

type BufferConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type FetchOptions = Parameters<BufferConsumer['fetch']>[0];
type FetchResponse = Awaited<ReturnType<BufferConsumer['fetch']>>;

/**
 * A Consumer whose fetch answers are fenced by the assignment they were asked under.
 *
 * @platformatic/kafka 2.12's MessagesStream (dist/clients/consumer/messages-stream.js) builds a
 * fetch from the assignment and positions of the moment (#fetch, l. 383-412) and, when the answer
 * comes, pushes its records and moves its positions (#pushRecords, l. 594) with no check that the
 * group still is where it was: the generationId it stamps on each message is read when the answer
 * is processed (l. 568), and the consumer sets the new one from the JoinGroup answer (consumer.js
 * l. 1420), before SyncGroup assigns anything. A long poll parked at the broker across a rebalance
 * therefore delivers, under the new generation, records of a partition this member lost (read by
 * the new owner too: stored twice, under other tokens) and, for a partition it kept, records past
 * what it had buffered and forgot at the join, while the stream's position jumps over them (events
 * skipped, then out of order). test/kafka-stale-fetch.int-spec.ts reproduces both.
 *
 * `assignmentEpoch` is bumped by the subscription at every group join; an answer to a fetch asked
 * under an older epoch reaches the stream empty, so it neither delivers nor moves a position, and
 * the stream's next fetch starts from the positions it reloaded at the join.
 */
export class FencedConsumer extends Consumer<Buffer, Buffer, Buffer, Buffer> {
  assignmentEpoch = 0;

  override fetch(options: FetchOptions, callback: CallbackWithPromise<FetchResponse>): void;
  override fetch(options: FetchOptions): Promise<FetchResponse>;
  override fetch(options: FetchOptions, callback?: CallbackWithPromise<FetchResponse>): void | Promise<FetchResponse> {
    // only the stream passes a callback; a direct (promise) fetch is the caller's own business
    if (!callback) return super.fetch(options);
    const epoch = this.assignmentEpoch;
    super.fetch(options, (error, response) => {
      if (error || !response || epoch === this.assignmentEpoch) {
        callback(error, response);
        return;
      }
      callback(null, { ...response, responses: [] });
    });
  }
}
