import { readUdpKernelDrops } from '@sonde/collector/udp-kernel-drops';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Registry } from 'prom-client';
import { buildTrapReceiver } from '../src/build-trap-receiver';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { TrapSockets } from '../src/trap-sockets';

// Issue 11 item 4: 200 000 junk datagrams from a real sender process into a trap receiver with a
// small receive buffer. Whatever the kernel could not queue is in sonde_trap_udp_kernel_drops
// (from /proc/net/udp), the rest in received = dropped: sent = received + kernel drops.
const { dictionary } = loadOidDictionary();
const COUNT = 200_000;

async function total(registry: Registry, name: string): Promise<number> {
  return ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
}

it('every junk datagram is received or counted as a kernel drop', async () => {
  const registry = new Registry();
  const holder: { sockets?: TrapSockets } = {};
  const config = trapReceiverConfigSchema.parse({ listen: [{ address: '127.0.0.1', port: 0 }], receiveBufferBytes: 16_384 });
  const parts = buildTrapReceiver({
    config, communities: ['public'], users: [], dictionary, registry, clock: { now: () => Date.now() },
    origin: { site: 'lab', collector: 'kernel-drops' }, resolveDevice: (address) => ({ id: address, address }),
    sockets: {
      kernelDrops: () => (holder.sockets ? readUdpKernelDrops(new Set(holder.sockets.ports)) : 0),
      receiveBufferBytes: () => holder.sockets?.grantedReceiveBufferBytes ?? 0,
    },
  });
  const publisher = new EventPublisher({ publish: async () => undefined }, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 1000 }, { warn: () => undefined });
  const sockets = new TrapSockets(parts.receiver, publisher, config.receiveBufferBytes);
  holder.sockets = sockets;
  const [bound] = await sockets.start(config.listen);
  expect(await total(registry, 'sonde_trap_udp_receive_buffer_bytes')).toBeGreaterThan(0);

  const result = await new Promise<{ sent: number; failed: number }>((resolve, reject) =>
    execFile(process.execPath, [path.join(__dirname, 'udp-junk-sender.js'), String(bound?.port), String(COUNT)], { timeout: 240_000 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as { sent: number; failed: number })),
  );
  expect(result.sent + result.failed).toBe(COUNT);
  // the socket is drained once received + kernel drops stop short of what was sent no more
  let accounted = 0;
  for (let i = 0; i < 3000; i++) {
    accounted = (await total(registry, 'sonde_trap_received_total')) + (await total(registry, 'sonde_trap_udp_kernel_drops'));
    if (accounted >= result.sent) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const received = await total(registry, 'sonde_trap_received_total');
  const kernel = await total(registry, 'sonde_trap_udp_kernel_drops');
  await sockets.close();
  if (process.env.SONDE_REPORT === '1') process.stderr.write(`${JSON.stringify({ sent: result.sent, received, kernel })}\n`);
  expect(received + kernel).toBe(result.sent);
  expect(await total(registry, 'sonde_trap_dropped_total')).toBe(received); // junk: every received one dropped, by reason
});
