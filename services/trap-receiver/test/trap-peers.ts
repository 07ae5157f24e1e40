import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type AuthProtocol, type PrivProtocol } from '@sonde/inventory/credentials/usm-protocols';

/**
 * Debian net-snmp 5.9 (scripts/peers.sh install snmp): the auth and priv protocols its tools offer,
 * from the one USM table (`netSnmpTool`).
 */
export const NET_SNMP_AUTH = Object.fromEntries(Object.entries(AUTH_PROTOCOLS).map(([k, v]) => [k, v.netSnmpTool])) as Record<AuthProtocol, string>;
export const NET_SNMP_PRIV = Object.fromEntries(
  Object.entries(PRIV_PROTOCOLS).flatMap(([k, v]) => (v.netSnmpTool === undefined ? [] : [[k, v.netSnmpTool]])),
) as Record<PrivProtocol, string>;

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
