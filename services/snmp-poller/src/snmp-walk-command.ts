import type { Inventory } from '@sonde/inventory/inventory';
import type { SnmpCredential, SnmpTarget } from '@sonde/snmp/session/snmp-credential';
import { SnmpError } from '@sonde/snmp/session/snmp-error';
import { SnmpSessionPool } from '@sonde/snmp/session/snmp-session-pool';
import type { Varbind } from '@sonde/snmp/session/varbind';
import { walkSubtree } from '@sonde/snmp/walk/table-walk';
import { pollTargets } from '@sonde/snmp/poll/poll-targets';
import type { SnmpPollerConfig } from './snmp-poller.config';

/** What `sonde walk` prints per varbind. */
export interface WalkRow {
  oid: string;
  /** `IF-MIB::ifInOctets.3` with the dictionary, else the numeric OID */
  name: string;
  /** SMI type as on the wire: Counter64, OctetString, … */
  type: string;
  /** Operator rendering: `up(1)`, `00:1a:2b:…`, text, number */
  value: string;
}

/**
 * The part of libs/snmp/src/mib/oid-dictionary.ts `OidDictionary` the walk uses; the CLI
 * passes the loaded dictionary, so OIDs print as names. Without it, numeric OIDs.
 */
export interface WalkDictionary {
  translate(oid: string): { name: string; node?: unknown };
  formatValue(node: never, value: unknown): string | undefined;
}

export interface SnmpWalkRequest {
  /** A device id or address from the inventory, or any address (then `credential` is needed). */
  target: string;
  /** Subtree to walk; default mib-2 (1.3.6.1.2.1), like snmpwalk. */
  oid?: string;
  inventory?: Pick<Inventory, 'devicesAt' | 'snmpCredential' | 'byId' | 'byAddress'>;
  config: SnmpPollerConfig;
  /** For an address outside the inventory; default v2c community `public`. */
  credential?: SnmpCredential;
  port?: number;
  dictionary?: WalkDictionary;
}

/** `sonde walk <device|address> [oid]`: walks a subtree and returns printable rows. */
export async function snmpWalk(req: SnmpWalkRequest): Promise<WalkRow[]> {
  const target = walkTarget(req);
  const pool = new SnmpSessionPool({
    sharedSockets: 1, recvBufferBytes: 1 << 20, maxOpenSessions: 1, perDeviceConcurrency: 1, overallConcurrency: 1,
  });
  try {
    const session = await pool.session(target);
    const base = (req.oid ?? '1.3.6.1.2.1').replace(/^\./, '');
    const result = await walkSubtree(session, base, {
      maxRepetitions: req.config.maxRepetitions, varbindBudget: req.config.bulkVarbindBudget, maxVarbinds: req.config.maxVarbindsPerWalk,
    });
    let rows = (result.columns[0] ?? []).map((vb) => walkRow(vb, req.dictionary));
    if (rows.length === 0) {
      // snmpwalk does the same: a scalar instance (sysName.0) is not a subtree, GET it instead
      const [vb] = await session.get([base]);
      if (vb && vb.type !== 'NoSuchObject' && vb.type !== 'NoSuchInstance') rows = [walkRow(vb, req.dictionary)];
    }
    return rows;
  } finally {
    await pool.close();
  }
}

function walkTarget(req: SnmpWalkRequest): SnmpTarget {
  const inv = req.inventory;
  const device = inv?.byId(req.target) ?? inv?.byAddress(req.target);
  if (device && inv && !req.credential) {
    const t = pollTargets({ devicesAt: () => [device], snmpCredential: (d) => inv.snmpCredential(d) }, req.config, (id, message) => {
      throw new SnmpError('bad-credential', `device ${id}: ${message}`, { device: id });
    })[0];
    if (!t) throw new SnmpError('bad-credential', `device ${device.id} has no snmp settings to walk with`, { device: device.id });
    return req.port ? { ...t.snmp, port: req.port } : t.snmp;
  }
  return {
    device: req.target,
    address: req.target,
    port: req.port ?? 161,
    credential: req.credential ?? { version: 'v2c', community: 'public' },
    timeoutMs: req.config.timeoutMs,
    retries: req.config.retries,
    backoff: req.config.backoff,
  };
}

export function walkRow(vb: Varbind, dictionary?: WalkDictionary): WalkRow {
  const t = dictionary?.translate(vb.oid);
  const shown = t ? dictionary?.formatValue(t.node as never, vb.value) : undefined;
  return { oid: vb.oid, name: t?.name ?? vb.oid, type: vb.type, value: shown ?? plainValue(vb) };
}

function plainValue(vb: Varbind): string {
  const v = vb.value;
  if (Buffer.isBuffer(v)) {
    for (const b of v) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b > 0x7e) return v.toString('hex').replace(/(..)(?!$)/g, '$1:');
    return v.toString('latin1');
  }
  return v === null ? '' : String(v);
}
