// One paced UDP source of the pipeline bench, in its own process (so its CPU is its own):
//   node udp-generator.cjs syslog <port> <rate/s> <seconds> [sockets]
//   node udp-generator.cjs trap   <port> <rate/s> <seconds> <datagram hex>
// syslog: the vendor lines of services/syslog-receiver/test/cases (as bench/syslog's generator),
// cycled, with a sequence number; trap: one captured SNMPv2c trap datagram, repeated. Paced in
// 1 ms slices from the elapsed time; the sends queued in libuv are bounded so a rate the machine
// cannot send shows as a lower achieved rate, not as memory growth.
// stdout: {"t":<epoch ms>,"sent":N} every 100 ms (the send curve the bench's latency uses), then
// {"done":true,"sent":N,"seconds":S,"cpuSeconds":C,"maxRssMB":M,"sendErrors":{code:N}} (sent counts every
// datagram handed to the socket, sendErrors those the kernel then refused to send).
const dgram = require('node:dgram');
const fs = require('node:fs');
const path = require('node:path');

function syslogMessages() {
  const dir = path.resolve(__dirname, '../../services/syslog-receiver/test/cases');
  const lines = [];
  for (const c of fs.readdirSync(dir).sort()) {
    if (c === 'malformed') continue;
    for (const l of fs.readFileSync(path.join(dir, c, 'input.txt'), 'utf8').split('\n')) if (l.startsWith('<')) lines.push(l);
  }
  return Array.from({ length: 4096 }, (_, i) => Buffer.from(`${lines[i % lines.length]} #${i}`));
}

async function main() {
  const [kind, portArg, rateArg, secondsArg, extra] = process.argv.slice(2);
  const port = Number(portArg);
  const rate = Number(rateArg);
  const seconds = Number(secondsArg);
  const messages = kind === 'syslog' ? syslogMessages() : [Buffer.from(extra, 'hex')];
  const nSockets = kind === 'syslog' ? Number(extra ?? 4) : 1;
  const sockets = await Promise.all(
    Array.from({ length: nSockets }, () => new Promise((resolve) => {
      const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
      s.on('error', () => undefined); // port unreachable while a receiver is down: it shows as loss
      s.bind(0, '127.0.0.1', () => s.connect(port, '127.0.0.1', () => resolve(s)));
    })),
  );
  const total = Math.round(rate * seconds);
  let sent = 0;
  let inflight = 0;
  const sendErrors = new Map();
  const t0 = Date.now();
  const start = process.hrtime.bigint();
  const report = () => process.stdout.write(`${JSON.stringify({ t: t0 + Number(process.hrtime.bigint() - start) / 1e6, sent })}\n`);
  const progress = setInterval(report, 100);
  report();
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      const due = Math.min(total, Math.floor(rate * elapsed));
      while (sent < due && inflight < 20000) {
        const s = sockets[sent % sockets.length];
        inflight++;
        s.send(messages[sent % messages.length], (err) => {
          inflight--;
          // a datagram the kernel refused to send (ENOBUFS, EAGAIN, ECONNREFUSED on a connected
          // socket): it never reached the receiver's socket, so no receiver counter sees it
          if (err) sendErrors.set(err.code ?? 'error', (sendErrors.get(err.code ?? 'error') ?? 0) + 1);
        });
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  while (inflight > 0) await new Promise((r) => setImmediate(r));
  clearInterval(progress);
  report();
  const took = Number(process.hrtime.bigint() - start) / 1e9;
  for (const s of sockets) s.close();
  const cpu = process.cpuUsage();
  // the bench reads the other stages' CPU from /proc; this process is gone by then
  process.stdout.write(`${JSON.stringify({ done: true, sent, seconds: took, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, sendErrors: Object.fromEntries(sendErrors) })}\n`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
