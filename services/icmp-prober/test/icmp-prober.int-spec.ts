import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Registry } from 'prom-client';
import { decodeEvent, encodeEvent } from '@sonde/events/event-codec';
import { IcmpProber, type CycleResult } from '../src/icmp-prober';
import { icmpProberConfigSchema } from '../src/icmp-prober.config';
import { IcmpProberMetrics } from '../src/icmp-prober.metrics';
import { RawIcmpTransport } from '../src/icmp-socket';
import { probeEvents } from '../src/probe-event';
import { probeTarget, type ProbeTarget } from '../src/probe-target';
import { binomialInterval } from './binomial-bounds';
import { fpingSummary, runFping } from './fping';
import { NetnsLab } from './netns-lab';

/**
 * The prober against a real routed network of namespaces (netns-lab.ts), compared with Debian's
 * fping against the same hosts in the same run. Needs root (namespaces) — the prober itself
 * only uses CAP_NET_RAW (see privileges.int-spec.ts).
 */
const ROOT = path.resolve(__dirname, '../../..');
const DELAY_MS = 50;
const LOSS = 0.2;
/** A correct prober fails a loss assertion by bad luck with probability at most this. */
const ALPHA = 1e-6;

const settings = icmpProberConfigSchema.parse({
  cycleIntervalMs: 1200,
  probesPerCycle: 50,
  probeSpacingMs: 10,
  timeoutMs: 400,
  maxPacketsPerSecond: 2000,
  downAfterCycles: 2,
  upAfterCycles: 2,
});
const CYCLES = 4;

let lab: NetnsLab;
let results: Map<string, CycleResult[]>;
let fping: Map<string, (number | null)[]>;
let registry: Registry;

/** The first CYCLES cycles: targets that started early may have begun another. */
const cyclesOf = (address: string) => (results.get(address) ?? []).slice(0, CYCLES);
const total = (address: string, field: 'sent' | 'received') => cyclesOf(address).reduce((s, r) => s + r[field], 0);
const errorsOf = (address: string) => {
  const sum: Record<string, number> = {};
  for (const r of cyclesOf(address)) for (const [k, v] of Object.entries(r.errors)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
};
/** Mean RTT over all replies of all cycles (weighted by replies per cycle). */
const meanRtt = (address: string) => {
  let n = 0;
  let s = 0;
  for (const r of cyclesOf(address)) {
    if (r.rttAvgMs === null) continue;
    n += r.received;
    s += r.rttAvgMs * r.received;
  }
  return n ? s / n : null;
};

beforeAll(async () => {
  execFileSync('bash', [path.join(ROOT, 'scripts/peers.sh'), 'install', 'icmp'], { stdio: 'inherit' });
  lab = await NetnsLab.create({ lossy: { delayMs: DELAY_MS, loss: LOSS, seed: Date.now() % 100_000 } });
  if (lab.lossy?.mechanism === 'responder') console.warn(`icmp-prober int test: ${lab.lossy.reason}`);

  const a = lab.addresses;
  const targets = [a.up, a.up6, a.silent, a.lossy, a.routerUnreachable, a.routerProhibit, a.routerNoRoute, a.routerBlackhole, a.router6Unreachable, a.localUnreachable]
    .map((addr) => probeTarget(addr))
    .filter((t): t is ProbeTarget => t !== null);
  registry = new Registry();
  const { transport } = RawIcmpTransport.open({ receiveBufferBytes: settings.socketReceiveBufferBytes });
  results = new Map();
  await new Promise<void>((resolve) => {
    const prober = new IcmpProber({
      settings,
      transport,
      metrics: new IcmpProberMetrics(registry),
      onCycle: (r) => {
        results.set(r.target.address, [...(results.get(r.target.address) ?? []), r]);
        if (targets.every((t) => cyclesOf(t.address).length >= CYCLES)) {
          prober.stop();
          transport.close();
          resolve();
        }
      },
    });
    prober.setTargets(targets);
    prober.start();
  });

  // Same hosts, same run, same count/spacing/timeout: fping -C.
  const fp = await runFping([a.up, a.up6, a.lossy, a.silent], {
    count: settings.probesPerCycle * CYCLES,
    periodMs: settings.probeSpacingMs,
    timeoutMs: settings.timeoutMs,
  });
  fping = fp.rtts;
}, 120_000);

afterAll(() => lab?.destroy());

describe('icmp-prober on a real network (namespaces + veth)', () => {
  it('hosts that answer: every probe answered over IPv4 and IPv6, RTT close to fping', () => {
    for (const addr of [lab.addresses.up, lab.addresses.up6]) {
      expect(total(addr, 'sent')).toBe(settings.probesPerCycle * CYCLES);
      expect(total(addr, 'received')).toBe(total(addr, 'sent'));
      expect(cyclesOf(addr).map((r) => r.reachability)).toEqual(['up', 'up', 'up', 'up']);
      expect(cyclesOf(addr)[0]!.transition).toEqual({ from: 'unknown', to: 'up' });
      const ours = meanRtt(addr)!;
      const theirs = fpingSummary(fping.get(addr)!);
      expect(theirs.received).toBe(theirs.sent);
      // A veth round trip is tens of µs; both tools add their own event-loop latency. Stated
      // tolerance: means within 1 ms of each other.
      expect(Math.abs(ours - theirs.avg!)).toBeLessThan(1);
    }
  });

  it('a host that does not answer: 100 % loss, no ICMP error, down after downAfterCycles', () => {
    const cycles = cyclesOf(lab.addresses.silent);
    expect(cycles.every((r) => r.received === 0 && r.lossPct === 100 && Object.keys(r.errors).length === 0)).toBe(true);
    expect(cycles.map((r) => r.transition)).toEqual([null, { from: 'unknown', to: 'down' }, null, null]);
    expect(fpingSummary(fping.get(lab.addresses.silent)!).received).toBe(0);
    const blackholed = cyclesOf(lab.addresses.routerBlackhole);
    expect(blackholed.every((r) => r.received === 0 && Object.keys(r.errors).length === 0)).toBe(true);
  });

  it('refused and missing routes produce destination-unreachable, not timeouts', () => {
    const n = settings.probesPerCycle * CYCLES;
    // nft `reject with icmp type host-unreachable` on the router: type 3 code 1, every probe.
    expect(errorsOf(lab.addresses.routerUnreachable)).toEqual({ 'unreachable:1': n });
    // `admin-prohibited`: code 13, communication administratively prohibited (RFC 1812 §5.2.7.1).
    expect(errorsOf(lab.addresses.routerProhibit)).toEqual({ 'unreachable:13': n });
    // ICMPv6 `addr-unreachable`: type 1 code 3 (RFC 4443 §3.1).
    expect(errorsOf(lab.addresses.router6Unreachable)).toEqual({ 'unreachable6:3': n });
    // Our own routing table refuses (route type unreachable): sendto fails with EHOSTUNREACH.
    expect(errorsOf(lab.addresses.localUnreachable)).toEqual({ 'unreachable:1': n });
    for (const addr of [lab.addresses.routerUnreachable, lab.addresses.router6Unreachable, lab.addresses.localUnreachable]) {
      expect(cyclesOf(addr).every((r) => r.received === 0)).toBe(true);
      expect(cyclesOf(addr)[1]!.transition).toEqual({ from: 'unknown', to: 'down' });
    }
  });

  it('a route missing on a router answers net-unreachable, as often as the kernel allows', () => {
    // No route at all: ip_error() answers type 3 code 0, limited by the host-global
    // net.ipv4.route.error_cost/error_burst (a burst of 5, then 1 per second per source) —
    // as real routers limit. So: no reply ever, every error is net-unreachable, and each cycle
    // (1.2 s apart, > 1 s) carries at least one while the rest time out.
    const cycles = cyclesOf(lab.addresses.routerNoRoute);
    for (const r of cycles) {
      expect(r.received).toBe(0);
      expect(Object.keys(r.errors)).toEqual(['unreachable:0']);
      expect(r.errors['unreachable:0']).toBeGreaterThanOrEqual(1);
    }
    expect(cycles[1]!.transition).toEqual({ from: 'unknown', to: 'down' });
  });

  it(`a host with ${DELAY_MS} ms delay and ${LOSS * 100} % loss is measured as such, and fping agrees`, () => {
    const addr = lab.addresses.lossy;
    const sent = total(addr, 'sent');
    const lost = sent - total(addr, 'received');
    const bound = binomialInterval(sent, LOSS, ALPHA);
    expect(lost).toBeGreaterThanOrEqual(bound.lo);
    expect(lost).toBeLessThanOrEqual(bound.hi);
    const fp = fpingSummary(fping.get(addr)!);
    const fpBound = binomialInterval(fp.sent, LOSS, ALPHA);
    expect(fp.sent - fp.received).toBeGreaterThanOrEqual(fpBound.lo);
    expect(fp.sent - fp.received).toBeLessThanOrEqual(fpBound.hi);
    // RTT: never below the added delay, and the mean within 5 ms (10 % of the delay) of fping's
    // mean over the same path. The delay comes from a userspace responder (no netem here), which
    // shares 2 cores with the rest of the suite, so the absolute excess over the delay depends on
    // load (60.6 ms for 50 ms was seen in a loaded CI run); the peer on the same path is the
    // reference, not a fixed bound.
    const mins = cyclesOf(addr).map((r) => r.rttMinMs!);
    expect(Math.min(...mins)).toBeGreaterThanOrEqual(DELAY_MS);
    const ours = meanRtt(addr)!;
    expect(Math.abs(ours - fp.avg!)).toBeLessThan(5);
    // With 20 % loss every cycle still gets replies: loss is reported, reachability stays up.
    expect(cyclesOf(addr).every((r) => r.reachability === 'up')).toBe(true);
  });

  it('accounts for every probe in the metrics, and its events pass the contract', async () => {
    const text = await registry.metrics();
    const sentTotal = [...results.values()].flat().reduce((s, r) => s + r.sent, 0);
    const v4 = Number(/sonde_icmp_probes_sent_total\{family="4"\} (\d+)/.exec(text)?.[1]);
    const v6 = Number(/sonde_icmp_probes_sent_total\{family="6"\} (\d+)/.exec(text)?.[1]);
    expect(v4 + v6).toBeGreaterThanOrEqual(sentTotal);
    const origin = { site: 'lab', collector: 'icmp-prober-test' };
    const events = [...results.values()].flat().flatMap((r) => probeEvents(r, origin));
    for (const e of events) expect(decodeEvent(encodeEvent(e))).toEqual(JSON.parse(JSON.stringify(e)));
    const transitions = events.filter((e) => e.payload.transition);
    expect(transitions.map((e) => `${e.payload.target} ${e.payload.transition?.to}`)).toContain(`${lab.addresses.silent} down`);
  });
});
