import dgram from 'node:dgram';
import { isParked, parkedPeer, readUdpSocketDrops } from './udp-kernel-drops';

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
/** Memory a held datagram takes beyond its payload (its Buffer and entry), as the kernel charges a small one more than its length. */
const HELD_OVERHEAD = 256;
/** How often a parked socket's queue is looked at until it is empty. */
const PARKED_POLL_MS = 10;
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

/** An isolated source's socket while the shared socket may still hold the source's earlier datagrams. */
interface Holding {
  readonly source: IsolatedSource;
  readonly held: { msg: Buffer; rinfo: dgram.RemoteInfo }[];
  bytes: number;
  /** `ends` when the socket was connected; undefined while it binds */
  connectedAt: number | undefined;
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
  private iterationEnding = false;
  /** loop iterations ended (endIteration runs) so far */
  private ends = 0;
  private iterations = 0;
  private fullIterations = 0;
  private readonly holding = new Map<string, Holding>();
  private readonly endIteration = () => {
    this.iterationEnding = false;
    const reads = this.inIteration;
    this.inIteration = 0;
    if (reads > 0) {
      if (reads >= READS_PER_ITERATION) this.fullIterations++;
      this.iterations++;
    }
    // libuv stops reading a socket at EAGAIN or after READS_PER_ITERATION: fewer reads in an
    // iteration that began after the connect mean the shared queue was empty since, so nothing
    // of the source sent before the connect is left in it
    for (const h of this.holding.values()) {
      if (reads < READS_PER_ITERATION && h.connectedAt !== undefined && this.ends > h.connectedAt) this.deliverHeld(h);
    }
    this.ends++;
    if (this.holding.size > 0) this.scheduleEnd();
  };

  constructor(
    private readonly local: IsolatedLocal,
    private readonly options: UdpSourceIsolationOptions,
    private readonly handler: IsolatedHandler,
    private readonly hooks: {
      /** just before a socket is closed: read its kernel drops (they vanish with it) */
      onRelease?(source: IsolatedSource): void;
      /** bytes waiting in a source's socket (default: its line in /proc/net/udp{,6}) */
      queuedBytes?(source: IsolatedSource): number;
      /** bytes waiting in the released sockets parked on this port (default: /proc/net/udp{,6}) */
      parkedBytes?(): number;
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
    if (!this.sampling && this.holding.size === 0) return;
    this.inIteration++;
    this.scheduleEnd();
    if (!this.sampling) return;
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

  private scheduleEnd(): void {
    if (this.iterationEnding) return;
    this.iterationEnding = true;
    setImmediate(this.endIteration);
  }

  /**
   * What the isolated socket reads waits here until the shared socket was seen empty after the
   * connect: the source's datagrams sent before it are still queued there, and libuv reads the
   * two sockets in turn, so handing the new ones on at once would reorder the source (a backlog
   * of 8 MiB is tens of thousands of datagrams). Held in memory up to the socket's receive
   * buffer (what the kernel would have queued); beyond that they are handed on, out of order
   * rather than lost. The bind-to-connect window's datagrams (the unconnected socket briefly
   * takes its share of the group's hash) are held the same way.
   */
  private onIsolated(h: Holding, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.holding.get(h.source.key) !== h) return void this.handler(msg, rinfo, h.source);
    h.held.push({ msg, rinfo });
    h.bytes += msg.length + HELD_OVERHEAD;
    if (h.bytes > this.local.recvBufferSize) this.deliverHeld(h);
    else this.scheduleEnd();
  }

  private deliverHeld(h: Holding): void {
    if (this.holding.get(h.source.key) === h) this.holding.delete(h.source.key);
    for (const { msg, rinfo } of h.held.splice(0)) this.handler(msg, rinfo, h.source);
  }

  /** Datagrams read from isolated sockets and not yet handed on (they wait for the shared socket's backlog). */
  get heldDatagrams(): number {
    let n = 0;
    for (const h of this.holding.values()) n += h.held.length;
    return n;
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
    const holding: Holding = { source, held: [], bytes: 0, connectedAt: undefined };
    this.holding.set(key, holding);
    const fail = (err: Error) => {
      this.sources.delete(key);
      this.deliverHeld(holding);
      socket.close();
      this.hooks.onError?.(source, err);
    };
    socket.once('error', fail);
    socket.on('message', (msg, rinfo) => this.onIsolated(holding, msg, rinfo));
    socket.bind({ address: this.local.address, port: this.local.port, exclusive: true }, () => {
      socket.connect(port, address, () => {
        socket.off('error', fail);
        socket.on('error', (err) => this.hooks.onError?.(source, err));
        if (this.closed || this.sources.get(key) !== source) {
          this.deliverHeld(holding);
          return void socket.close();
        }
        source.socket = socket;
        holding.connectedAt = this.ends;
        this.scheduleEnd();
      });
    });
  }

  /**
   * Releases the sources that were under their rate for `releaseAfterMs` and whose socket holds
   * nothing. Closing a socket frees what waits in its receive queue, counted nowhere (not in its
   * drops, not in the kernel's RcvbufErrors): a socket with a backlog keeps its source, which is
   * still more than the reader keeps up with (with the rate limit off, a source the watch moved
   * was released on the timer mid-flood, and bench/pipeline lost datagrams no counter named).
   */
  sweep(now = this.hooks.now?.() ?? Date.now()): void {
    const due = [...this.sources.values()].filter((s) => s.socket && now - s.lastOverAt >= this.options.releaseAfterMs);
    if (due.length === 0) return;
    const queued = this.hooks.queuedBytes ?? this.queuedOnProc();
    for (const s of due) {
      if (queued(s) > 0) s.lastOverAt = now;
      else this.release(s);
    }
  }

  /** Each isolated socket's queue, from one read of /proc/net/udp{,6} (its line names the peer it is connected to). */
  private queuedOnProc(): (source: IsolatedSource) => number {
    const lines = readUdpSocketDrops(new Set([this.local.port]));
    return (source) => {
      const peer = source.address.startsWith('::ffff:') ? source.address.slice(7) : source.address;
      let n = 0;
      for (const l of lines) if (l.remote === peer && l.remotePort === source.port) n += l.queuedBytes;
      return n;
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.watcher) clearInterval(this.watcher);
    const parked = [...this.parkedSockets.values()];
    for (const close of parked) close();
    await Promise.all([...this.sources.values()].map((s) => this.release(s, false)).concat(this.parkedClosing));
  }

  /** Sockets released and parked, still being read (see `park`). */
  get parked(): number {
    return this.parkedSockets.size;
  }

  /** each parked socket with what closes it */
  private readonly parkedSockets = new Map<dgram.Socket, () => void>();
  private parkedClosing: Promise<void>[] = [];

  private release(s: IsolatedSource, park = true): Promise<void> {
    this.sources.delete(s.key);
    const h = this.holding.get(s.key);
    if (h) this.deliverHeld(h);
    const socket = s.socket;
    s.socket = undefined;
    if (!socket) return Promise.resolve();
    this.hooks.onRelease?.(s);
    if (!park) return new Promise((resolve) => socket.close(() => resolve()));
    return this.park(socket);
  }

  /**
   * A released socket is not closed at once: what arrived between the look at its queue and the
   * close would be freed by the kernel, counted nowhere (bench/pipeline lost ≈ 5 datagrams per
   * release that way at 6 000/s from the source). It is connected instead to a peer nobody sends
   * from (loopback at its own port), so the source's next datagrams go to the shared socket, and
   * closed once it is read empty. Its datagrams still queued are handed on after some of the
   * source's newer ones read from the shared socket: a release may reorder a few.
   */
  private park(socket: dgram.Socket): Promise<void> {
    const closing = new Promise<void>((resolve) => {
      const close = () => {
        if (!this.parkedSockets.delete(socket)) return;
        socket.close(() => resolve());
      };
      this.parkedSockets.set(socket, close);
      try {
        socket.disconnect();
      } catch {
        return close();
      }
      socket.once('error', close); // cannot park: closed as before
      socket.connect(this.local.port, parkedPeer(this.local.type), () => {
        const poll = () => {
          if (this.closed || (this.hooks.parkedBytes ?? this.parkedOnProc)() === 0) close();
          else setTimeout(poll, PARKED_POLL_MS).unref();
        };
        poll();
      });
    });
    this.parkedClosing.push(closing);
    void closing.then(() => (this.parkedClosing = this.parkedClosing.filter((p) => p !== closing)));
    return closing;
  }

  /** What the parked sockets on this port still hold (all of them: one line per socket names no source). */
  private readonly parkedOnProc = (): number => {
    let n = 0;
    for (const l of readUdpSocketDrops(new Set([this.local.port]))) if (isParked(l)) n += l.queuedBytes;
    return n;
  };
}
