import dgram from 'node:dgram';

/** The shared socket a flooding source is moved off: where it is bound, and how. */
export interface IsolatedLocal {
  type: 'udp4' | 'udp6';
  address: string;
  port: number;
  ipv6Only: boolean;
  recvBufferSize: number;
}

export interface UdpSourceIsolationOptions {
  /** sources isolated at once; 0 = off */
  maxSources: number;
  /** an isolated source under its rate for this long gets its socket closed (it is back on the shared one) */
  releaseAfterMs: number;
  /**
   * How often the shared socket's reading is looked at (0 = never): when most of the loop
   * iterations since the last look read a full batch from it (the reader falls behind, a queue
   * builds in the kernel), the source seen most in the sampled datagrams is isolated — whether or
   * not the reader kept up enough for the rate limit to notice it.
   */
  watchMs?: number;
}

/** One datagram in SAMPLE_EVERY is sampled for the top-talker count (a bit mask: a power of 2). */
const SAMPLE_EVERY = 16;
/**
 * libuv reads at most this many datagrams from a socket per event-loop iteration
 * (uv__udp_recvmsg): an iteration that read that many left more in the kernel queue.
 */
const READS_PER_ITERATION = 32;
/** Behind in at least this share of the iterations that read the shared socket. */
const BEHIND_SHARE = 0.5;
/** Samples of the top talker before it is named: two full iterations' worth. */
const MIN_SAMPLES = (2 * READS_PER_ITERATION) / SAMPLE_EVERY;
/** The top talker must be at least this share of the samples to be moved (not a crowd's top). */
const TOP_SHARE = 0.25;

/** What an isolated socket's datagrams are handed to: the same handler as the shared socket's. */
export type IsolatedHandler = (msg: Buffer, rinfo: dgram.RemoteInfo, source: IsolatedSource) => void;

/** One isolated source: its own socket, connected to it. */
export interface IsolatedSource {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** set by the handler when the rate limit found it over its rate (refused or draining its burst) */
  lastOverAt: number;
  socket: dgram.Socket | undefined;
}

/**
 * Gives a source over its rate limit a UDP socket of its own (issue 11 item 3), so its flood
 * fills its own kernel receive buffer instead of the one every other source shares.
 *
 * A datagram the kernel drops is dropped before any code of ours can look at its source: with
 * one socket, a flood that outruns the reader overflows the buffer for every source (the quiet
 * ones lost 3 % under a 50 000/s flood). Linux delivers a datagram to the best-matching socket
 * on the port, and a socket connected to the datagram's source (4-tuple match) beats the
 * listening ones — also inside a SO_REUSEPORT group, which is how the second socket may bind the
 * port at all (so the shared sockets must be bound with `reusePort`). The flooder's datagrams
 * then queue (and overflow, counted per socket in /proc/net/udp with the peer named) on its own
 * socket; libuv reads each socket in turn, so the shared one keeps being drained.
 *
 * Bounded: at most `maxSources` sockets; a source that refused nothing for `releaseAfterMs` is
 * released (its socket closed; its kernel drops are read first, see `onRelease`). The
 * caller decides when a source is over: refused, or draining its burst (SourceTokenBucket
 * `lastDraining`), which moves a flood before its allowed burst fills the shared buffer. A flood from
 * many ports or spoofed addresses is not isolated beyond the cap: the per-source limiter still
 * drops it. Keyed by address and port (a device sends from one port).
 */
export class UdpSourceIsolation {
  private readonly sources = new Map<string, IsolatedSource>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly watcher: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly sampling: boolean;
  private seen = 0;
  private samples = new Map<string, { address: string; port: number; n: number }>();
  private sampled = 0;
  /** datagrams read from the shared socket in this loop iteration */
  private inIteration = 0;
  private iterations = 0;
  private fullIterations = 0;
  private readonly endIteration = () => {
    if (this.inIteration >= READS_PER_ITERATION) this.fullIterations++;
    this.iterations++;
    this.inIteration = 0;
  };

  constructor(
    private readonly local: IsolatedLocal,
    private readonly options: UdpSourceIsolationOptions,
    private readonly handler: IsolatedHandler,
    private readonly hooks: {
      /** just before a socket is closed: read its kernel drops (they vanish with it) */
      onRelease?(source: IsolatedSource): void;
      onError?(source: IsolatedSource, err: Error): void;
      now?(): number;
    } = {},
  ) {
    this.sampling = options.maxSources > 0 && (options.watchMs ?? 0) > 0;
    if (options.maxSources > 0) {
      this.timer = setInterval(() => this.sweep(), Math.max(100, options.releaseAfterMs / 2));
      this.timer.unref();
      if (this.sampling) {
        this.watcher = setInterval(() => this.watch(), options.watchMs);
        this.watcher.unref();
      }
    }
  }

  /**
   * Every datagram of the shared socket passes here: counted per loop iteration (one
   * setImmediate per iteration that read any), and one in SAMPLE_EVERY counted by source, so
   * `watch` knows whether the reader is behind and who sends most.
   */
  sample(address: string, port: number): void {
    if (!this.sampling) return;
    if (this.inIteration++ === 0) setImmediate(this.endIteration);
    if ((++this.seen & (SAMPLE_EVERY - 1)) !== 0) return;
    const key = `${address}|${port}`;
    const s = this.samples.get(key);
    if (s) s.n++;
    else this.samples.set(key, { address, port, n: 1 });
    this.sampled++;
  }

  /** The reader is behind on the shared socket: isolate the top talker of the samples since the last look. */
  watch(now = this.hooks.now?.() ?? Date.now()): void {
    const behind = this.iterations > 0 && this.fullIterations >= this.iterations * BEHIND_SHARE;
    this.iterations = 0;
    this.fullIterations = 0;
    const samples = this.samples;
    const sampled = this.sampled;
    let top: { address: string; port: number; n: number } | undefined;
    let backlog = false;
    for (const [key, s] of samples) {
      // what the shared socket still holds of a source isolated since is its backlog, not a new
      // flood: wait for the next look rather than move whoever comes second
      if (this.sources.has(key)) backlog = true;
      if (!top || s.n > top.n) top = s;
    }
    // too few samples to name a top talker (a starved reader): keep counting while behind
    if (behind && !backlog && top && top.n < MIN_SAMPLES) return;
    this.samples = new Map();
    this.sampled = 0;
    if (behind && !backlog && top && top.n >= sampled * TOP_SHARE) this.isolate(top.address, top.port, now);
  }

  get enabled(): boolean {
    return this.options.maxSources > 0 && !this.closed;
  }

  /** The sources isolated now. */
  get isolated(): readonly IsolatedSource[] {
    return [...this.sources.values()];
  }

  /** SO_RCVBUF granted to the isolated sockets, summed. */
  get receiveBufferBytes(): number {
    let n = 0;
    for (const s of this.sources.values()) if (s.socket) n += s.socket.getRecvBufferSize();
    return n;
  }

  /**
   * The rate limit found `address`:`port` over its rate on the shared socket: give it a socket
   * of its own (once; while the socket binds, later calls only note the time).
   */
  isolate(address: string, port: number, now: number): void {
    if (!this.enabled) return;
    const key = `${address}|${port}`;
    const known = this.sources.get(key);
    if (known) {
      known.lastOverAt = now;
      return;
    }
    if (this.sources.size >= this.options.maxSources) return;
    const source: IsolatedSource = { key, address, port, lastOverAt: now, socket: undefined };
    this.sources.set(key, source);
    const socket = dgram.createSocket({
      type: this.local.type,
      reusePort: true,
      ipv6Only: this.local.ipv6Only,
      recvBufferSize: this.local.recvBufferSize,
    });
    const fail = (err: Error) => {
      this.sources.delete(key);
      socket.close();
      this.hooks.onError?.(source, err);
    };
    socket.once('error', fail);
    socket.on('message', (msg, rinfo) => this.handler(msg, rinfo, source));
    socket.bind({ address: this.local.address, port: this.local.port, exclusive: true }, () => {
      socket.connect(port, address, () => {
        socket.off('error', fail);
        socket.on('error', (err) => this.hooks.onError?.(source, err));
        if (this.closed || this.sources.get(key) !== source) return void socket.close();
        source.socket = socket;
      });
    });
  }

  /** Releases the sources that were under their rate for `releaseAfterMs`. */
  sweep(now = this.hooks.now?.() ?? Date.now()): void {
    for (const s of [...this.sources.values()]) {
      if (s.socket && now - s.lastOverAt >= this.options.releaseAfterMs) this.release(s);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.watcher) clearInterval(this.watcher);
    await Promise.all([...this.sources.values()].map((s) => this.release(s)));
  }

  private release(s: IsolatedSource): Promise<void> {
    this.sources.delete(s.key);
    const socket = s.socket;
    s.socket = undefined;
    if (!socket) return Promise.resolve();
    this.hooks.onRelease?.(s);
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
