/**
 * The one vocabulary of `dropped{reason, stage}` for every collector (style.md rule 9, Vector's
 * component spec), so a dashboard can sum `dropped{reason="bus-full"}` across collectors.
 * A collector that wants finer detail puts it in the optional `detail` label
 * (`sonde_trap_dropped_total{reason="auth", detail="wrong-digest"}`), never in `reason`.
 */
export const DROP_REASONS = [
  /** over a per-source or global token bucket */
  'rate-limit',
  /** cannot be decoded (bad BER, bad framing, truncated, bad ICMP checksum …) */
  'malformed',
  /** nothing to decode (an empty datagram or frame) */
  'empty',
  /** a credential check failed (community, USM user/engine/digest/level, decryption) */
  'auth',
  /** authentic but outside its time window (RFC 3414 §3.2 step 7) */
  'replay',
  /** well-formed but not handled here (a version, security model or PDU type) */
  'unsupported',
  /** a retransmission of something already accepted (an inform sent again) */
  'duplicate',
  /** a protocol exchange that carries no event and was answered (SNMPv3 engine-ID discovery) */
  'control',
  /** a reply that came too late or from an address that was not asked */
  'unexpected',
  /** could not be sent or scheduled (ICMP send error, socket family unavailable, no IP address) */
  'unavailable',
  /** part of a read that failed or was cut short (a walk that timed out or passed its varbind bound): not published */
  'incomplete',
  /** the publisher's bounded queue was full (the bus is slower than the input) */
  'bus-full',
  /** the bus refused the events (its spool is full, or it is closed) */
  'bus-rejected',
  /** held at shutdown while the bus kept refusing */
  'shutdown',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Where in the pipeline the decision was taken. */
export const DROP_STAGES = ['receive', 'decode', 'security', 'match', 'send', 'schedule', 'publish'] as const;
export type DropStage = (typeof DROP_STAGES)[number];
