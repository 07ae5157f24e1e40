import { parentPort, workerData } from 'node:worker_threads';
import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { normalizeAddress } from '@sonde/inventory/network-address';
import { SyslogIngest } from './syslog-ingest';
import type { DropReason, DropStage, SyslogCounts } from './syslog-receiver.metrics';
import { ListenError } from '@sonde/events/listen-error';
import { bindUdp } from './udp-syslog-server';
import type { UdpWorkerData, UdpWorkerItem, UdpWorkerMessage } from './udp-worker-protocol';

/**
 * One UDP receiver thread (see UdpWorkerPool): binds the port with SO_REUSEPORT, rate-limits,
 * parses, and hands parsed messages to the main thread in batches, with counter deltas.
 * The main thread resolves devices, builds events and publishes.
 */
const data = workerData as UdpWorkerData;
const port = parentPort;
if (!port) throw new Error('udp-worker must run in a worker thread');

const BATCH = 256;
let items: UdpWorkerItem[] = [];
let received = 0;
let truncated = 0;
let parsedByFormat: Record<string, number> = {};
let dropped = new Map<string, { reason: DropReason; stage: DropStage; n: number; detail?: string }>();
let rateLimited = new Set<string>();
let scheduled = false;

const counts: SyslogCounts = {
  received: (_t, n = 1) => void (received += n),
  parsed: (format, n = 1) => void (parsedByFormat[format] = (parsedByFormat[format] ?? 0) + n),
  published: () => undefined,
  dropped: (reason, stage, n = 1, detail) => {
    const key = `${reason}/${stage}/${detail ?? ''}`;
    const d = dropped.get(key);
    if (d) d.n += n;
    else dropped.set(key, detail ? { reason, stage, n, detail } : { reason, stage, n });
  },
  truncated: (_t, n = 1) => void (truncated += n),
  // events (and so their clock skew) are built on the main thread, which counts it
  clockSkew: () => undefined,
};

function flush(): void {
  scheduled = false;
  if (!items.length && !received && !dropped.size) return;
  const msg: UdpWorkerMessage = {
    type: 'batch',
    items,
    counts: { received, parsed: parsedByFormat, dropped: [...dropped.values()], truncated, transport: 'udp' },
    rateLimited: [...rateLimited],
  };
  port?.postMessage(msg);
  items = [];
  received = 0;
  truncated = 0;
  parsedByFormat = {};
  dropped = new Map();
  rateLimited = new Set();
}

const ingest = new SyslogIngest(data.config, counts);
const limiter = new SourceTokenBucket({ perSourcePerSecond: data.config.rateLimit.messagesPerSecond, perSourceBurst: data.config.rateLimit.burst });

const sockets: { close(cb: () => void): void }[] = [];

// 'stop' from the main thread: close the sockets, hand over what was parsed, exit
port.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  void Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(resolve)))).then(() => {
    flush();
    port.close();
  });
});

async function main(): Promise<void> {
  const ports: number[] = [];
  for (const b of data.bindings) {
    const socket = await bindUdp(b, (msg, rinfo) => {
      const now = Date.now();
      received++;
      const address = normalizeAddress(rinfo.address);
      if (limiter.tryTake(address, now) !== undefined) {
        counts.dropped('rate-limit', 'receive');
        rateLimited.add(address);
      } else {
        const meta = { transport: 'udp' as const, address, port: rinfo.port, receivedAt: now, truncated: false };
        const r = ingest.parse(msg, meta);
        if (r) items.push({ parsed: r.parsed, truncated: r.truncated, address, port: rinfo.port, receivedAt: now });
      }
      if (items.length >= BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    socket.on('error', (err) => port?.postMessage({ type: 'socket-error', message: err.message } satisfies UdpWorkerMessage));
    sockets.push(socket);
    ports.push(socket.address().port);
  }
  port?.postMessage({ type: 'ready', ports } satisfies UdpWorkerMessage);
}

main().catch((err: unknown) =>
  port.postMessage({
    type: 'error',
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof ListenError
      ? { listen: { configPath: err.configPath, address: String(err.context.address), port: Number(err.context.port), ...(typeof err.context.errno === 'string' ? { errno: err.context.errno } : {}) } }
      : {}),
  } satisfies UdpWorkerMessage),
);
