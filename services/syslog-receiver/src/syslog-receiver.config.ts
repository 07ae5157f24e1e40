import { z } from 'zod';
import { SYSLOG_DIALECT_NAMES } from './parsers/syslog-dialects';
import { assertZone } from './parsers/syslog-time';

const zone = z.string().refine(
  (v) => {
    try {
      assertZone(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone (Europe/Paris), a fixed offset (+02:00) or UTC' },
);

const host = z.string().min(1);
const port = z.number().int().min(0).max(65535);

/**
 * TCP/TLS connection limits, so idle or stuck connections cannot take every `maxConnections`
 * slot: a connection silent for idleTimeoutMs is closed (a sender reconnects when it has
 * something to say; one paused by our backpressure is not idle), and one source address holds at
 * most maxConnectionsPerSource. Both counted: `sonde_syslog_connections_closed_total{reason}`.
 */
const streamLimits = {
  /** 0 = never. RFC 6587 senders keep a connection open between messages: minutes, not seconds. */
  idleTimeoutMs: z.number().int().min(0).default(300_000),
  /** 0 = no cap beyond maxConnections. */
  maxConnectionsPerSource: z.number().int().min(0).default(64),
};

/** Per-source overrides, keyed by the sender's IP address as seen on the socket. */
const sourceSchema = z.object({
  /** Zone for timestamps that carry none (RFC 3164, Cisco without show-timezone). */
  zone: zone.optional(),
  /** Pin a dialect instead of auto-detection; messages it does not recognise still go to auto. */
  dialect: z.enum(SYSLOG_DIALECT_NAMES).optional(),
});

/**
 * `syslogReceiver:` section of the Sonde config file. Every field has a default (ADR 0001).
 * Hosts: by default IPv4 and IPv6 on separate sockets (`::` bound IPv6-only), port 514 (UDP, TCP)
 * and 6514 (TLS, RFC 5425 §4.1).
 */
export const syslogReceiverConfigSchema = z.object({
  udp: z
    .object({
      enabled: z.boolean().default(true),
      hosts: z.array(host).min(1).default(['0.0.0.0', '::']),
      port: port.default(514),
      /**
       * Receiver threads sharing the port through SO_REUSEPORT (Node 24 `reusePort`). 0 = receive
       * on the main thread. The kernel spreads datagrams by source address/port hash, so one sender
       * always lands on one worker (ordering per sender is kept).
       */
      workers: z.number().int().min(0).max(64).default(0),
      /**
       * SO_RCVBUF: absorbs bursts while the event loop is busy. The kernel caps it at
       * net.core.rmem_max (the granted size is logged at start and exported as a gauge).
       */
      receiveBufferBytes: z.number().int().positive().default(8 * 1024 * 1024),
      /**
       * A source over its rate limit gets a socket of its own on the port (connected to it,
       * SO_REUSEPORT; Linux), so its flood overflows its own kernel buffer, not the one the other
       * sources share. maxSources 0 = off; a source that stays under its limit for
       * releaseAfterMs goes back to the shared socket.
       */
      isolation: z
        .object({
          maxSources: z.number().int().min(0).max(256).default(16),
          releaseAfterMs: z.number().int().min(100).default(30_000),
          /** how often the shared socket's reading is looked at, to isolate the top sender when the reader falls behind (0 = only by rate) */
          watchMs: z.number().int().min(0).default(100),
        })
        .prefault({}),
    })
    .prefault({}),
  tcp: z
    .object({
      enabled: z.boolean().default(true),
      hosts: z.array(host).min(1).default(['0.0.0.0', '::']),
      port: port.default(514),
      maxConnections: z.number().int().positive().default(2000),
      ...streamLimits,
    })
    .prefault({}),
  tls: z
    .object({
      enabled: z.boolean().default(false),
      hosts: z.array(host).min(1).default(['0.0.0.0', '::']),
      port: port.default(6514),
      maxConnections: z.number().int().positive().default(2000),
      ...streamLimits,
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      /** CA bundle that client certificates must chain to (RFC 5425 §5.1 mutual auth). */
      caFile: z.string().optional(),
      /** Require and verify a client certificate. */
      requireClientCert: z.boolean().default(false),
    })
    .prefault({})
    .refine((t) => !t.enabled || (t.certFile !== undefined && t.keyFile !== undefined), {
      message: 'tls.enabled needs tls.certFile and tls.keyFile',
    })
    .refine((t) => !t.requireClientCert || t.caFile !== undefined, { message: 'tls.requireClientCert needs tls.caFile' }),
  /** RFC 5425 §4.3.1 asks receivers to take at least 2048 octets and SHOULD take 8192. */
  maxMessageBytes: z.number().int().min(480).max(1024 * 1024).default(8192),
  defaultZone: zone.default('UTC'),
  defaultDialect: z.enum(SYSLOG_DIALECT_NAMES).default('auto'),
  sources: z.record(z.string(), sourceSchema).default({}),
  /**
   * Token bucket per source address. UDP over the rate is dropped and counted
   * (`dropped{reason="rate-limit"}`); TCP/TLS over the rate is slowed down (the socket is paused),
   * never dropped. 0 = unlimited.
   */
  rateLimit: z
    .object({
      messagesPerSecond: z.number().min(0).default(5000),
      burst: z.number().int().min(1).default(10000),
    })
    .prefault({}),
  /** Drop summaries and bad-input warnings: at most one log line per source per interval. */
  logIntervalMs: z.number().int().positive().default(60_000),
  /** UDP events are published in batches of up to maxEvents, or after maxWaitMs. */
  batch: z
    .object({
      maxEvents: z.number().int().positive().default(500),
      maxWaitMs: z.number().int().min(0).default(20),
      /** Events waiting for the bus beyond which UDP input is dropped (`reason="bus-full"`). */
      maxPendingEvents: z.number().int().positive().default(100_000),
    })
    .prefault({}),
});

export type SyslogReceiverConfig = z.infer<typeof syslogReceiverConfigSchema>;
export type SyslogReceiverConfigInput = z.input<typeof syslogReceiverConfigSchema>;
