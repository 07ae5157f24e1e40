// The generated stream: vendor lines from services/syslog-receiver/test/cases (every dialect the
// receiver parses), cycled, with a sequence number, sent over UDP at a fixed rate from several
// source sockets (so SO_REUSEPORT workers get a share). Paced every millisecond.
//   node load-generator.cjs <port> <rate msgs/s> <seconds> [sockets]   → prints {"sent":N,"seconds":S}
const dgram = require('node:dgram');
const fs = require('node:fs');
const path = require('node:path');

function corpusLines() {
  const dir = path.resolve(__dirname, '../../services/syslog-receiver/test/cases');
  const lines = [];
  for (const c of fs.readdirSync(dir).sort()) {
    if (c === 'malformed') continue;
    for (const l of fs.readFileSync(path.join(dir, c, 'input.txt'), 'utf8').split('\n')) if (l.startsWith('<')) lines.push(l);
  }
  return lines;
}

async function main() {
  const [port, rate, seconds, nSockets = '4'] = process.argv.slice(2).map(Number);
  const lines = corpusLines();
  const messages = Array.from({ length: 4096 }, (_, i) => Buffer.from(`${lines[i % lines.length]} #${i}`));
  const sockets = await Promise.all(
    Array.from({ length: nSockets }, () => new Promise((r) => { const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 }); s.bind(0, '127.0.0.1', () => { s.connect(port, '127.0.0.1', () => r(s)); }); })),
  );
  const total = Math.round(rate * seconds);
  let sent = 0;
  let inflight = 0;
  const start = process.hrtime.bigint();
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      const due = Math.min(total, Math.floor(rate * elapsed));
      // bound the sends queued in libuv so a too-high rate shows as "could not send", not as OOM
      while (sent < due && inflight < 20000) {
        const s = sockets[sent % sockets.length];
        inflight++;
        s.send(messages[sent % messages.length], () => void inflight--);
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  while (inflight > 0) await new Promise((r) => setImmediate(r));
  const took = Number(process.hrtime.bigint() - start) / 1e9;
  for (const s of sockets) s.close();
  process.stdout.write(JSON.stringify({ sent, seconds: took }) + '\n');
}
main();
