import net from 'node:net';
import { collectorContract, type CollectorHarness } from '@sonde/collector/collector.contract';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { Registry } from 'prom-client';
import { SyslogIngest } from './syslog-ingest';
import { syslogReceiverConfigSchema } from './syslog-receiver.config';
import { SyslogReceiverMetrics } from './syslog-receiver.metrics';
import { TcpSyslogServer } from './tcp-syslog-server';

// Unit: one message (an RFC 6587 frame, or a bad MSG-LEN header skipped to the next LF), over
// real loopback TCP connections, one per source (127.0.0.1–3 stand for the three sources).
// Good: an octet-counted message; bad: a frame whose MSG-LEN is not a number (malformed/decode);
// flood: good messages by the hundred from one source, which the per-source rate limit slows
// down (TCP backpressure, nothing dropped). The bus refuses every fifth publish: the awaited
// publisher retries, so nothing read is lost and nothing counted twice.
const LOCAL: Record<string, string> = { '10.0.0.1': '127.0.0.1', '10.0.0.2': '127.0.0.2', '10.0.0.66': '127.0.0.3' };

describe('syslog receiver (TCP): collector contract', () => {
  collectorContract(async (): Promise<CollectorHarness> => {
    const config = syslogReceiverConfigSchema.parse({ rateLimit: { messagesPerSecond: 5000, burst: 100 } });
    const registry = new Registry();
    const metrics = new SyslogReceiverMetrics(registry);
    const quiet = { warn: () => undefined };
    const ingest = new SyslogIngest(config, metrics, { site: 'lab', collector: 'contract' }, { resolveSource: (address) => ({ id: address, address }) });
    let publishes = 0;
    const bus = {
      publish: async () => {
        if (++publishes % 5 === 0) throw new Error('spool full');
      },
    };
    const publisher = new EventPublisher(bus, metrics, config.batch, quiet);
    const limiter = new SourceTokenBucket({ perSourcePerSecond: config.rateLimit.messagesPerSecond, perSourceBurst: config.rateLimit.burst });
    const server = new TcpSyslogServer(ingest, publisher, limiter, metrics, new RateLimitedLog(quiet), { transport: 'tcp', maxMessageBytes: config.maxMessageBytes, maxConnections: 16 });
    const [listening] = await server.listen([{ host: '127.0.0.1', port: 0, ipv6Only: false }]);
    const port = (listening!.address() as net.AddressInfo).port;
    const clients = new Map<string, net.Socket>();
    let n = 0;
    return {
      prefix: 'sonde_syslog',
      registry,
      feed(kind, source) {
        let c = clients.get(source);
        if (!c) clients.set(source, (c = net.connect({ host: '127.0.0.1', port, localAddress: LOCAL[source] })));
        const msg = `<13>Nov 25 10:00:00 host app[${++n}]: message ${n}`;
        c.write(kind === 'bad' ? `9x ${msg}\n` : `${Buffer.byteLength(msg)} ${msg}`);
      },
      async settle() {
        await Promise.all([...clients.values()].map((c) => new Promise<void>((resolve) => c.end(() => c.once('close', () => resolve())))));
        // every connection's last batch reaches the bus before close() returns
        await server.close();
      },
    };
  }, 20);
});
