import { SnmpError, isSnmpError } from '../session/snmp-error';
import type { SnmpSession } from '../session/snmp-session';
import { compareOids, isException, oidInSubtree, type Varbind } from '../session/varbind';

/**
 * What we learned about an agent's bulk handling; kept per device by the caller so the next
 * walk starts where the last one ended (an agent that answered tooBig at 25 repetitions
 * starts at 12 next time; one that garbled GETBULK is walked with GETNEXT until restart).
 */
export interface WalkCapabilities {
  maxRepetitions?: number;
  bulkBroken?: boolean;
  /** Why bulk was given up, for the poll status. */
  bulkBrokenReason?: string;
  /** When the last downgrade happened (epoch ms): callers retry full bulk after a while. */
  downgradedAt?: number;
}

/**
 * Forgets downgrades older than `retryAfterMs`: one garbled datagram or a tooBig during a
 * busy moment must not cost GETNEXT walks forever.
 */
export function expireDowngrades(caps: WalkCapabilities, now: number, retryAfterMs: number): void {
  if (caps.downgradedAt !== undefined && now - caps.downgradedAt >= retryAfterMs) {
    delete caps.bulkBroken;
    delete caps.bulkBrokenReason;
    delete caps.maxRepetitions;
    delete caps.downgradedAt;
  }
}

export interface WalkOptions {
  /** Max-repetitions for a single-column walk (net-snmp's default is 20; snmpbulkwalk's 10). */
  maxRepetitions: number;
  /** Upper bound on varbinds asked per GETBULK: repetitions = budget / columns walked together. */
  varbindBudget: number;
  /** Safety stop against agents that never end a table. */
  maxVarbinds: number;
  capabilities?: WalkCapabilities;
}

export const DEFAULT_WALK_OPTIONS: WalkOptions = { maxRepetitions: 25, varbindBudget: 60, maxVarbinds: 100_000 };

export interface WalkResult {
  /** Varbinds per requested base OID, in OID order, exceptions removed. */
  columns: Varbind[][];
  requests: number;
  varbinds: number;
  /** Set when this walk had to change strategy. */
  fallback?: 'smaller-repetitions' | 'getnext';
}

/** Walks one subtree (snmpwalk / snmpbulkwalk semantics). */
export async function walkSubtree(session: SnmpSession, base: string, options: WalkOptions = DEFAULT_WALK_OPTIONS): Promise<WalkResult> {
  return walkColumns(session, [base], options);
}

/**
 * Walks several subtrees side by side — the columns of a table, one request for all of them
 * (RFC 3416 §4.2.3: GETBULK with N repeaters returns N varbinds per repetition). SNMPv1 and
 * agents that answer bulk badly are walked with GETNEXT, still all columns per request.
 *
 * Fallbacks: tooBig → halve repetitions (down to GETNEXT); undecodable or out-of-order bulk
 * answers → GETNEXT. A GETNEXT answer that does not advance is an error (it would loop).
 *
 * `from` (optional, one per base): start after this OID inside the base's subtree instead of at
 * the base, so a caller that knows the rows it already has reads only the ones after them
 * (RMON history buckets after the last sample index).
 */
export async function walkColumns(session: SnmpSession, bases: readonly string[], options: WalkOptions = DEFAULT_WALK_OPTIONS, from?: readonly string[]): Promise<WalkResult> {
  const read = { varbinds: 0 };
  try {
    return await walkColumnsCounted(session, bases, options, read, from);
  } catch (err) {
    // the values read before the walk failed were received and are lost with it: the caller
    // counts them (collector contract, libs/collector README), so the error says how many
    if (err instanceof SnmpError && read.varbinds > 0) err.context['varbinds'] = read.varbinds;
    throw err;
  }
}

/** The varbinds a failed walk had read (0 when none, or not a walk error). */
export function varbindsReadBefore(err: unknown): number {
  const n = err instanceof SnmpError ? err.context['varbinds'] : undefined;
  return typeof n === 'number' ? n : 0;
}

async function walkColumnsCounted(session: SnmpSession, bases: readonly string[], options: WalkOptions, read: { varbinds: number }, from: readonly string[] | undefined): Promise<WalkResult> {
  const caps = options.capabilities ?? {};
  const columns: Varbind[][] = bases.map(() => []);
  const cursors = bases.map((b, i) => from?.[i] ?? b);
  let active = bases.map((_, i) => i);
  let requests = 0;
  let varbinds = 0;
  let fallback: WalkResult['fallback'];
  const useBulk = (): boolean => session.version !== 'v1' && !caps.bulkBroken;

  while (active.length > 0) {
    const oids = active.map((i) => cursors[i] as string);
    let answers: Varbind[][];
    if (useBulk()) {
      const reps = Math.max(1, Math.min(caps.maxRepetitions ?? options.maxRepetitions, Math.floor(options.varbindBudget / active.length)));
      try {
        requests++;
        answers = await session.getBulk(oids, 0, reps);
      } catch (err) {
        if (isSnmpError(err, 'too-big')) {
          fallback = 'smaller-repetitions';
          if (reps > 1) {
            caps.maxRepetitions = Math.floor(reps / 2);
            caps.downgradedAt = Date.now();
          } else giveUpBulk(caps, 'tooBig at max-repetitions 1');
          continue;
        }
        if (isSnmpError(err, 'malformed-response') || isSnmpError(err, 'out-of-order')) {
          fallback = 'getnext';
          giveUpBulk(caps, err.reason);
          continue;
        }
        throw err;
      }
    } else {
      try {
        requests++;
        answers = (await session.getNext(oids)).map((vb) => [vb]);
      } catch (err) {
        // SNMPv1 ends a walk with noSuchName (RFC 1157 §4.1.3); net-snmp names the OID.
        if (isSnmpError(err, 'no-such-name')) {
          const done = noSuchNameColumn(err, active, cursors);
          active = active.filter((i) => i !== done);
          continue;
        }
        throw err;
      }
    }

    const viaBulk = useBulk();
    const stillActive: number[] = [];
    let progressed = false;
    let disordered = false;
    for (let k = 0; k < active.length; k++) {
      const i = active[k] as number;
      if (disordered) {
        stillActive.push(i);
        continue;
      }
      const base = bases[i] as string;
      const out = columns[i] as Varbind[];
      let ended = false;
      for (const vb of answers[k] ?? []) {
        if (isException(vb.type) || !oidInSubtree(base, vb.oid)) {
          ended = true;
          break;
        }
        if (compareOids(vb.oid, cursors[i] as string) <= 0) {
          if (!viaBulk) {
            throw new SnmpError('out-of-order', `device ${session.target.device}: walk of ${base} did not advance: ${vb.oid} after ${cursors[i]}`, session.context(vb.oid, 'GETNEXT'));
          }
          // keep what was in order; walk the rest with GETNEXT
          giveUpBulk(caps, 'out-of-order');
          fallback = 'getnext';
          disordered = true;
          break;
        }
        out.push(vb);
        cursors[i] = vb.oid;
        varbinds++;
        read.varbinds = varbinds;
        progressed = true;
      }
      if (!ended) stillActive.push(i);
    }
    if (!progressed && stillActive.length > 0 && !disordered) {
      // An answer that neither advanced nor ended any column (empty bulk responses): never loop.
      if (!viaBulk) {
        throw new SnmpError('malformed-response', `device ${session.target.device}: empty GETNEXT answer walking ${bases[stillActive[0] as number]}`, session.context(bases[stillActive[0] as number], 'GETNEXT'));
      }
      giveUpBulk(caps, 'empty bulk response');
      fallback = 'getnext';
    }
    if (varbinds > options.maxVarbinds) {
      throw new SnmpError('overloaded', `device ${session.target.device}: walk of ${bases.join(',')} exceeded ${options.maxVarbinds} varbinds`, session.context(bases[0]));
    }
    active = stillActive;
  }
  return { columns, requests, varbinds, ...(fallback ? { fallback } : {}) };
}

function giveUpBulk(caps: WalkCapabilities, reason: string): void {
  caps.bulkBroken = true;
  caps.bulkBrokenReason = reason;
  caps.downgradedAt = Date.now();
}

function noSuchNameColumn(err: SnmpError, active: readonly number[], cursors: readonly string[]): number | undefined {
  const oid = /NoSuchName: ([0-9.]+)/.exec(err.message)?.[1];
  if (oid) {
    const hit = active.find((i) => cursors[i] === oid);
    if (hit !== undefined) return hit;
  }
  // Without an index we cannot tell which column ended: end the first; the others retry.
  return active[0];
}
