import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { syslogReceiverConfigSchema } from '../src/syslog-receiver.config';
import { SyslogHarness } from './syslog-harness';

// UDP worker threads load the compiled worker (dist/udp-worker.js): build first, as CI does.
const ROOT = path.resolve(__dirname, '../../..');

describe('syslog-receiver UDP worker threads (SO_REUSEPORT)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'services/syslog-receiver'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('3 workers share one port; every datagram from 12 senders is parsed, published and counted', async () => {
    const h = await SyslogHarness.start({ udp: { workers: 3 }, rateLimit: { messagesPerSecond: 0 } });
    try {
      const port = h.listening.udp[0] ?? 0;
      const senders = await Promise.all(
        Array.from({ length: 12 }, () => new Promise<dgram.Socket>((r) => { const s = dgram.createSocket('udp4'); s.bind(0, '127.0.0.1', () => r(s)); })),
      );
      const perSender = 50;
      for (let i = 0; i < perSender; i++) {
        await Promise.all(senders.map((s, j) => new Promise<void>((r) => s.send(`<14>1 2026-11-25T10:00:00Z h${j} app - - - ${j}:${i}`, port, '127.0.0.1', () => r()))));
      }
      const events = await h.waitFor(12 * perSender);
      // order is kept per sender (one sender hashes to one worker)
      for (let j = 0; j < 12; j++) {
        expect(events.filter((e) => e.payload.hostname === `h${j}`).map((e) => e.payload.message)).toEqual(Array.from({ length: perSender }, (_, i) => `${j}:${i}`));
      }
      expect(await h.counter('sonde_syslog_received_total', { transport: 'udp' })).toBe(600);
      expect(await h.counter('sonde_syslog_parsed_total', { format: 'rfc5424' })).toBe(600);
      expect(await h.counter('sonde_syslog_published_total')).toBe(600);
      // the receive-buffer gauge's source sums the workers' sockets: each got what a socket asking the
      // same SO_RCVBUF gets here; the kernel-drop gauge reads the port they share
      const ref = dgram.createSocket({ type: 'udp4', recvBufferSize: syslogReceiverConfigSchema.parse({}).udp.receiveBufferBytes });
      await new Promise<void>((r) => ref.bind(0, '127.0.0.1', () => r()));
      const granted = ref.getRecvBufferSize();
      ref.close();
      expect(h.receiver.udpReceiveBufferBytes).toBe(3 * granted);
      expect([...h.receiver.udpPorts]).toEqual([port]);
      for (const s of senders) s.close();
    } finally {
      await h.stop();
    }
  });
});
