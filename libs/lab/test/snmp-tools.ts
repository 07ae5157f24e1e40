import { execFile } from 'node:child_process';

/**
 * Net-SNMP's first run on a machine creates its persistent directory (/var/lib/snmp, then
 * cert_indexes) and says so on stderr: `Created directory: /var/lib/snmp/cert_indexes`. That is a
 * notice about the machine, not about the agent under test, so it is removed before a test looks at
 * stderr; anything else the tool prints stays.
 */
export function withoutFirstRunNotice(stderr: string): string {
  return stderr.replace(/^Created directory: .*(?:\n|$)/gm, '');
}

/**
 * Runs one of Debian's Net-SNMP 5.9 tools (snmpget, snmpwalk, snmpbulkwalk) and parses its -On output.
 * `env` overrides the environment (a test gives SNMP_PERSISTENT_DIR to replay a fresh machine).
 */
export function snmpTool(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(tool, ['-On', '-Ot', '-Oe', '-t', '2', '-r', '0', ...args], { env: { ...process.env, MIBS: '', ...env } }, (error, stdout, stderr) => {
      const code = error && typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((error as { code?: unknown }).code) : error ? 1 : 0;
      resolve({ stdout, stderr: withoutFirstRunNotice(stderr), code });
    });
  });
}

export interface WalkedVarbind {
  oid: string;
  type: string;
  value: string;
}

/** `.1.3.6.1.2.1.1.5.0 = STRING: "lab-router-1"` → { oid, type, value } (quotes removed). */
export function parseToolOutput(stdout: string): WalkedVarbind[] {
  const out: WalkedVarbind[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\.([\d.]+) = (?:([\w-]+): )?(.*)$/.exec(line);
    // the tools' own note when a walk reaches the end of the agent's MIB, not a varbind
    if (!m || m[3]?.startsWith('No more variables left')) continue;
    const raw = m[3] ?? '';
    out.push({ oid: m[1] ?? '', type: m[2] ?? '', value: raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw.trim() });
  }
  return out;
}
