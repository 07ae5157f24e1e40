import { Registry } from 'prom-client';
import type { IpFamily } from './icmp-packet';
import type { IcmpTransport } from './icmp-prober';
import { icmpProberConfigSchema } from './icmp-prober.config';
import { IcmpProberMetrics } from './icmp-prober.metrics';
import { IcmpProberService } from './icmp-prober-service';

/** Records the addresses sent to; never answers (the engine has its own specs). */
class SilentNetwork implements IcmpTransport {
  readonly sent = new Set<string>();
  send(_family: IpFamily, address: string, _packet: Buffer, onSent: (error: Error | null, sentAtMs: number) => void): void {
    this.sent.add(address);
    onSent(null, performance.now());
  }
  onPacket(): void {}
  close(): void {}
}

const devices = [
  { id: 'a', address: '192.0.2.1' },
  { id: 'b', address: '192.0.2.2' },
  { id: 'c', address: '192.0.2.3' },
  { id: 'named', address: 'router.example' },
];

function service(owns: ((id: string) => boolean) | undefined, list = devices) {
  const network = new SilentNetwork();
  const config = icmpProberConfigSchema.parse({ cycleIntervalMs: 200, probesPerCycle: 1, timeoutMs: 100, targets: [{ address: '192.0.2.9', id: 'static-1' }] });
  const registry = new Registry();
  const warnings: string[] = [];
  const svc = new IcmpProberService(config, {
    bus: { publish: async () => undefined },
    inventory: { devicesAt: () => list },
    metrics: new IcmpProberMetrics(registry),
    log: { info: () => undefined, warn: (_f, msg) => warnings.push(msg) },
    origin: { site: 's', collector: 'test' },
    ...(owns ? { owns } : {}),
    openTransport: () => ({ transport: network, unavailable: [] }),
  });
  return { svc, network, registry, warnings };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`not reached: ${what}`);
}

describe('IcmpProberService sharding (TargetAssignment.owns)', () => {
  it('without an assignment probes every target with an IP address', async () => {
    const { svc, network } = service(undefined);
    expect(svc.start().targets).toBe(4);
    await until('all four probed', () => network.sent.size === 4);
    expect([...network.sent].sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.9']);
    await svc.stop();
  });

  it('probes only owned targets, and follows a reassignment', async () => {
    let owned = new Set<string>();
    const { svc, network } = service((id) => owned.has(id));
    // before the first assignment the replica owns nothing (TargetAssignment port)
    expect(svc.start().targets).toBe(0);
    expect(svc.siteTargetCount).toBe(4);
    owned = new Set(['a', 'static-1']);
    expect(svc.refreshTargets()).toEqual({ owned: 2, site: 4 });
    await until('a and the static target probed', () => network.sent.has('192.0.2.1') && network.sent.has('192.0.2.9'));
    expect(network.sent.has('192.0.2.2')).toBe(false);
    owned = new Set(['b']);
    expect(svc.refreshTargets()).toEqual({ owned: 1, site: 4 });
    network.sent.clear();
    await until('b probed', () => network.sent.has('192.0.2.2'));
    await new Promise((r) => setTimeout(r, 300)); // more than one cycle interval
    expect([...network.sent]).toEqual(['192.0.2.2']);
    expect(svc.targetCount).toBe(1);
    await svc.stop();
  });

  it('counts and logs a hostname device once, not on every reassignment', async () => {
    const { svc, registry, warnings } = service(() => true);
    svc.start();
    svc.refreshTargets();
    svc.refreshTargets();
    const dropped = await registry.getSingleMetric('sonde_icmp_dropped_total')?.get();
    expect(dropped?.values.find((v) => v.labels.detail === 'address-not-ip')?.value).toBe(1);
    expect(warnings.filter((w) => w.includes('hostname'))).toHaveLength(1);
    await svc.stop();
  });
});
