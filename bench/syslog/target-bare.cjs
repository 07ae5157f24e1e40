// Bench target: the floor for Node — a bare dgram socket that only counts datagrams.
// Prints `READY <port>`; answers `stats` on stdin with one JSON line.
const dgram = require('node:dgram');
const readline = require('node:readline');
let received = 0;
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: Number(process.env.RCVBUF ?? 4194304) });
socket.on('message', () => void received++);
socket.bind(0, '127.0.0.1', () => process.stdout.write(`READY ${socket.address().port}\n`));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') process.stdout.write(JSON.stringify({ received, delivered: received, dropped: 0 }) + '\n');
  else if (line === 'quit') process.exit(0);
});
