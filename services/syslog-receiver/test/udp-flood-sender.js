'use strict';
// A UDP syslog sender in its own process (so it does not share the receiver's event loop): one
// flooding source and some quiet ones, each from its own loopback address (127.0.0.x: the rate
// limit is per source address), paced every millisecond for `seconds`. Quiet messages carry
// `<name>:<seq>` so the receiver side can count them per source. Prints one JSON line when done:
// { sent: { <name>: n }, errors, seconds, rates: { <name>: achieved msg/s } }.
//
//   node udp-flood-sender.js '{"port":5514,"seconds":5,"sources":[{"name":"flood","address":"127.0.0.2","rate":50000}, …]}'
const dgram = require('node:dgram');

const spec = JSON.parse(process.argv[2] ?? '{}');
const target = spec.host ?? '127.0.0.1';
const seconds = spec.seconds ?? 5;

let errors = 0;

async function main() {
  const sources = await Promise.all(
    spec.sources.map(
      (s) =>
        new Promise((resolve, reject) => {
          const socket = dgram.createSocket('udp4');
          socket.once('error', reject);
          // a fixed source port, as a device sends from; connected, so a send skips the address
          // lookup (the sender reaches a higher rate on a loaded machine)
          socket.bind(0, s.address, () =>
            socket.connect(spec.port, target, () => {
              socket.off('error', reject);
              // an ICMP port unreachable (nobody listens) comes back on a connected socket: counted
              socket.on('error', () => void errors++);
              resolve({ ...s, socket, sent: 0, due: 0 });
            }),
          );
        }),
    ),
  );
  sources.sort((a, b) => a.rate - b.rate);
  // a source sending more than 1 000/s is a flood: the same datagram every time
  for (const s of sources) if (s.rate > 1000) s.flood = Buffer.from(`<14>1 2026-12-02T00:00:00Z ${s.name} flood - - - ${s.name}`);
  let inFlight = 0;
  const send = (s, text) => {
    inFlight++;
    s.socket.send(text, (err) => {
      inFlight--;
      if (err) {
        errors++;
        s.failed = (s.failed ?? 0) + 1;
      }
    });
    s.sent++;
  };
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((resolve) => {
    const tick = () => {
      const t = Math.min(elapsed(), seconds);
      // quiet sources first in every tick: if this process falls behind, it is the flood that
      // gets sent late, never the quiet messages
      for (const s of sources) {
        const due = Math.floor(t * s.rate);
        // at most 2 ms of catch-up at once: a starved sender sends less, it does not burst (the
        // achieved rate is reported)
        const n = Math.min(due - s.due, Math.max(10, Math.ceil(s.rate / 500)));
        // the flood's messages are all alike (one buffer); a quiet message carries its sequence
        if (s.flood) for (let i = 0; i < n; i++) send(s, s.flood);
        else for (let i = 0; i < n; i++) send(s, `<14>1 2026-12-02T00:00:00Z ${s.name} flood - - - ${s.name}:${s.sent}`);
        s.due = due;
      }
      if (t >= seconds) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const took = elapsed();
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  for (const s of sources) s.socket.close();
  const sent = {};
  const rates = {};
  for (const s of sources) {
    // a send that failed locally never left: not sent
    sent[s.name] = s.sent - (s.failed ?? 0);
    rates[s.name] = Math.round(sent[s.name] / took);
  }
  process.stdout.write(`${JSON.stringify({ sent, errors, seconds: took, rates })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
