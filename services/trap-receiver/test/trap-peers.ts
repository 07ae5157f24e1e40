import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian net-snmp 5.9 (scripts/peers.sh install snmp): the auth and priv protocols its tools offer. */
export const NET_SNMP_AUTH = { md5: 'MD5', sha: 'SHA', sha224: 'SHA-224', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;
export const NET_SNMP_PRIV = { des: 'DES', aes: 'AES', aes192b: 'AES-192', aes256b: 'AES-256' } as const;

const stateDir = mkdtempSync(join(tmpdir(), 'sonde-snmptrap-'));

/** Runs snmptrap/snmpinform without MIBs or persistent state from the machine. */
export function netSnmp(tool: 'snmptrap' | 'snmpinform', args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tool,
      ['-M', '/nonexistent', '-m', '', ...args],
      { env: { PATH: process.env.PATH ?? '', SNMP_PERSISTENT_DIR: stateDir, SNMPCONFPATH: stateDir, MIBS: '' }, timeout: 20_000 },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr: String(stderr) }),
    );
  });
}
