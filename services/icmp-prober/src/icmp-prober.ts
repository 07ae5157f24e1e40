import { performance } from 'node:perf_hooks';
import type { Reachability } from '@sonde/events/payloads/icmp-probe';
import type { IcmpProberConfig } from './icmp-prober.config';
import type { IcmpProberMetrics } from './icmp-prober.metrics';
import { decodeIcmp4, decodeIcmp6, encodeEchoRequest, type IcmpMessage, type IpFamily } from './icmp-packet';
import type { ProbeTarget } from './probe-target';
import { ReachabilityTracker, type ReachabilityChange } from './reachability-tracker';
import { lossPercent, summarizeRtts, type RttSummary } from './rtt-summary';
import { SendQueue } from './send-queue';

/** The sockets the engine sends on and hears from (raw sockets in production: icmp-socket.ts). */
export interface IcmpTransport {
  /**
   * Sends one ICMP message. `onSent` runs once: with the monotonic time (ms) the datagram left
   * (taken just before sendto), or with the error sendto returned.
   */
  send(family: IpFamily, address: string, packet: Buffer, onSent: (error: Error | null, sentAtMs: number) => void): void;
  /** Routes every datagram received on any socket to `handler`. */
  onPacket(handler: (family: IpFamily, bytes: Buffer, source: string) => void): void;
  close(): void;
}

/** What one target's cycle measured; probe-event.ts turns it into `icmp.probe` events. */
export interface CycleResult extends RttSummary {
  target: ProbeTarget;
  /** Wall-clock start of the cycle (epoch ms): the events' `ts`. */
  startedAt: number;
  sent: number;
  received: number;
  lossPct: number;
  errors: Record<string, number>;
  reachability: Reachability;
  transition: ReachabilityChange | null;
}

export type EngineSettings = Pick<
  IcmpProberConfig,
  | 'cycleIntervalMs'
  | 'probesPerCycle'
  | 'probeSpacingMs'
  | 'timeoutMs'
  | 'maxPacketsPerSecond'
  | 'payloadBytes'
  | 'downAfterCycles'
  | 'upAfterCycles'
>;

export interface IcmpProberOptions {
  settings: EngineSettings;
  transport: IcmpTransport;
  metrics: IcmpProberMetrics;
  onCycle: (result: CycleResult) => void;
  /** Families whose socket could not be opened: their targets are skipped (counted). */
  unavailableFamilies?: readonly IpFamily[];
  /** Echo identifier shared by all probes of this instance; random by default. */
  identifier?: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

interface TargetState {
  target: ProbeTarget;
  tracker: ReachabilityTracker;
  cycle: Cycle | null;
  removed: boolean;
}

interface Cycle {
  startedAt: number;
  startedAtMono: number;
  sent: number;
  outstanding: number;
  allSent: boolean;
  rtts: number[];
  errors: Record<string, number>;
}

interface Probe {
  sequence: number;
  token: number;
  state: TargetState;
  cycle: Cycle;
  sentAtMs: number;
  deadlineMs: number;
  done: boolean;
}

interface ScheduledSend {
  state: TargetState;
  /** Index of the probe within its cycle: 0 opens a new cycle. */
  index: number;
}

/** sendto errors that are the local stack's way of saying "destination unreachable" (RFC 1122 §4.2.3.9). */
const SEND_ERROR_KEYS: Record<string, string> = {
  'Network is unreachable': 'unreachable:0',
  'No route to host': 'unreachable:1',
  'Permission denied': 'unreachable:13',
  'Operation not permitted': 'unreachable:13',
};

/**
 * The ICMP prober engine: one transport (one socket per family) shared by every target; echo
 * requests multiplexed by (identifier, sequence) with a stamp in the payload; a send queue
 * that spreads cycles evenly over the interval and a token bucket that holds the global
 * packet rate; replies and quoted errors matched in O(1) through a Map keyed by sequence;
 * timeouts expired in O(1) from a FIFO (all probes share one timeout, so send order is
 * deadline order).
 */
export class IcmpProber {
  private readonly settings: EngineSettings;
  private readonly transport: IcmpTransport;
  private readonly metrics: IcmpProberMetrics;
  private readonly onCycle: (result: CycleResult) => void;
  private readonly now: () => number;
  private readonly unavailable: ReadonlySet<IpFamily>;
  readonly identifier: number;

  private readonly states = new Map<string, TargetState>();
  private readonly queue = new SendQueue<ScheduledSend>();
  private readonly pending = new Map<number, Probe>();
  private readonly deadlines: Probe[] = [];
  private deadlineHead = 0;
  private sequence = 0;
  private token = 0;
  private tokens: number;
  private readonly bucketSize: number;
  private lastRefill: number;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running = false;

  constructor(options: IcmpProberOptions) {
    this.settings = options.settings;
    this.transport = options.transport;
    this.metrics = options.metrics;
    this.onCycle = options.onCycle;
    this.now = options.now ?? (() => performance.now());
    this.unavailable = new Set(options.unavailableFamilies ?? []);
    this.identifier = (options.identifier ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    // Bursts of up to 10 ms worth of packets keep the rate when timers fire late.
    this.bucketSize = Math.max(1, Math.floor(this.settings.maxPacketsPerSecond / 100));
    this.tokens = this.bucketSize;
    this.lastRefill = this.now();
    this.transport.onPacket((family, bytes, source) => this.handlePacket(family, bytes, source));
  }

  /**
   * Replaces the target list; targets kept keep their reachability state and schedule. New
   * targets' first cycles are spread evenly over `spreadOverMs` (default: one cycle interval)
   * so a restart or a rebalance does not burst; 0 starts them all now (the rate limit still holds).
   */
  setTargets(targets: readonly ProbeTarget[], spreadOverMs: number = this.settings.cycleIntervalMs): void {
    const wanted = new Map<string, ProbeTarget>();
    for (const t of targets) {
      if (this.unavailable.has(t.family)) {
        this.metrics.dropped('unavailable', 'schedule', 1, `ipv${t.family}-socket-unavailable`);
        continue;
      }
      wanted.set(t.address, t);
    }
    for (const [address, state] of this.states) {
      if (!wanted.has(address)) {
        state.removed = true;
        this.states.delete(address);
      }
    }
    const added: TargetState[] = [];
    for (const [address, target] of wanted) {
      const existing = this.states.get(address);
      if (existing) {
        existing.target = target;
        continue;
      }
      const state: TargetState = {
        target,
        tracker: new ReachabilityTracker(this.settings),
        cycle: null,
        removed: false,
      };
      this.states.set(address, state);
      added.push(state);
    }
    // Spread the new targets' first cycles evenly over one interval: no burst at start.
    const now = this.now();
    const step = added.length > 0 ? spreadOverMs / added.length : 0;
    added.forEach((state, i) => this.queue.push(now + i * step, { state, index: 0 }));
    this.metrics.targets.set({ family: '4' }, this.countFamily(4));
    this.metrics.targets.set({ family: '6' }, this.countFamily(6));
    if (this.running) this.pump();
  }

  start(): void {
    this.running = true;
    this.lastRefill = this.now();
    this.pump();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends what is due within the rate limit, expires timeouts, and arms the next wake-up. */
  private pump(): void {
    if (!this.running) return;
    const now = this.now();
    this.refill(now);
    let sent = false;
    while (this.tokens >= 1 && this.queue.peekDue() <= now) {
      const next = this.queue.pop();
      if (!next || next.state.removed) continue;
      this.dispatch(next, now);
      this.tokens -= 1;
      sent = true;
    }
    // Tokens accrue again only from when these sends ended, not from `now`: a stall between
    // reading the clock and the sends (GC, a loaded machine) delays this pump's packets, and
    // counting from `now` let the next pump's packets join them on the wire above the burst
    // (7 packets in 3.9 ms at 400/s, burst 4, in a CI run). What the stall costs is a little
    // rate, never a burst.
    if (sent) this.lastRefill = Math.max(this.lastRefill, this.now());
    this.expire(now);
    this.metrics.inFlight.set(this.pending.size);
    this.arm(now);
  }

  private refill(now: number): void {
    const elapsed = now - this.lastRefill;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.bucketSize, this.tokens + (elapsed * this.settings.maxPacketsPerSecond) / 1000);
    this.lastRefill = now;
  }

  private arm(now: number): void {
    // A cycle completed by expire() may have stopped the prober (its onCycle called stop()).
    if (!this.running) return;
    let at = this.queue.peekDue();
    if (at !== Infinity && this.tokens < 1) {
      at = Math.max(at, now + ((1 - this.tokens) * 1000) / this.settings.maxPacketsPerSecond);
    }
    const head = this.nextDeadline();
    if (head < at) at = head;
    if (at === Infinity) return;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, at - now));
  }

  private dispatch(entry: ScheduledSend, now: number): void {
    const { state, index } = entry;
    const { target } = state;
    if (index === 0) {
      state.cycle = { startedAt: Date.now(), startedAtMono: now, sent: 0, outstanding: 0, allSent: false, rtts: [], errors: {} };
    }
    const cycle = state.cycle;
    if (!cycle) return;
    const sequence = this.nextSequence();
    const token = (this.token = (this.token + 1) >>> 0);
    const packet = encodeEchoRequest({
      family: target.family,
      identifier: this.identifier,
      sequence,
      token,
      sentAt: Date.now(),
      payloadBytes: this.settings.payloadBytes,
    });
    const probe: Probe = { sequence, token, state, cycle, sentAtMs: now, deadlineMs: now + this.settings.timeoutMs, done: false };
    this.pending.set(sequence, probe);
    this.deadlines.push(probe);
    cycle.sent++;
    cycle.outstanding++;
    const last = index + 1 >= this.settings.probesPerCycle;
    if (last) cycle.allSent = true;
    // Spacing counts from this send, not from the pump's start: a long burst must not shorten it.
    else this.queue.push(this.now() + this.settings.probeSpacingMs, { state, index: index + 1 });
    this.metrics.sent.inc({ family: target.family === 4 ? '4' : '6' });
    this.transport.send(target.family, target.address, packet, (error, sentAtMs) => {
      if (probe.done) return;
      if (error) {
        const key = SEND_ERROR_KEYS[error.message] ?? 'send-failed';
        if (key === 'send-failed') this.metrics.dropped('unavailable', 'send', 1, 'send-failed');
        this.resolve(probe, null, key);
        return;
      }
      probe.sentAtMs = sentAtMs;
      probe.deadlineMs = sentAtMs + this.settings.timeoutMs;
    });
  }

  /** Next free 16-bit sequence; config bounds the in-flight count well below 65 536. */
  private nextSequence(): number {
    let s = this.sequence;
    do s = (s + 1) & 0xffff;
    while (this.pending.has(s));
    this.sequence = s;
    return s;
  }

  private nextDeadline(): number {
    let head = this.deadlines[this.deadlineHead];
    while (head?.done) head = this.deadlines[++this.deadlineHead];
    return head ? head.deadlineMs : Infinity;
  }

  private expire(now: number): void {
    const list = this.deadlines;
    for (let probe = list[this.deadlineHead]; probe; probe = list[this.deadlineHead]) {
      if (!probe.done && probe.deadlineMs > now) break;
      // Advance before resolving: resolve() may complete a cycle and re-arm, which reads the head.
      this.deadlineHead++;
      if (!probe.done) {
        this.metrics.timeouts.inc({ family: probe.state.target.family === 4 ? '4' : '6' });
        this.resolve(probe, null, null);
      }
    }
    if (this.deadlineHead > 1024 && this.deadlineHead * 2 > list.length) {
      list.splice(0, this.deadlineHead);
      this.deadlineHead = 0;
    }
  }

  /** Entry point of the receive path: decode, match, resolve. Never throws on bad bytes. */
  handlePacket(family: IpFamily, bytes: Buffer, source: string): void {
    const at = this.now();
    const msg: IcmpMessage = family === 4 ? decodeIcmp4(bytes) : decodeIcmp6(bytes, source);
    switch (msg.kind) {
      case 'echo-reply': {
        if (msg.identifier !== this.identifier || msg.stamp === null) return; // another pinger's traffic: not our unit
        this.metrics.received();
        const probe = this.pending.get(msg.sequence);
        if (!probe || probe.token !== msg.stamp.token) {
          this.metrics.dropped('unexpected', 'match', 1, 'late-or-duplicate');
          return;
        }
        if (msg.source !== probe.state.target.address) {
          this.metrics.dropped('unexpected', 'match', 1, 'reply-from-other-address');
          return;
        }
        this.metrics.parsed();
        this.metrics.replies.inc({ family: family === 4 ? '4' : '6' });
        this.resolve(probe, Math.max(0, at - probe.sentAtMs), null);
        break;
      }
      case 'error': {
        if (msg.quoted.identifier !== this.identifier) return;
        this.metrics.received();
        const probe = this.pending.get(msg.quoted.sequence);
        if (!probe || probe.state.target.address !== msg.quoted.destination) {
          this.metrics.dropped('unexpected', 'match', 1, 'late-or-duplicate');
          return;
        }
        this.metrics.parsed();
        this.resolve(probe, null, msg.error);
        break;
      }
      case 'malformed':
        // cannot be attributed, so counted as ours: received and dropped
        this.metrics.received();
        this.metrics.dropped('malformed', 'decode');
        break;
      case 'other':
        break;
    }
  }

  /** Settles a probe: with an RTT (reply), an error key (ICMP error / send error), or neither (timeout). */
  private resolve(probe: Probe, rttMs: number | null, error: string | null): void {
    probe.done = true;
    this.pending.delete(probe.sequence);
    const { cycle, state } = probe;
    if (rttMs !== null) cycle.rtts.push(rttMs);
    if (error !== null) {
      cycle.errors[error] = (cycle.errors[error] ?? 0) + 1;
      this.metrics.errors.inc({ family: state.target.family === 4 ? '4' : '6', error });
    }
    cycle.outstanding--;
    if (cycle.allSent && cycle.outstanding === 0 && state.cycle === cycle) this.complete(state, cycle);
  }

  private complete(state: TargetState, cycle: Cycle): void {
    state.cycle = null;
    if (state.removed) return;
    const received = cycle.rtts.length;
    const transition = state.tracker.record(received > 0);
    this.onCycle({
      target: state.target,
      startedAt: cycle.startedAt,
      sent: cycle.sent,
      received,
      lossPct: lossPercent(cycle.sent, received),
      ...summarizeRtts(cycle.rtts),
      errors: cycle.errors,
      reachability: state.tracker.state,
      transition,
    });
    // The next cycle starts one interval after this one started, never before it ended.
    const due = Math.max(cycle.startedAtMono + this.settings.cycleIntervalMs, this.now());
    this.queue.push(due, { state, index: 0 });
    if (this.running) this.arm(this.now());
  }

  private countFamily(family: IpFamily): number {
    let n = 0;
    for (const s of this.states.values()) if (s.target.family === family) n++;
    return n;
  }
}
