import { createSocket, type RemoteInfo } from 'node:dgram';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Lab } from '../src/lab';
import { labEngineId } from '../src/lab-agent';
import { netSnmp, type NetSnmpSession, type NetSnmpVarbind } from '../src/net-snmp-api';
import { toNetSnmpUser } from '../src/net-snmp-user';
import { SyslogEmitter } from '../src/syslog-emitter';
import { SYSLOG_DIALECT_NAMES } from '../src/syslog-lines';
import { TrapEmitter } from '../src/trap-emitter';
import { DEFAULT_LAB_USERS } from '../src/usm-user';
import { startTrapd, type Trapd } from './snmptrapd';

/**
 * A lab of several devices on their own loopback addresses, and the emitters against real
 * receivers: Debian's snmptrapd for traps and informs (scripts/peers.sh install snmp), plain
 * sockets for syslog framing.
 */

const [authPriv, sha256] = DEFAULT_LAB_USERS;

function get(s: NetSnmpSession, oids: string[]): Promise<NetSnmpVarbind[]> {
  return new Promise((resolve, reject) => s.get(oids, (err, vbs) => (err ? reject(err) : resolve(vbs ?? []))));
}

describe('lab of simulated devices', () => {
  let lab: Lab;
  afterEach(() => lab?.close());

  it('starts K devices, each on its own loopback address, and lists them for the inventory', async () => {
    lab = await Lab.start({ devices: 4, interfaces: 8, distinctAddresses: true, firstAddress: '127.0.3.1' });
    expect(lab.devices.map((d) => [d.id, d.address, d.profile])).toEqual([
      ['lab-router-1', '127.0.3.1', 'router'],
      ['lab-switch-2', '127.0.3.2', 'switch'],
      ['lab-router-3', '127.0.3.3', 'router'],
      ['lab-switch-4', '127.0.3.4', 'switch'],
    ]);
    for (const d of lab.devices) {
      expect(d.port).toBeGreaterThan(0);
      const s = netSnmp.createV3Session(d.address, toNetSnmpUser(d.v3User), { port: d.port, version: netSnmp.Version3, retries: 0, timeout: 2000 });
      const vbs = await get(s, ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.2.1.0']).finally(() => s.close());
      expect(vbs.map((v) => String(v.value))).toEqual([d.name, d.sysObjectID, '8']);
    }
  });

  it('switches faults per device from the config and at run time', async () => {
    lab = await Lab.start({ devices: 2, faults: { 'lab-switch-2': { timeout: true } } });
    const [ok, silent] = lab.devices;
    const ask = (port: number): Promise<NetSnmpVarbind[]> => {
      const s = netSnmp.createSession('127.0.0.1', 'public', { port, version: netSnmp.Version2c, retries: 0, timeout: 300 });
      return get(s, ['1.3.6.1.2.1.1.5.0']).finally(() => s.close());
    };
    await expect(ask(ok!.port)).resolves.toHaveLength(1);
    await expect(ask(silent!.port)).rejects.toThrow(/timed out/i);
    lab.setFaults('lab-switch-2', {});
    await expect(ask(silent!.port)).resolves.toHaveLength(1);
    expect(() => lab.setFaults('lab-nope-9', {})).toThrow('no lab device lab-nope-9');
  });

  it('rejects a config naming a device that does not exist', async () => {
    await expect(Lab.start({ devices: 1, faults: { 'lab-router-7': { garbage: true } } })).rejects.toThrow('lab.faults.lab-router-7');
  });

  it('sends traps and syslog from each device address at the configured rates', async () => {
    const trapd = await startTrapd([]);
    const syslog = createSocket('udp4');
    const received: { line: string; from: RemoteInfo }[] = [];
    syslog.on('message', (m, from) => received.push({ line: m.toString('utf8'), from }));
    await new Promise<void>((resolve) => syslog.bind(0, '127.0.0.1', resolve));
    try {
      lab = await Lab.start({
        devices: 3,
        distinctAddresses: true,
        firstAddress: '127.0.4.1',
        traps: { enabled: true, target: `127.0.0.1:${trapd.port}`, perMinute: 6000, notifications: ['linkDown', 'linkUp'] },
        syslog: { enabled: true, target: `127.0.0.1:${syslog.address().port}`, perMinute: 6000 },
      });
      const traps = await trapd.waitFor(3);
      expect(traps.slice(0, 3).map((l) => /\[(127\.0\.4\.\d)\]/.exec(l)?.[1])).toEqual(['127.0.4.1', '127.0.4.2', '127.0.4.3']);
      expect(traps[0]).toContain('.1.3.6.1.6.3.1.1.5.3');
      await new Promise<void>((resolve) => {
        const check = (): void => (received.length >= SYSLOG_DIALECT_NAMES.length ? resolve() : void setTimeout(check, 20));
        check();
      });
      expect(received.slice(0, 3).map((r) => r.from.address)).toEqual(['127.0.4.1', '127.0.4.2', '127.0.4.3']);
      expect(received[2]!.line).toContain('%LINK-3-UPDOWN');
      expect(lab.trafficErrors).toEqual({ traps: 0, syslog: 0 });
    } finally {
      await lab?.close();
      syslog.close();
      await trapd.stop();
    }
  });
});

describe('trap emitter against snmptrapd', () => {
  const engineId = labEngineId('lab-router-1');
  let trapd: Trapd;
  beforeAll(async () => {
    trapd = await startTrapd([
      // v3 traps: the sender is authoritative, so its engine id keys the user (RFC 3414 §1.5.1)
      `createUser -e 0x${engineId} ${authPriv!.name} SHA ${authPriv!.authKey} AES ${authPriv!.privKey}`,
      // v3 informs: the receiver is authoritative
      `createUser ${sha256!.name} SHA-256 ${sha256!.authKey} AES ${sha256!.privKey}`,
    ]);
  });
  afterAll(() => trapd.stop());

  const emitter = (version: 'v1' | 'v2c' | 'v3', user = authPriv): TrapEmitter =>
    new TrapEmitter({ host: '127.0.0.1', port: trapd.port, version, community: 'public', user, engineId, uptime: () => 4242, agentAddress: '127.0.1.1' });

  it('SNMPv1: generic linkDown and the enterprise-specific vendor trap', async () => {
    const e = emitter('v1');
    try {
      await e.trap('linkDown', { ifIndex: 3 });
      await e.trap('ciscoConfigManEvent', { seq: 9 });
      const [down, vendor] = await trapd.waitFor(2, (l) => l.includes('SNMP v1'));
      expect(down!.split('|').slice(2, 5)).toEqual(['.1.3.6.1.4.1', '2', '0']);
      expect(down).toContain('.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 2');
      // snmptrapd's %q prints an enterprise-specific trap's specific-trap as an OID arc under -On (".1")
      expect(vendor!.split('|').slice(2, 5)).toEqual(['.1.3.6.1.4.1.9.9.43.2', '6', '.1']);
      expect(vendor).toContain('.1.3.6.1.4.1.9.9.43.1.1.6.1.3.9 = INTEGER: 1');
    } finally {
      e.close();
    }
  });

  it('SNMPv2c: traps and an acknowledged inform', async () => {
    const e = emitter('v2c');
    try {
      await e.trap('coldStart');
      await e.trap('authenticationFailure');
      await e.inform('linkUp', { ifIndex: 2, ifDescr: 'Gi0/0/1' });
      const lines = await trapd.waitFor(3, (l) => l.includes('SNMP v2c'));
      expect(lines.map((l) => /\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: ([.\d]+)/.exec(l)?.[1])).toEqual([
        '.1.3.6.1.6.3.1.1.5.1',
        '.1.3.6.1.6.3.1.1.5.5',
        '.1.3.6.1.6.3.1.1.5.4',
      ]);
      expect(lines[2]).toMatch(/^.*\|INFORM, SNMP v2c, community public\|/);
      expect(lines[2]).toContain('.1.3.6.1.2.1.1.3.0 = Timeticks: (4242)');
      expect(lines[2]).toContain('.1.3.6.1.2.1.2.2.1.2.2 = STRING: "Gi0/0/1"');
    } finally {
      e.close();
    }
  });

  it('SNMPv3 authPriv: a trap from the device engine and an inform with SHA-256/AES', async () => {
    const t = emitter('v3', authPriv);
    const i = emitter('v3', sha256);
    try {
      await t.trap('linkDown', { ifIndex: 1 });
      await i.inform('linkUp', { ifIndex: 1 });
      const [trap, inform] = await trapd.waitFor(2, (l) => l.includes('SNMP v3'));
      expect(trap).toContain(`TRAP2, SNMP v3, user ${authPriv!.name}`);
      expect(trap).toContain('OID: .1.3.6.1.6.3.1.1.5.3');
      expect(inform).toContain(`INFORM, SNMP v3, user ${sha256!.name}`);
      expect(i.count).toBe(1);
    } finally {
      t.close();
      i.close();
    }
  });

  it('an inform nobody acknowledges fails with a timeout error naming the target', async () => {
    const e = new TrapEmitter({ host: '127.0.0.1', port: 9, version: 'v2c', retries: 0, timeoutMs: 200 });
    try {
      await expect(e.inform('coldStart')).rejects.toMatchObject({ code: 'timeout', context: { notification: 'coldStart', target: '127.0.0.1:9' } });
    } finally {
      e.close();
    }
  });
});

describe('syslog emitter', () => {
  it('TCP with octet counting delivers every dialect intact (RFC 6587 §3.4.1)', async () => {
    const frames: string[] = [];
    let buf = Buffer.alloc(0);
    const server: Server = createServer((sock) =>
      sock.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const sp = buf.indexOf(0x20);
          if (sp < 0) break;
          const len = Number(buf.subarray(0, sp).toString('ascii'));
          if (buf.length < sp + 1 + len) break;
          frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
          buf = buf.subarray(sp + 1 + len);
        }
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const e = await SyslogEmitter.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, transport: 'tcp' });
    try {
      const sent = await e.sendMix(20, SYSLOG_DIALECT_NAMES, {
        nowMs: Date.UTC(2026, 10, 25, 3, 0, 0),
        hostname: 'lab-router-1',
        address: '127.0.1.1',
        ifIndex: 1,
        ifName: 'Gi0/0/0',
      });
      await new Promise<void>((resolve) => {
        const check = (): void => (frames.length >= 20 ? resolve() : void setTimeout(check, 10));
        check();
      });
      expect(frames).toEqual(sent.map((l) => l.line));
    } finally {
      await e.close();
      server.close();
    }
  });

  it('reports a refused TCP connection with the target', async () => {
    await expect(SyslogEmitter.connect({ host: '127.0.0.1', port: 9, transport: 'tcp' })).rejects.toThrow('cannot connect to 127.0.0.1:9');
  });
});
