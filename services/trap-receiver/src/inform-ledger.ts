/**
 * Informs in progress (RFC 3416 §4.2.7, ARCHITECTURE.md "inform acked after publish"). The
 * Response is sent only once the event was accepted by the bus; until then the sender retries
 * (same request-id from the same address and port) and each retry must not become a second
 * event. An accepted inform is remembered for `rememberMs`, so a retry after a lost Response is
 * answered again without publishing again. Bounded by `maxEntries` (oldest forgotten first).
 */
interface Entry {
  state: 'pending' | 'accepted';
  /** the Response for the newest copy (an SNMPv3 retry has a new msgID) */
  reply: Buffer;
  at: number;
}

export type InformState = 'new' | 'pending' | 'accepted';

export class InformLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly rememberMs = 300_000,
    private readonly maxEntries = 10_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records a copy of an inform; says whether it is new, still waiting for the bus, or done. */
  see(key: string, reply: Buffer, now: number): InformState {
    const e = this.entries.get(key);
    if (e && now - e.at <= this.rememberMs) {
      e.reply = reply;
      return e.state;
    }
    if (e) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { state: 'pending', reply, at: now });
    return 'new';
  }

  /** The bus accepted (or refused) the event: the Response to send now, if any. */
  settle(key: string, accepted: boolean, now: number): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (!accepted) {
      // not acknowledged: the sender's next retry is a new attempt
      this.entries.delete(key);
      return undefined;
    }
    e.state = 'accepted';
    e.at = now;
    return e.reply;
  }
}
