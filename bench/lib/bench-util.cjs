'use strict';
// Helpers every bench/*/ script needs the same way: a process's CPU time from /proc, a free UDP
// port, and one real SNMPv2c trap datagram captured from Debian's snmptrap.
const { execFileSync } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const os = require('node:os');

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15); NaN once it is gone. */
/** utime+stime of the process (every thread), or with `thread`, of that thread (/proc/<pid>/task/<tid>). */
function cpuSeconds(pid, thread) {
  try {
    const stat = fs.readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return NaN;
  }
}

async function freeUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** One v2c linkDown trap datagram (121 bytes), captured from Debian's snmptrap so every target gets real bytes. */
async function captureTrap() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const got = new Promise((r) => s.once('message', r));
  execFileSync('snmptrap', ['-M', '/nonexistent', '-m', '', '-v', '2c', '-c', 'public', `127.0.0.1:${s.address().port}`, '12345',
    '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.3', 'i', '3', '1.3.6.1.2.1.2.2.1.7.3', 'i', '1', '1.3.6.1.2.1.2.2.1.8.3', 'i', '2'],
  { env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: os.tmpdir(), SNMPCONFPATH: '/nonexistent' } });
  const buf = await got;
  s.close();
  return buf;
}

module.exports = { TICK, cpuSeconds, freeUdpPort, captureTrap };
