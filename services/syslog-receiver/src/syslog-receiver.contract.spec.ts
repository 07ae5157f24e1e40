import { collectorContract, type CollectorHarness } from '@sonde/collector/collector.contract';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { RemoteInfo } from 'node:dgram';
import { Registry } from 'prom-client';
import { SyslogIngest } from './syslog-ingest';
import { syslogReceiverConfigSchema } from './syslog-receiver.config';
import { SyslogReceiverMetrics } from './syslog-receiver.metrics';
import { UdpSyslogServer } from './udp-syslog-server';

// Unit: one UDP datagram, through the main-thread receiver's own path (rate limit in the socket
// callback, batched parse, EventPublisher with a small queue so `bus-full` happens too).
describe('syslog receiver (UDP): collector contract', () => {
  collectorContract((): CollectorHarness => {
    const config = syslogReceiverConfigSchema.parse({ rateLimit: { messagesPerSecond: 10, burst: 20 }, batch: { maxEvents: 50, maxWaitMs: 0, maxPendingEvents: 100 } });
    const registry = new Registry();
    const metrics = new SyslogReceiverMetrics(registry);
    const quiet = { warn: () => undefined };
    const ingest = new SyslogIngest(config, metrics, { site: 'lab', collector: 'contract' }, { resolveSource: (address) => ({ id: address, address }) });
    const publisher = new EventPublisher({ publish: async () => undefined }, metrics, config.batch, quiet);
    const limiter = new SourceTokenBucket({ perSourcePerSecond: config.rateLimit.messagesPerSecond, perSourceBurst: config.rateLimit.burst });
    const server = new UdpSyslogServer(ingest, publisher, limiter, metrics, new RateLimitedLog(quiet));
    let n = 0;
    return {
      prefix: 'sonde_syslog',
      registry,
      feed(kind, source) {
        const msg = kind === 'bad' ? Buffer.alloc(0) : Buffer.from(`<13>Nov 25 10:00:00 host app[${n++}]: message ${n}`);
        server.onMessage(msg, { address: source, port: 514, family: 'IPv4', size: msg.length } as RemoteInfo);
      },
      async settle() {
        await new Promise((r) => setImmediate(r));
        await publisher.drain();
      },
    };
  });
});
