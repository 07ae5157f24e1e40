import dgram from 'node:dgram';

/**
 * Datagrams to ourselves over the loopback, one after another: each is a unicast packet in on
 * `lo` (ifIndex 1 on Linux), which moves IF-MIB ifInUcastPkts.1 — the variable the RMON alarm
 * specs against net-snmp's agent make cross a threshold.
 */
export async function loopbackTraffic(datagrams: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  for (let i = 0; i < datagrams; i++) await new Promise<void>((resolve, reject) => s.send(Buffer.alloc(64), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => s.close(() => resolve()));
}
