import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Debian's net-snmp `snmpd` (5.9) as a real peer: started on 127.0.0.1 on a free UDP port
 * with its own config and persistent dir in a temp folder (never the system service).
 * Install it with `scripts/peers.sh install snmpd`.
 */
export interface SnmpdUser {
  name: string;
  /** MD5 | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512 (snmpd spelling); omitted = noAuthNoPriv */
  auth?: string;
  authKey?: string;
  /** DES | AES | AES-256 (snmpd spelling); omitted = authNoPriv */
  priv?: string;
  privKey?: string;
}

export interface SnmpdPeer {
  port: number;
  dir: string;
  community: string;
  /** Stops and starts the same agent (same persistent dir: engineBoots + 1, sysUpTime resets). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const SNMPD = '/usr/sbin/snmpd';

export function snmpdInstalled(binary: string = SNMPD): void {
  if (!existsSync(binary)) {
    throw new Error(binary === SNMPD ? 'snmpd is not installed: run `scripts/peers.sh install snmpd`' : `${binary} is missing: run \`scripts/peers.sh install snmpd_rmon\``);
  }
}

/** net-snmp's snmpd built with its RMON module (agent/mibgroup/Rmon) by `scripts/peers.sh install snmpd_rmon`. */
export function rmonSnmpdBinary(): string {
  return path.join(process.env.SONDE_CACHE_DIR ?? path.join(homedir(), '.cache/sonde'), 'net-snmp-rmon/sbin/snmpd');
}

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startSnmpd(
  options: { community?: string; users?: SnmpdUser[]; extraConfig?: string[]; ipv6?: boolean; /** Another snmpd build (rmonSnmpdBinary()). */ binary?: string } = {},
): Promise<SnmpdPeer> {
  const binary = options.binary ?? SNMPD;
  snmpdInstalled(binary);
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-snmpd-'));
  const community = options.community ?? 'public';
  const port = await freeUdpPort();
  const lines = [
    // with ipv6, the same port on ::1 too (the kernel picked it free on 127.0.0.1 only: rare clash)
    `agentAddress udp:127.0.0.1:${port}${options.ipv6 ? `,udp6:[::1]:${port}` : ''}`,
    `rocommunity ${community} 127.0.0.1`,
    ...(options.ipv6 ? [`rocommunity6 ${community} ::1`] : []),
    'dontLogTCPWrappersConnects yes',
    'sysLocation sonde test rack',
    'sysContact sonde@example.test',
    ...(options.extraConfig ?? []),
  ];
  for (const u of options.users ?? []) {
    const auth = u.auth ? ` ${u.auth} "${u.authKey}"` : '';
    const priv = u.auth && u.priv ? ` ${u.priv} "${u.privKey}"` : '';
    lines.push(`createUser ${u.name}${auth}${priv}`);
    lines.push(`rouser ${u.name} ${u.priv ? 'priv' : u.auth ? 'auth' : 'noauth'}`);
  }
  writeFileSync(path.join(dir, 'snmpd.conf'), lines.join('\n') + '\n');
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    child = spawn(binary, ['-f', '-Lf', path.join(dir, 'snmpd.log'), '-C', '-c', path.join(dir, 'snmpd.conf'), `--persistentDir=${path.join(dir, 'persist')}`, '-p', path.join(dir, 'pid')], {
      // No MIB files needed: the agent serves numeric OIDs; loading Debian's partial MIB set is noise.
      env: { ...process.env, MIBS: '', MIBDIRS: path.join(dir, 'no-mibs') },
      stdio: 'ignore',
    });
    await waitForAgent(port, community, dir);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return; // gone already (also: crashed by a signal)
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    dir,
    community,
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls sysUpTime.0 with a hand-built v2c GET until the agent answers (30 s at most). */
async function waitForAgent(port: number, community: string, dir: string): Promise<void> {
  const request = v2cGetSysUpTime(community);
  const s = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < 300; i++) {
      const answered = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 100);
        s.once('message', () => {
          clearTimeout(t);
          resolve(true);
        });
        s.send(request, port, '127.0.0.1');
      });
      if (answered) return;
    }
  } finally {
    s.close();
  }
  const log = existsSync(path.join(dir, 'snmpd.log')) ? readFileSync(path.join(dir, 'snmpd.log'), 'utf8') : '';
  throw new Error(`snmpd did not answer on 127.0.0.1:${port}: ${log.slice(-2000)}`);
}

function v2cGetSysUpTime(community: string): Buffer {
  const oid = Buffer.from([0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00]);
  const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag, body.length]), body]);
  const varbind = tlv(0x30, Buffer.concat([oid, Buffer.from([0x05, 0x00])]));
  const pdu = tlv(0xa0, Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]), tlv(0x30, varbind)]));
  return tlv(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), tlv(0x04, Buffer.from(community)), pdu]));
}

/** Runs a net-snmp command-line tool (snmpbulkwalk, snmpget…) without MIBs: numeric output. */
export function runSnmpTool(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' }, maxBuffer: 64 * 1024 * 1024 });
}
