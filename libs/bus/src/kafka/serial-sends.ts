/**
 * The produce requests of one publisher reach the client one at a time, and none after a failed
 * one until `reset()` (the publisher drops the producer once the requests in flight settled).
 *
 * Why both rules: the publisher sends a failed request to the spool and the spool is sent again
 * in order, so a later request must never reach the broker while an earlier one is unwritten.
 * The idempotent producer's sequence numbers were meant to guarantee that (the broker refuses a
 * batch whose predecessor it did not write), but both clients defeat it:
 * - kafkajs reorders concurrent sendBatch() calls (whole requests swapped on one partition);
 * - @platformatic/kafka 2.12.1 answers OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID by
 *   taking a new producer id and sending the refused batch again with fresh sequence numbers
 *   (producer.js #performSingleDestinationSend → #recoverIdempotentProducer, l. 793–840), and its
 *   connection pipelines up to 5 requests (network/connection.js l. 32, 79): a request whose
 *   first attempt timed out is retried behind the next one, which the broker has meanwhile taken
 *   under the new id — the later events first (the 100 000-event volume spec saw 81 devices out of
 *   order once in CI).
 * So a request goes to the client only after the one before it was acknowledged, and after a
 * failure the ones queued behind it fail unsent (the publisher spools them behind it, in order).
 * A request the broker rejected for good (too large, invalid) is not a failure here: nothing of it
 * was written and nothing behind it depends on it.
 */
export class SerialSends {
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly isRejected: (err: unknown) => boolean) {}

  run(send: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => {
      if (this.failure !== null) throw new Error('kafka request not sent: the one before it failed (both go to the spool, in order)', { cause: this.failure });
      return send();
    });
    this.chain = run.catch((err: unknown) => {
      if (this.failure === null && !this.isRejected(err)) this.failure = err;
    });
    return run;
  }

  /** A failed request poisons the ones behind it until this: a new producer, the spool ahead of any new send. */
  reset(): void {
    this.failure = null;
  }
}
