import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { procAddress, readUdpKernelDrops, readUdpSocketDrops, UdpKernelDropLedger } from './udp-kernel-drops';

/** 16 bytes of an IPv6 address (the test's own expansion, to write /proc's form). */
function v6Bytes(address: string): number[] {
  let a = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4?.[1]) {
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = v4[1].split('.').map(Number);
    a = `${a.slice(0, -v4[1].length)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = a.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array.from({ length: 8 - h.length - t.length }, () => '0'), ...t];
  return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

/** The kernel's spelling: each 32-bit word little-endian, hex upper case. */
function procHex(bytes: number[]): string {
  let out = '';
  for (let w = 0; w < bytes.length; w += 4) out += [3, 2, 1, 0].map((i) => (bytes[w + i] ?? 0).toString(16).padStart(2, '0')).join('');
  return out.toUpperCase();
}

const canonicalV6 = (a: string) => new URL(`http://[${a}]`).hostname.slice(1, -1);

describe('udp-kernel-drops', () => {
  it('procAddress reads any IPv4 address as written', () => {
    fc.assert(fc.property(fc.ipV4(), (a) => expect(procAddress(procHex(a.split('.').map(Number)))).toBe(a)));
  });

  it('procAddress reads any IPv6 address in its canonical form, IPv4-mapped as IPv4', () => {
    fc.assert(
      fc.property(fc.ipV6(), (a) => {
        const bytes = v6Bytes(a);
        const got = procAddress(procHex(bytes));
        const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12).join('.') : undefined;
        expect(got).toBe(mapped ?? canonicalV6(a));
      }),
    );
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-udp-drops-'));
  const file = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops', ...lines].join('\n'));
    return f;
  };
  // port 0x0202 = 514; one listening socket (remote 0) and one connected to 127.0.0.2:0xD333
  const udp = file('udp', [
    ' 242: 00000000:0202 00000000:0000 07 00000000:00001A00 00:00000000 00000000     0        0 79386 2 000000002173002f 17',
    ' 243: 0100007F:0202 0200007F:D333 01 00000000:00000300 00:00000000 00000000     0        0 79387 2 000000002173003f 5000',
    ' 244: 00000000:0203 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 79388 2 000000002173004f 99',
  ]);

  it('reads drops, queue and peer of the sockets on the given ports only', () => {
    expect(readUdpSocketDrops(new Set([514]), [udp, path.join(dir, 'missing')])).toEqual([
      { localPort: 514, remote: undefined, remotePort: 0, drops: 17, queuedBytes: 0x1a00 },
      { localPort: 514, remote: '127.0.0.2', remotePort: 0xd333, drops: 5000, queuedBytes: 0x300 },
    ]);
    expect(readUdpKernelDrops(new Set([514, 515]), [udp])).toBe(17 + 5000 + 99);
  });

  it('the ledger keeps a released socket\'s drops and attributes connected sockets to their peer', () => {
    const ledger = new UdpKernelDropLedger(new Set([514]), [udp]);
    expect(ledger.bySource()).toEqual([{ source: '127.0.0.2', dropped: 5000 }, { source: 'other', dropped: 17 }]);
    expect(ledger.retire('127.0.0.2', 0xd333)).toBe(5000);
    // the socket is closed: /proc no longer lists it, the ledger still counts it
    const after = new UdpKernelDropLedger(new Set([514]), [file('udp-after', [' 242: 00000000:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 79386 2 000000002173002f 17'])]);
    after.add('127.0.0.2', 5000);
    expect(after.total()).toBe(5017);
    expect(after.bySource()).toEqual([{ source: '127.0.0.2', dropped: 5000 }, { source: 'other', dropped: 17 }]);
    // released but parked (connected to loopback at its own port) while it is read empty: its
    // drops were retired at the release and are not counted twice
    const parked = new UdpKernelDropLedger(new Set([514]), [file('udp-parked', [
      ' 242: 00000000:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 79386 2 000000002173002f 17',
      ' 243: 0100007F:0202 0100007F:0202 01 00000000:00000300 00:00000000 00000000     0        0 79387 2 000000002173003f 5000',
    ])]);
    parked.add('127.0.0.2', 5000);
    expect(parked.total()).toBe(5017);
    expect(parked.bySource()).toEqual([{ source: '127.0.0.2', dropped: 5000 }, { source: 'other', dropped: 17 }]);
  });
});
