import { Registry } from 'prom-client';
import { SyslogIngest } from './syslog-ingest';
import { syslogReceiverConfigSchema } from './syslog-receiver.config';
import { SyslogReceiverMetrics } from './syslog-receiver.metrics';

const DAY = 86_400_000;

function ingestWith(registry: Registry): SyslogIngest {
  const config = syslogReceiverConfigSchema.parse({});
  return new SyslogIngest(config, new SyslogReceiverMetrics(registry), { site: 'lab', collector: 'test' }, {
    resolveSource: (address) => ({ id: address, address }),
  });
}

/** An RFC 5424 line (full date and zone: no year or zone guessing) stamped at `at`. */
const rfc5424 = (at: number): Buffer => Buffer.from(`<13>1 ${new Date(at).toISOString()} host app - - - skewed`);

async function skewCount(registry: Registry, direction: string): Promise<number> {
  const metric = await registry.getSingleMetric('sonde_syslog_clock_skew_total')?.get();
  return metric?.values.find((v) => v.labels.direction === direction)?.value ?? 0;
}

describe('SyslogIngest clock skew (ADR 0002)', () => {
  const receivedAt = Date.UTC(2026, 11, 1, 12, 0, 0);
  const meta = { transport: 'udp' as const, address: '192.0.2.1', port: 514, receivedAt, truncated: false };

  it.each([
    ['two months behind', -60 * DAY, 'past'],
    ['two days ahead', 2 * DAY, 'future'],
  ])('keeps a message whose device clock is %s, with its skew, and counts it', async (_what, skew, direction) => {
    const registry = new Registry();
    const event = ingestWith(registry).ingest(rfc5424(receivedAt + skew), meta);
    expect(event?.ts).toBe(receivedAt + skew);
    expect(event?.receivedAt).toBe(receivedAt);
    expect(event?.payload.clockSkewMs).toBe(skew);
    expect(await skewCount(registry, direction)).toBe(1);
  });

  it('does not count a clock a few seconds off, and sets no skew when the message had no time', async () => {
    const registry = new Registry();
    const ingest = ingestWith(registry);
    expect(ingest.ingest(rfc5424(receivedAt - 3000), meta)?.payload.clockSkewMs).toBe(-3000);
    const noTime = ingest.ingest(Buffer.from('<13>1 - host app - - - no time'), meta);
    expect(noTime?.payload.timeSource).toBe('received');
    expect(noTime?.payload.clockSkewMs).toBeUndefined();
    expect(await skewCount(registry, 'past')).toBe(0);
    expect(await skewCount(registry, 'future')).toBe(0);
  });
});
