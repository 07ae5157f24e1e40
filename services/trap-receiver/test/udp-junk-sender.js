// A real UDP sender in its own process: `node udp-junk-sender.js <port> <count>` sends <count>
// junk datagrams (16 bytes, not BER) to 127.0.0.1:<port> and prints how many the kernel took.
const dgram = require('node:dgram');
const [port, count] = process.argv.slice(2).map(Number);
const socket = dgram.createSocket('udp4');
const junk = Buffer.from('not an snmp trap');
let sent = 0;
let failed = 0;
let queued = 0;
function burst() {
  for (let i = 0; i < 256 && queued < count; i++, queued++) {
    socket.send(junk, port, '127.0.0.1', (err) => {
      if (err) failed++;
      else sent++;
      if (sent + failed === count) {
        process.stdout.write(`${JSON.stringify({ sent, failed })}\n`);
        socket.close();
      }
    });
  }
  if (queued < count) setImmediate(burst);
}
burst();
