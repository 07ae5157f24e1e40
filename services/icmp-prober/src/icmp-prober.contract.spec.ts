import { collectorContract, type CollectorHarness } from '@sonde/collector/collector.contract';
import { Registry } from 'prom-client';
import { internetChecksum, type IpFamily } from './icmp-packet';
import { IcmpProber, type IcmpTransport } from './icmp-prober';
import { IcmpProberMetrics } from './icmp-prober.metrics';
import { probeTarget, type ProbeTarget } from './probe-target';

const IDENTIFIER = 0x5e11;

/** A stub socket: records the echo requests the engine sends; the harness feeds the receive path. */
class StubTransport implements IcmpTransport {
  readonly sent = new Map<string, Buffer>();
  handler: ((family: IpFamily, bytes: Buffer, source: string) => void) | null = null;
  send(_family: IpFamily, address: string, packet: Buffer, onSent: (error: Error | null, sentAtMs: number) => void): void {
    this.sent.set(address, Buffer.from(packet));
    onSent(null, 0);
  }
  onPacket(handler: (family: IpFamily, bytes: Buffer, source: string) => void): void {
    this.handler = handler;
  }
  close(): void {}
}

/** An IPv4 header (RFC 791) around an ICMP message. */
function withIp(source: string, icmp: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + icmp.length, 2);
  h[9] = 1;
  Buffer.from(source.split('.').map(Number)).copy(h, 12);
  Buffer.from([10, 0, 0, 250]).copy(h, 16);
  return Buffer.concat([h, icmp]);
}

/** The echo reply (RFC 792 type 0) to `request`, optionally with another identifier or sequence. */
function reply(request: Buffer, edit: { identifier?: number; sequence?: number } = {}): Buffer {
  const r = Buffer.from(request);
  r[0] = 0;
  if (edit.identifier !== undefined) r.writeUInt16BE(edit.identifier, 4);
  if (edit.sequence !== undefined) r.writeUInt16BE(edit.sequence, 6);
  r.writeUInt16BE(0, 2);
  r.writeUInt16BE(internetChecksum(r), 2);
  return r;
}

// Unit: one ICMP packet of our probes (README: received = parsed + dropped{stage=decode|match}).
// Good: the reply to the probe in flight for that source (a second one is a late duplicate);
// bad: a corrupted packet (checksum) — malformed/decode; flood: stale replies carrying our
// identifier and a sequence no probe has — unexpected/match. With every unit comes another
// pinger's reply (foreign identifier), which is not ours and must be counted nowhere.
describe('icmp prober (receive path): collector contract', () => {
  collectorContract(async (): Promise<CollectorHarness> => {
    const registry = new Registry();
    const net = new StubTransport();
    const sources = ['10.0.0.1', '10.0.0.2', '10.0.0.66'];
    const targets = sources.map((a) => probeTarget(a)).filter((t): t is ProbeTarget => t !== null);
    const prober = new IcmpProber({
      settings: { cycleIntervalMs: 600_000, probesPerCycle: 1, probeSpacingMs: 1, timeoutMs: 300_000, maxPacketsPerSecond: 1000, payloadBytes: 56, downAfterCycles: 2, upAfterCycles: 2 },
      transport: net,
      metrics: new IcmpProberMetrics(registry),
      onCycle: () => undefined,
      identifier: IDENTIFIER,
    });
    prober.setTargets(targets, 0);
    prober.start();
    // bounded wait for the first probe to each target (sent by the engine's own pump)
    for (let i = 0; i < 1000 && net.sent.size < targets.length; i++) await new Promise((r) => setImmediate(r));
    expect(net.sent.size).toBe(targets.length);
    return {
      prefix: 'sonde_icmp',
      registry,
      accountedAs: 'parsed',
      dropStages: ['decode', 'match'],
      feed(kind, source) {
        const request = net.sent.get(source)!;
        const deliver = (icmp: Buffer) => net.handler!(4, withIp(source, icmp), source);
        deliver(reply(request, { identifier: IDENTIFIER ^ 0xffff }));
        if (kind === 'good') deliver(reply(request));
        else if (kind === 'bad') {
          const corrupt = reply(request);
          corrupt[corrupt.length - 1] ^= 0xff;
          deliver(corrupt);
        } else deliver(reply(request, { sequence: (request.readUInt16BE(6) + 0x8000) & 0xffff }));
      },
      async settle() {
        await new Promise((r) => setImmediate(r));
      },
      async close() {
        prober.stop();
      },
    };
  });
});
