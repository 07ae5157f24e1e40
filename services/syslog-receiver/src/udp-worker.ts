import type { RemoteInfo } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { UdpKernelDropLedger } from '@sonde/collector/udp-kernel-drops';
import type { IsolatedSource, UdpSourceIsolation } from '@sonde/collector/udp-source-isolation';
import { normalizeAddress } from '@sonde/inventory/network-address';
import { SyslogIngest } from './syslog-ingest';
import type { DropReason, DropStage, SyslogCounts } from './syslog-receiver.metrics';
import { ListenError } from '@sonde/events/listen-error';
import { bindUdp, isolationFor } from './udp-syslog-server';
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
let rateLimited = new Map<string, number>();
let kernelDropsRetired = new Map<string, number>();
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
  if (!items.length && !received && !dropped.size && !kernelDropsRetired.size) return;
  const msg: UdpWorkerMessage = {
    type: 'batch',
    items,
    counts: { received, parsed: parsedByFormat, dropped: [...dropped.values()], truncated, transport: 'udp' },
    rateLimited: [...rateLimited],
    kernelDropsRetired: [...kernelDropsRetired],
    isolatedSources: isolations.reduce((n, i) => n + i.isolated.length, 0),
  };
  port?.postMessage(msg);
  items = [];
  received = 0;
  truncated = 0;
  parsedByFormat = {};
  dropped = new Map();
  rateLimited = new Map();
  kernelDropsRetired = new Map();
}

const ingest = new SyslogIngest(data.config, counts);
const limiter = new SourceTokenBucket({ perSourcePerSecond: data.config.rateLimit.messagesPerSecond, perSourceBurst: data.config.rateLimit.burst });

const sockets: { close(cb: () => void): void; getRecvBufferSize(): number }[] = [];
const isolations: UdpSourceIsolation[] = [];
const ports = new Set<number>();
// an isolated socket's kernel drops vanish when it closes: read here, handed to the main thread
const kernelDrops = new UdpKernelDropLedger(ports);

// 'stop' from the main thread: close the sockets, hand over what was parsed, exit
port.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  void Promise.all(isolations.map((i) => i.close()))
    .then(() => Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(resolve)))))
    .then(() => {
    flush();
    port.close();
  });
});

function schedule(): void {
  if (items.length >= BATCH) flush();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

async function main(): Promise<void> {
  const bound: number[] = [];
  for (const b of data.bindings) {
    // the isolation needs the bound socket (its port), the socket's handler needs the isolation
    const shared: { isolation?: UdpSourceIsolation } = {};
    const onMessage = (msg: Buffer, rinfo: RemoteInfo, isolated?: IsolatedSource) => {
      const now = Date.now();
      received++;
      const isolation = shared.isolation;
      if (!isolated) isolation?.sample(rinfo.address, rinfo.port);
      const address = normalizeAddress(rinfo.address);
      // the token check comes first: a flooding source costs one bucket lookup per datagram
      if (limiter.tryTake(address, now) !== undefined) {
        counts.dropped('rate-limit', 'receive');
        rateLimited.set(address, (rateLimited.get(address) ?? 0) + 1);
        if (isolated) isolated.lastOverAt = now;
        else isolation?.isolate(rinfo.address, rinfo.port, now);
      } else {
        // sending faster than its rate: isolated before the first refusal (see UdpSyslogServer)
        if (limiter.lastDraining) {
          if (isolated) isolated.lastOverAt = now;
          else isolation?.isolate(rinfo.address, rinfo.port, now);
        }
        const meta = { transport: 'udp' as const, address, port: rinfo.port, receivedAt: now, truncated: false };
        const r = ingest.parse(msg, meta);
        if (r) items.push({ parsed: r.parsed, truncated: r.truncated, address, port: rinfo.port, receivedAt: now });
      }
      schedule();
    };
    const socket = await bindUdp(b, (msg, rinfo) => onMessage(msg, rinfo));
    socket.on('error', (err) => port?.postMessage({ type: 'socket-error', message: err.message } satisfies UdpWorkerMessage));
    const isolation = isolationFor(b, socket, data.config.udp.isolation, (msg, rinfo, source) => onMessage(msg, rinfo, source), {
      onRelease: (s) => {
        const address = normalizeAddress(s.address);
        const n = kernelDrops.retire(address, s.port);
        if (n > 0) kernelDropsRetired.set(address, (kernelDropsRetired.get(address) ?? 0) + n);
        schedule();
      },
      onError: (s, err) => port?.postMessage({ type: 'socket-error', message: `cannot give ${s.address}:${s.port} its own socket: ${err.message}` } satisfies UdpWorkerMessage),
    });
    shared.isolation = isolation;
    sockets.push(socket);
    isolations.push(isolation);
    bound.push(socket.address().port);
    ports.add(socket.address().port);
  }
  const receiveBufferBytes = sockets.reduce((n, s) => n + s.getRecvBufferSize(), 0);
  port?.postMessage({ type: 'ready', ports: bound, receiveBufferBytes } satisfies UdpWorkerMessage);
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
