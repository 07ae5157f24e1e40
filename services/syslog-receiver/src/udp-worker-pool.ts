import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventPublisher } from '@sonde/collector/event-publisher';
import { OTHER_SOURCES } from '@sonde/collector/source-token-bucket';
import type { UdpKernelDropLedger } from '@sonde/collector/udp-kernel-drops';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { SyslogIngest } from './syslog-ingest';
import type { SyslogReceiverConfig } from './syslog-receiver.config';
import type { SyslogCounts } from './syslog-receiver.metrics';
import { ListenError } from '@sonde/events/listen-error';
import type { UdpBinding } from './udp-syslog-server';
import type { UdpWorkerData, UdpWorkerMessage } from './udp-worker-protocol';

/** Sources tracked by name in the rate-limit drops (as SourceTokenBucket's maxSources). */
const MAX_SOURCES = 10_000;

/**
 * N UDP receiver threads on one port (`udp.workers`), sharing it through SO_REUSEPORT (Node 24
 * dgram `reusePort`). Threads rather than cluster processes: parsing is the CPU cost and
 * parallelises in threads; the bus, the inventory and the metrics registry stay single objects in
 * the main thread, which builds and publishes the events the workers parsed. The kernel hashes
 * each datagram's source address and port to one socket, so a sender's messages stay in order.
 */
export class UdpWorkerPool {
  private workers: Worker[] = [];
  private stopping = false;
  readonly ports: number[] = [];
  /** SO_RCVBUF granted, summed over every worker's shared sockets */
  receiveBufferBytes = 0;
  private readonly isolatedByWorker = new Map<number, number>();
  /** rate-limit drops since start by source (bounded: beyond MAX_SOURCES, into `other`) */
  private readonly rateLimitedBySource = new Map<string, number>();
  private rateLimitedOther = 0;

  constructor(
    private readonly ingest: SyslogIngest,
    private readonly publisher: EventPublisher,
    private readonly counts: SyslogCounts,
    private readonly dropLog: RateLimitedLog,
    private readonly kernelDrops?: UdpKernelDropLedger,
  ) {}

  /** Sources on a socket of their own now, over all workers. */
  get isolatedSources(): number {
    let n = 0;
    for (const v of this.isolatedByWorker.values()) n += v;
    return n;
  }

  /** Rate-limit drops since start: the `top` sources and `other` (as SourceTokenBucket.droppedBySource). */
  droppedBySource(top = 10): Array<{ source: string; dropped: number }> {
    const all = [...this.rateLimitedBySource].map(([source, dropped]) => ({ source, dropped })).sort((a, b) => b.dropped - a.dropped);
    const head = all.slice(0, top);
    const rest = this.rateLimitedOther + all.slice(top).reduce((n, x) => n + x.dropped, 0);
    if (rest > 0) head.push({ source: OTHER_SOURCES, dropped: rest });
    return head;
  }

  /** The compiled worker entry (tests run from TypeScript sources: they need `tsc -b` first). */
  static workerScript(): string {
    const here = path.join(__dirname, 'udp-worker.js');
    if (existsSync(here)) return here;
    const built = path.resolve(__dirname, '../dist/udp-worker.js');
    if (existsSync(built)) return built;
    throw new Error(`udp-worker.js not found next to ${__filename} nor in ../dist: run \`tsc -b services/syslog-receiver\``);
  }

  async start(n: number, config: SyslogReceiverConfig, bindings: UdpBinding[]): Promise<number[]> {
    // the first worker binds (port 0 = a free port); the others join the ports it got
    let resolved = bindings;
    for (let i = 0; i < n; i++) {
      const ports = await this.spawn({ config, bindings: resolved });
      if (i === 0) {
        resolved = bindings.map((b, j) => ({ ...b, port: ports[j] ?? b.port, join: true }));
        this.ports.push(...ports);
      }
    }
    return this.ports;
  }

  private spawn(data: UdpWorkerData): Promise<number[]> {
    const worker = new Worker(UdpWorkerPool.workerScript(), { workerData: data, name: `syslog-udp-${this.workers.length}` });
    this.workers.push(worker);
    const id = worker.threadId;
    return new Promise<number[]>((resolve, reject) => {
      worker.on('message', (m: UdpWorkerMessage) => {
        if (m.type === 'ready') {
          this.receiveBufferBytes += m.receiveBufferBytes;
          resolve(m.ports);
        }
        else if (m.type === 'error') {
          const l = m.listen;
          reject(l ? new ListenError(l.configPath, 'udp', l.address, l.port, Object.assign(new Error(m.message), { code: l.errno })) : new Error(`syslog UDP worker: ${m.message}`));
        }
        else if (m.type === 'socket-error') this.dropLog.log('udp-worker', 'socket_error', { err: m.message }, `syslog UDP worker socket: ${m.message}`);
        else this.onBatch(m, id);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`syslog UDP worker exited with code ${code} before it was ready`));
        // after ready, a worker only exits when stopped: anything else loses its share of the port
        if (!this.stopping) this.dropLog.log('udp-worker', 'worker_exit', { code }, `syslog UDP worker ${worker.threadId} exited (code ${code}): its sockets are closed`);
      });
    });
  }

  private onBatch(m: Extract<UdpWorkerMessage, { type: 'batch' }>, threadId: number): void {
    const c = m.counts;
    if (c.received) this.counts.received('udp', c.received);
    if (c.truncated) this.counts.truncated('udp', c.truncated);
    for (const [format, n] of Object.entries(c.parsed)) this.counts.parsed(format, n);
    for (const d of c.dropped) this.counts.dropped(d.reason, d.stage, d.n, d.detail);
    for (const [address, n] of m.rateLimited) {
      const known = this.rateLimitedBySource.get(address);
      if (known !== undefined) this.rateLimitedBySource.set(address, known + n);
      else if (this.rateLimitedBySource.size < MAX_SOURCES) this.rateLimitedBySource.set(address, n);
      else this.rateLimitedOther += n;
      this.dropLog.log(address, 'rate-limit', {}, `syslog from ${address} over the rate limit: dropping`);
    }
    for (const [address, n] of m.kernelDropsRetired) this.kernelDrops?.add(address, n);
    this.isolatedByWorker.set(threadId, m.isolatedSources);
    for (const item of m.items) {
      this.publisher.enqueue(
        this.ingest.toEvent(item.parsed, item.truncated, {
          transport: 'udp', address: item.address, port: item.port, receivedAt: item.receivedAt, truncated: item.truncated,
        }),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.removeAllListeners('error');
            w.once('exit', () => resolve());
            w.postMessage('stop');
            setTimeout(() => void w.terminate(), 5000).unref();
          }),
      ),
    );
    this.workers = [];
  }
}
