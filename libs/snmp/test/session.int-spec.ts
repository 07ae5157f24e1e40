import { runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import type { SnmpCredential, SnmpTarget } from '../src/session/snmp-credential';
import { SnmpError } from '../src/session/snmp-error';
import { SnmpSessionPool } from '../src/session/snmp-session-pool';
import type { Varbind } from '../src/session/varbind';
import { walkSubtree } from '../src/walk/table-walk';

// Real peer: Debian's snmpd (scripts/peers.sh install snmpd), one per file, on a free port.
const AUTH = 'authpass1234';
const PRIV = 'privpass1234';
const users = [
  { name: 'md5des', auth: 'MD5', authKey: AUTH, priv: 'DES', privKey: PRIV },
  { name: 'shaaes', auth: 'SHA', authKey: AUTH, priv: 'AES', privKey: PRIV },
  { name: 'sha224aes', auth: 'SHA-224', authKey: AUTH, priv: 'AES', privKey: PRIV },
  { name: 'sha256aes', auth: 'SHA-256', authKey: AUTH, priv: 'AES', privKey: PRIV },
  { name: 'sha384aes', auth: 'SHA-384', authKey: AUTH, priv: 'AES', privKey: PRIV },
  { name: 'sha512aes256', auth: 'SHA-512', authKey: AUTH, priv: 'AES-256', privKey: PRIV },
  { name: 'md5aes256', auth: 'MD5', authKey: AUTH, priv: 'AES-256', privKey: PRIV },
  { name: 'authonly', auth: 'SHA', authKey: AUTH },
  { name: 'noauth' },
];

const credentials: Array<[string, SnmpCredential]> = [
  ['v1', { version: 'v1', community: 'public' }],
  ['v2c', { version: 'v2c', community: 'public' }],
  ['v3 MD5/DES', { version: 'v3', user: 'md5des', level: 'authPriv', authProtocol: 'md5', authKey: AUTH, privProtocol: 'des', privKey: PRIV }],
  ['v3 SHA/AES', { version: 'v3', user: 'shaaes', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
  ['v3 SHA-224/AES', { version: 'v3', user: 'sha224aes', level: 'authPriv', authProtocol: 'sha224', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
  ['v3 SHA-256/AES', { version: 'v3', user: 'sha256aes', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
  ['v3 SHA-384/AES', { version: 'v3', user: 'sha384aes', level: 'authPriv', authProtocol: 'sha384', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
  ['v3 SHA-512/AES-256 (Blumenthal)', { version: 'v3', user: 'sha512aes256', level: 'authPriv', authProtocol: 'sha512', authKey: AUTH, privProtocol: 'aes256b', privKey: PRIV }],
  // MD5 (16-byte key) with AES-256 needs key extension: snmpd's AES-256 is Blumenthal's.
  ['v3 MD5/AES-256 (Blumenthal key extension)', { version: 'v3', user: 'md5aes256', level: 'authPriv', authProtocol: 'md5', authKey: AUTH, privProtocol: 'aes256b', privKey: PRIV }],
  ['v3 SHA authNoPriv', { version: 'v3', user: 'authonly', level: 'authNoPriv', authProtocol: 'sha', authKey: AUTH }],
  ['v3 noAuthNoPriv', { version: 'v3', user: 'noauth', level: 'noAuthNoPriv' }],
];

let agent: SnmpdPeer;
let pool: SnmpSessionPool;

const target = (credential: SnmpCredential, over: Partial<SnmpTarget> = {}): SnmpTarget => ({
  device: 'snmpd-1', address: '127.0.0.1', port: agent.port, credential, timeoutMs: 1000, retries: 1, backoff: 1.5, ...over,
});

beforeAll(async () => {
  agent = await startSnmpd({ users, ipv6: true });
  pool = new SnmpSessionPool({ sharedSockets: 2, recvBufferBytes: 1 << 20, maxOpenSessions: 100, perDeviceConcurrency: 2, overallConcurrency: 32 });
});
afterAll(async () => {
  await pool?.close();
  await agent?.stop();
});

describe('sessions against Debian snmpd', () => {
  it.each(credentials)('%s: GET sysName.0 and sysUpTime.0', async (_label, credential) => {
    const s = await pool.session(target(credential));
    const [name, uptime] = await s.get(['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.3.0']);
    expect(name?.type).toBe('OctetString');
    expect(uptime?.type).toBe('TimeTicks');
    expect(typeof uptime?.value).toBe('number');
  });

  it.each(credentials)('%s: walk of system + IF-MIB equals snmpbulkwalk, value for value', async (_label, credential) => {
    const s = await pool.session(target(credential));
    for (const base of ['1.3.6.1.2.1.1', '1.3.6.1.2.1.2', '1.3.6.1.2.1.31']) {
      const theirs = parseNetSnmpWalk(runSnmpTool(credential.version === 'v1' ? 'snmpwalk' : 'snmpbulkwalk', [...toolArgs(credential), '-On', '-Oe', '-Ot', '-Ox', `127.0.0.1:${agent.port}`, base]));
      const ours = (await walkSubtree(s, base)).columns[0] ?? [];
      expect(ours.map((v) => v.oid)).toEqual(theirs.map((t) => t.oid));
      ours.forEach((vb, i) => expectSameValue(vb, theirs[i]!));
    }
  });

  it('IPv6: v2c and v3 over ::1 through the shared udp6 sockets', async () => {
    for (const credential of [credentials[1]![1], credentials[3]![1]]) {
      const s = await pool.session(target(credential, { device: `v6-${credential.version}`, address: '::1' }));
      const [name] = await s.get(['1.3.6.1.2.1.1.5.0']);
      expect(name?.type).toBe('OctetString');
    }
  });

  it('bounds open sessions (LRU, idle ones only) while every device keeps being polled through 1 shared socket', async () => {
    const small = new SnmpSessionPool({ sharedSockets: 1, recvBufferBytes: 1 << 20, maxOpenSessions: 3, evictIdleMs: 50, perDeviceConcurrency: 1, overallConcurrency: 4 });
    const poll = (ids: number[]) => Promise.all(ids.map(async (i) => {
      const s = await small.session(target(credentials[3]![1], { device: `lru-${i}` }));
      expect((await s.get(['1.3.6.1.2.1.1.3.0']))[0]?.type).toBe('TimeTicks');
    }));
    try {
      await poll([0, 1, 2, 3, 4]); // all busy or fresh: the bound is soft, nothing closed under a caller
      expect(small.stats().evicted).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      await poll([5, 6, 7, 8, 9]); // the idle first five make room
      await new Promise((r) => setTimeout(r, 100));
      await poll([0, 1, 2, 3, 4]); // evicted ones reopen (v3: rediscovery)
      const st = small.stats();
      expect(st.evicted).toBeGreaterThanOrEqual(5);
      expect(st.open).toBeLessThanOrEqual(5);
      expect(st.transport?.sockets).toBe(1);
      expect(st.transport?.virtualSockets).toBe(st.open);
    } finally {
      await small.close();
    }
  });

  it('GETNEXT walk (v1) and GETBULK walk (v2c) agree', async () => {
    const v1 = await walkSubtree(await pool.session(target({ version: 'v1', community: 'public' })), '1.3.6.1.2.1.2.2.1.2');
    const v2 = await walkSubtree(await pool.session(target({ version: 'v2c', community: 'public' })), '1.3.6.1.2.1.2.2.1.2');
    expect(v1.columns[0]!.map((v) => v.value)).toEqual(v2.columns[0]!.map((v) => v.value));
    expect(v1.requests).toBeGreaterThan(v2.requests);
  });
});

describe('errors are typed and name the device', () => {
  const bad: Array<[string, SnmpCredential, string]> = [
    ['wrong community', { version: 'v2c', community: 'wrong' }, 'timeout'],
    ['unknown user', { version: 'v3', user: 'nobody', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }, 'unknown-user'],
    ['wrong auth key', { version: 'v3', user: 'shaaes', level: 'authPriv', authProtocol: 'sha', authKey: 'wrongpass99', privProtocol: 'aes', privKey: PRIV }, 'wrong-digest'],
    ['wrong auth protocol', { version: 'v3', user: 'shaaes', level: 'authPriv', authProtocol: 'md5', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }, 'wrong-digest'],
    ['wrong priv key', { version: 'v3', user: 'shaaes', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privProtocol: 'aes', privKey: 'wrongpriv99' }, 'timeout'],
    ['level above the user', { version: 'v3', user: 'authonly', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }, 'unsupported-security-level'],
  ];
  it.each(bad.map(([l, c, r]) => [l, r, c] as const))('%s → %s', async (_label, reason, credential) => {
    const s = await pool.session(target(credential, { device: `bad-${_label}`, timeoutMs: 300, retries: 0 }));
    const err = await s.get(['1.3.6.1.2.1.1.5.0']).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect((err as SnmpError).reason).toBe(reason);
    expect((err as SnmpError).context.device).toBe(`bad-${_label}`);
    expect((err as SnmpError).message).toContain(`bad-${_label}`);
    expect(JSON.stringify((err as SnmpError).context)).not.toContain('wrongp');
  });

  it('a v3 session survives an agent restart (engineBoots changes: not-in-time-window is resynchronised)', async () => {
    const s = await pool.session(target(credentials[3]![1], { device: 'restart-1' }));
    const before = await s.get(['1.3.6.1.2.1.1.3.0']);
    await agent.restart();
    const after = await s.get(['1.3.6.1.2.1.1.3.0']);
    expect(after[0]!.value as number).toBeLessThan((before[0]!.value as number) + 1000);
  });
});

// --- helpers ---

function toolArgs(c: SnmpCredential): string[] {
  if (c.version !== 'v3') return ['-v', c.version === 'v1' ? '1' : '2c', '-c', String(c.community)];
  const auth: Record<string, string> = { md5: 'MD5', sha: 'SHA', sha224: 'SHA-224', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
  const priv: Record<string, string> = { des: 'DES', aes: 'AES', aes256b: 'AES-256' };
  const args = ['-v', '3', '-u', c.user, '-l', c.level];
  if (c.level !== 'noAuthNoPriv') args.push('-a', auth[c.authProtocol!]!, '-A', String(c.authKey));
  if (c.level === 'authPriv') args.push('-x', priv[c.privProtocol!]!, '-X', String(c.privKey));
  return c.version === 'v3' && args[0] === '-v' && c.level ? (['-v', '3', ...args.slice(2)]) : args;
}

interface ToolRow { oid: string; text: string }

/** `snmpbulkwalk -On -Oe -Ot -Ox` output → rows (Hex-STRING values wrap over lines). */
function parseNetSnmpWalk(out: string): ToolRow[] {
  const rows: ToolRow[] = [];
  for (const line of out.split('\n')) {
    const m = /^\.([0-9.]+) = (.*)$/.exec(line);
    if (m) rows.push({ oid: m[1]!, text: m[2]! });
    else if (line.trim() && rows.length) rows[rows.length - 1]!.text += ' ' + line.trim();
  }
  return rows.map((r) => ({ oid: r.oid, text: r.text.replace(/\s+/g, ' ').trim() }));
}

function expectSameValue(vb: Varbind, theirs: ToolRow): void {
  const mine = formatLikeNetSnmp(vb);
  // Counters and uptime moved between the two walks (the walks themselves are traffic on lo).
  const moving = /^(Counter32|Counter64): (\d+)$/.exec(theirs.text) ?? (vb.type === 'TimeTicks' ? [theirs.text, 'TimeTicks', theirs.text] : null);
  if (moving) {
    const [, kind, value] = moving;
    expect(`${vb.oid} ${vb.type === 'TimeTicks' ? 'TimeTicks' : kind}`).toBe(`${theirs.oid} ${kind}`);
    expect(BigInt(String(vb.value)) >= BigInt(value!)).toBe(true);
  } else {
    expect(`${vb.oid} = ${mine}`).toBe(`${theirs.oid} = ${theirs.text}`);
  }
}

function formatLikeNetSnmp(vb: Varbind): string {
  switch (vb.type) {
    case 'Integer': return `INTEGER: ${vb.value}`;
    case 'OctetString': {
      const b = vb.value as Buffer;
      return b.length === 0 ? '""' : `Hex-STRING: ${[...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`;
    }
    case 'OID': return `OID: .${vb.value}`;
    case 'Counter32': return `Counter32: ${vb.value}`;
    case 'Counter64': return `Counter64: ${vb.value}`;
    case 'Gauge32': return `Gauge32: ${vb.value}`;
    case 'TimeTicks': return `${vb.value}`;
    case 'IpAddress': return `IpAddress: ${vb.value}`;
    default: return `${vb.type}: ${String(vb.value)}`;
  }
}
