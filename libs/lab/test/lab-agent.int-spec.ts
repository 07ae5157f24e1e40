import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { interfaceCounter } from '../src/if-mib';
import { LabAgent } from '../src/lab-agent';
import { counter32, counter64 } from '../src/lab-counters';
import { LabMib } from '../src/lab-mib';
import { netSnmp, type NetSnmpSession, type NetSnmpVarbind } from '../src/net-snmp-api';
import { toNetSnmpUser } from '../src/net-snmp-user';
import { respond, type ResponseVarbind } from '../src/snmp-responder';
import { labTestDevice } from '../src/lab-test-device';
import { DEFAULT_LAB_USERS } from '../src/usm-user';
import { parseToolOutput, snmpTool, type WalkedVarbind } from './snmp-tools';

/**
 * A lab agent against Debian's Net-SNMP tools (snmpbulkwalk/snmpwalk/snmpget, installed by
 * `scripts/peers.sh install snmp`) and net-snmp's client, the one the poller uses. The clock is
 * fixed, so every value the tools print is known in advance.
 */

const BOOT = Date.UTC(2026, 10, 25, 0, 0, 0);
const NOW = BOOT + 60_000;
const OFFSET = 2n ** 32n - 5_000_000n;

const [authPriv, sha256] = DEFAULT_LAB_USERS;
const v3Args = (u = authPriv!): string[] => [
  '-v3', '-l', 'authPriv', '-u', u.name,
  '-a', u.authProtocol === 'sha256' ? 'SHA-256' : 'SHA', '-A', u.authKey!,
  '-x', 'AES', '-X', u.privKey!,
];

/** What the pure responder says a full GETNEXT walk of `root` returns, rendered as Net-SNMP prints it. */
function expectedWalk(agent: LabAgent, root: string): WalkedVarbind[] {
  const out: WalkedVarbind[] = [];
  const mib = new LabMib();
  let oid = root;
  for (;;) {
    const vb: ResponseVarbind = respond(mib, agent.device, { pdu: 'getNext', version: 'v2c', oids: [oid] }, NOW).varbinds[0]!;
    if (vb.type === 'endOfMibView' || !vb.oid.startsWith(`${root}.`)) return out;
    out.push(render(vb));
    oid = vb.oid;
  }
}

function render(vb: ResponseVarbind): WalkedVarbind {
  const type = { Integer: 'INTEGER', OctetString: 'STRING', OID: 'OID', Counter32: 'Counter32', Counter64: 'Counter64', Gauge32: 'Gauge32', TimeTicks: '', IpAddress: 'IpAddress' }[vb.type as string] ?? vb.type;
  if (Buffer.isBuffer(vb.value)) {
    return { oid: vb.oid, type: 'Hex-STRING', value: [...vb.value].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ') };
  }
  if (vb.type === 'OID') return { oid: vb.oid, type, value: `.${String(vb.value)}` };
  return { oid: vb.oid, type, value: String(vb.value) };
}

function session(agent: LabAgent, opts: { community?: string; timeout?: number; v3?: boolean } = {}): NetSnmpSession {
  const common = { port: agent.port, retries: 0, timeout: opts.timeout ?? 1000 };
  const s = opts.v3
    ? netSnmp.createV3Session(agent.address, toNetSnmpUser(sha256!), { ...common, version: netSnmp.Version3 })
    : netSnmp.createSession(agent.address, opts.community ?? 'public', { ...common, version: netSnmp.Version2c });
  s.on('error', () => undefined);
  return s;
}

const get = (s: NetSnmpSession, oids: string[]): Promise<NetSnmpVarbind[]> =>
  new Promise((resolve, reject) => s.get(oids, (err, vbs) => (err ? reject(err) : resolve(vbs ?? []))));
const getBulk = (s: NetSnmpSession, oids: string[], max: number): Promise<NetSnmpVarbind[]> =>
  new Promise((resolve, reject) => s.getBulk(oids, 0, max, (err, vbs) => (err ? reject(err) : resolve(vbs ?? []))));

describe('lab agent on the wire', () => {
  let agent: LabAgent;
  let now = NOW;

  beforeEach(async () => {
    now = NOW;
    agent = await LabAgent.start({
      device: labTestDevice({ counterOffset: OFFSET }, BOOT),
      community: 'public',
      users: DEFAULT_LAB_USERS,
      clock: () => now,
    });
  });
  afterEach(() => agent.close());

  it('listens on a kernel-chosen loopback port', () => {
    expect(agent.port).toBeGreaterThan(0);
    expect(agent.address).toBe('127.0.0.1');
  });

  it('snmpbulkwalk v2c of the system group returns the device identity and live sysUpTime', async () => {
    const r = await snmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.1']);
    expect(r.stderr).toBe('');
    expect(parseToolOutput(r.stdout)).toEqual([
      { oid: '1.3.6.1.2.1.1.1.0', type: 'STRING', value: 'Sonde lab router lab-router-1, IOS-XE Software, Version 17.9.4a (simulated)' },
      { oid: '1.3.6.1.2.1.1.2.0', type: 'OID', value: '.1.3.6.1.4.1.9.1.2068' },
      { oid: '1.3.6.1.2.1.1.3.0', type: '', value: '6000' },
      { oid: '1.3.6.1.2.1.1.4.0', type: 'STRING', value: 'noc@sonde.example' },
      { oid: '1.3.6.1.2.1.1.5.0', type: 'STRING', value: 'lab-router-1' },
      { oid: '1.3.6.1.2.1.1.6.0', type: 'STRING', value: 'lab' },
      { oid: '1.3.6.1.2.1.1.7.0', type: 'INTEGER', value: '78' },
    ]);
  });

  it('a first run of the tools on a fresh machine (no persistent directory yet) still gives a clean walk', async () => {
    // what a fresh machine looks like to net-snmp: its persistent directory does not exist yet
    const fresh = join(mkdtempSync(join(tmpdir(), 'sonde-snmp-state-')), 'var-lib-snmp');
    const r = await snmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.1.5'], { SNMP_PERSISTENT_DIR: fresh });
    expect(existsSync(join(fresh, 'cert_indexes'))).toBe(true);
    expect(r.stderr).toBe('');
    expect(parseToolOutput(r.stdout)).toEqual([{ oid: '1.3.6.1.2.1.1.5.0', type: 'STRING', value: 'lab-router-1' }]);
  });

  it('snmpbulkwalk v2c of ifTable and ifXTable returns every column with the predicted counters', async () => {
    for (const root of ['1.3.6.1.2.1.2.2', '1.3.6.1.2.1.31.1.1']) {
      const r = await snmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', '-Cr25', `127.0.0.1:${agent.port}`, root]);
      expect(r.stderr).toBe('');
      expect(parseToolOutput(r.stdout)).toEqual(expectedWalk(agent, root));
    }
    const walked = parseToolOutput((await snmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.31.1.1.1.6'])).stdout);
    // 60 s at 1.25 × 125 000 octets/s on interface 2, from 2^32 − 5 000 000
    expect(walked[1]).toEqual({ oid: '1.3.6.1.2.1.31.1.1.1.6.2', type: 'Counter64', value: String(OFFSET + 9_375_000n) });
  });

  it.each([
    ['SHA/AES', authPriv!],
    ['SHA-256/AES', sha256!],
  ])('snmpbulkwalk v3 authPriv %s returns the same IF-MIB and system values', async (_name, user) => {
    const r = await snmpTool('snmpbulkwalk', [...v3Args(user), `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.31.1.1.1']);
    expect(r.stderr).toBe('');
    const ifx = parseToolOutput(r.stdout);
    expect(ifx).toEqual(expectedWalk(agent, '1.3.6.1.2.1.31.1.1.1'));
    expect(ifx.find((v) => v.oid === '1.3.6.1.2.1.31.1.1.1.1.3')?.value).toBe('Gi0/0/2');
    const sys = await snmpTool('snmpget', [...v3Args(user), `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.2.1.10.1']);
    expect(parseToolOutput(sys.stdout).map((v) => v.value)).toEqual([
      'lab-router-1',
      String(counter32(interfaceCounter(agent.device, 1, 'inOctets', NOW))),
    ]);
  });

  it('a Counter32 wraps while its Counter64 keeps counting', async () => {
    const s = session(agent, { v3: true });
    try {
      const before = await get(s, ['1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.31.1.1.1.6.1']);
      now = NOW + 30_000; // + 3 750 000 octets: past 2^32
      const after = await get(s, ['1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.31.1.1.1.6.1']);
      expect(before[0]!.value).toBe(4_294_967_296 - 5_000_000 + 7_500_000 - 4_294_967_296);
      expect(after[0]!.value).toBe(counter32(OFFSET + 11_250_000n));
      expect(BigInt(`0x${(after[1]!.value as Buffer).toString('hex')}`)).toBe(counter64(OFFSET + 11_250_000n));
    } finally {
      s.close();
    }
  });

  it('snmpwalk v1 gets SNMPv1 answers: no Counter64, a clean end', async () => {
    const r = await snmpTool('snmpwalk', ['-v1', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.31.1.1.1']);
    expect(r.code).toBe(0);
    const vbs = parseToolOutput(r.stdout);
    expect(vbs.length).toBe(4 * (19 - 8));
    expect(vbs.some((v) => v.type === 'Counter64')).toBe(false);
  });

  it('drops a request with a wrong community and counts it', async () => {
    const r = await snmpTool('snmpget', ['-v2c', '-c', 'wrong', '-t', '0.5', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.1.5.0']);
    expect(r.stderr).toContain('Timeout');
    expect(agent.stats.rejected).toBe(1);
  });

  it('survives arbitrary datagrams and keeps answering', async () => {
    const socket = createSocket('udp4');
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        // valid v2c GET header with a mangled tail: gets past the first BER checks
        fc.uint8Array({ maxLength: 60 }).map((tail) => Uint8Array.from([...Buffer.from('302902010104067075626c6963a01c', 'hex'), ...tail])),
      ),
      { numRuns: 500, seed: 42 },
    );
    try {
      for (const bytes of samples) socket.send(bytes, agent.port, '127.0.0.1');
      // the flood can overflow the socket's receive buffer (UDP): the poll retries, as a poller would
      const s = netSnmp.createSession('127.0.0.1', 'public', { port: agent.port, version: netSnmp.Version2c, retries: 5, timeout: 1000 });
      s.on('error', () => undefined);
      try {
        expect(String((await get(s, ['1.3.6.1.2.1.1.5.0']))[0]!.value)).toBe('lab-router-1');
        const { received, answered, rejected, errors } = agent.stats;
        expect(answered + rejected + errors).toBe(received);
        expect(rejected).toBeGreaterThan(0);
      } finally {
        s.close();
      }
    } finally {
      socket.close();
    }
  });

  describe('faults', () => {
    it('restart: sysUpTime and counters start again; a v3 manager that missed it is sent notInTimeWindow', async () => {
      const before = session(agent, { v3: true });
      const after = session(agent, { v3: true });
      try {
        await get(before, ['1.3.6.1.2.1.1.3.0']);
        now = NOW + 1000;
        agent.restart();
        now = NOW + 3000;
        // RFC 3414 §3.2 step 7: snmpEngineBoots went up, the manager's notion is stale. net-snmp's
        // client takes the report's boots/time and retries once, so the poll still succeeds.
        expect((await get(before, ['1.3.6.1.2.1.1.3.0']))[0]!.value).toBe(200);
        expect(agent.stats.notInTimeWindow).toBe(1);
        // a manager that rediscovers the engine sees the reboot
        const vbs = await get(after, ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.2.2.1.10.1']);
        expect(vbs.map((v) => v.value)).toEqual([200, counter32(OFFSET + 250_000n)]);
        // Net-SNMP given the pre-reboot boots/time (-Z) takes the new ones from the authenticated report and retries
        const r = await snmpTool('snmpget', [...v3Args(), '-e', `0x${agent.engineId}`, '-Z', '1,60', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.1.3.0']);
        expect(r.stderr).toBe('');
        expect(parseToolOutput(r.stdout)).toEqual([{ oid: '1.3.6.1.2.1.1.3.0', type: '', value: '200' }]);
        expect(agent.stats.notInTimeWindow).toBe(2);
      } finally {
        before.close();
        after.close();
      }
    });

    it('restart without the USM timeliness check: the old v3 session keeps working', async () => {
      const lenient = await LabAgent.start({
        device: labTestDevice({ counterOffset: OFFSET }, BOOT),
        community: 'public',
        users: DEFAULT_LAB_USERS,
        clock: () => now,
        usmTimeliness: false,
      });
      const s = session(lenient, { v3: true });
      try {
        await get(s, ['1.3.6.1.2.1.1.3.0']);
        lenient.restart();
        now = NOW + 2000;
        expect((await get(s, ['1.3.6.1.2.1.1.3.0']))[0]!.value).toBe(200);
      } finally {
        s.close();
        await lenient.close();
      }
    });

    it('timeout: the agent stops answering', async () => {
      agent.setFaults({ timeout: true });
      const s = session(agent, { timeout: 300 });
      try {
        await expect(get(s, ['1.3.6.1.2.1.1.5.0'])).rejects.toThrow(/timed out/i);
        expect(agent.stats.dropped).toBe(1);
      } finally {
        s.close();
      }
    });

    it('slow: the answer comes, later', async () => {
      agent.setFaults({ slowMs: 200 });
      const s = session(agent, { timeout: 5000 });
      try {
        const vbs = await get(s, ['1.3.6.1.2.1.1.5.0']);
        expect(String(vbs[0]!.value)).toBe('lab-router-1');
      } finally {
        s.close();
      }
    });

    it('garbage: the answer is not an SNMP message', async () => {
      agent.setFaults({ garbage: true });
      const socket = createSocket('udp4');
      try {
        const reply = await new Promise<Buffer>((resolve) => {
          socket.on('message', (m) => resolve(m));
          socket.send(Buffer.from('302902010104067075626c6963a01c0204000000010201000201003010300e06082b060102010105000500', 'hex'), agent.port, '127.0.0.1');
        });
        expect(reply[0]).not.toBe(0x30);
        const s = session(agent, { timeout: 300 });
        await expect(get(s, ['1.3.6.1.2.1.1.5.0'])).rejects.toThrow();
        s.close();
        expect(agent.stats.garbage).toBe(2);
      } finally {
        socket.close();
      }
    });

    it('noSuchObject and endOfMibView early, as snmpget and snmpbulkwalk see them', async () => {
      agent.setFaults({ noSuchObject: ['1.3.6.1.2.1.31'], endOfMibViewAfter: '1.3.6.1.2.1.2.2.1.10' });
      const g = await snmpTool('snmpget', ['-v2c', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.31.1.1.1.6.1']);
      expect(g.stdout).toContain('No Such Object available on this agent at this OID');
      const w = await snmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.2.2.1']);
      const vbs = parseToolOutput(w.stdout);
      expect(vbs.at(-1)?.oid).toBe('1.3.6.1.2.1.2.2.1.10.4');
    });

    it('tooBig for a GETBULK asking for too much', async () => {
      agent.setFaults({ tooBigAbove: 10 });
      const s = session(agent);
      try {
        await expect(getBulk(s, ['1.3.6.1.2.1.2.2.1.10'], 11)).rejects.toThrow(/TooBig/);
        expect((await getBulk(s, ['1.3.6.1.2.1.2.2.1.10'], 10)).flat()).toHaveLength(10);
      } finally {
        s.close();
      }
    });
  });
});
