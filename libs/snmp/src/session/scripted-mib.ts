import { compareOids, type Varbind } from './varbind';

/**
 * A sorted MIB answering GETNEXT/GETBULK as an agent does, for unit specs that script an
 * SnmpSession around it (table walks, RMON history reads): the code under test decides over
 * what comes back. Specs that want the whole session stack use StubNetSnmpAgent instead.
 */
export class ScriptedMib {
  private readonly varbinds: Varbind[];

  constructor(varbinds: readonly Varbind[]) {
    this.varbinds = [...varbinds].sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** The first varbind after `oid`, or endOfMibView. */
  next(oid: string): Varbind {
    return this.varbinds.find((v) => compareOids(v.oid, oid) > 0) ?? { oid, type: 'EndOfMibView', value: null };
  }

  /** A GETBULK without non-repeaters: up to `reps` successors of each OID, stopping at endOfMibView. */
  bulk(oids: readonly string[], reps: number): Varbind[][] {
    return oids.map((o) => {
      const out: Varbind[] = [];
      let cur = o;
      for (let i = 0; i < reps; i++) {
        const vb = this.next(cur);
        out.push(vb);
        if (vb.type === 'EndOfMibView') break;
        cur = vb.oid;
      }
      return out;
    });
  }
}
