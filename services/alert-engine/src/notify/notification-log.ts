import type { StateStore } from '@sonde/state/state-store';

export type ClaimResult = 'claimed' | 'sent' | 'busy';

/**
 * The shared notification log (design.md §5): one key per notification and destination
 * (`<prefix>nlog:<idempotency key>:<notifier>`), set-if-absent before sending. A replica
 * sends only what it claimed; `sent` is written after the receiver accepted. A claim left by
 * a replica that died mid-send expires after `claimTtlMs`, and the next owner of the group
 * sends again with the same idempotency key — so a receiver sees each notification once,
 * or (only after a crash between its 2xx and our `sent`) twice with one key it can drop.
 */
export class NotificationLog {
  constructor(
    private readonly state: StateStore,
    private readonly prefix: string,
    private readonly holder: string,
    private readonly claimTtlMs: number,
    private readonly retentionMs: number,
  ) {}

  private key(id: string): string {
    return `${this.prefix}nlog:${id}`;
  }

  async claim(id: string): Promise<ClaimResult> {
    const key = this.key(id);
    if (await this.state.setIfAbsent(key, `sending:${this.holder}`, this.claimTtlMs)) return 'claimed';
    const v = await this.state.get(key);
    if (v === 'sent' || v === 'gave-up') return 'sent';
    if (v === `sending:${this.holder}`) return 'claimed';
    // Gone between the two calls (expired): try once more.
    if (v === null && (await this.state.setIfAbsent(key, `sending:${this.holder}`, this.claimTtlMs))) return 'claimed';
    return 'busy';
  }

  /** Keeps our claim alive while retrying a receiver that is down. */
  async extend(id: string): Promise<void> {
    await this.state.set(this.key(id), `sending:${this.holder}`, this.claimTtlMs);
  }

  async markSent(id: string): Promise<void> {
    await this.state.set(this.key(id), 'sent', this.retentionMs);
  }

  /** A claim we give up (non-retryable failure, give-up bound): recorded so no replica retries it. */
  async markGivenUp(id: string): Promise<void> {
    await this.state.set(this.key(id), 'gave-up', this.retentionMs);
  }
}
