import fc from 'fast-check';
import { EVENT_KINDS } from '@sonde/events/event-kind';
import { arbitraryEvent } from '@sonde/testing/event-arbitraries';
import { sampleEvents } from '../../test/sample-events';
import { EVENT_TABLES, tableForKind } from '../schema/event-tables';
import { batchRows, eventRows } from './event-rows';

/** Column names a row must carry: a Nested column is sent as its `name.field` arrays. */
function expectedColumns(kind: (typeof EVENT_KINDS)[number]): string[] {
  return tableForKind(kind)
    .columns.flatMap((c) => {
      const nested = /^Nested\((.*)\)$/.exec(c.type);
      if (!nested?.[1]) return [c.name];
      return nested[1].split(',').map((f) => `${c.name}.${f.trim().split(' ')[0]}`);
    })
    .sort();
}

describe('event rows', () => {
  it('has one table per event kind', () => {
    expect(EVENT_TABLES.map((t) => t.kind).sort()).toEqual([...EVENT_KINDS].sort());
  });

  it.each(sampleEvents(1_700_000_000_000).map((e) => [e.kind, e] as const))(
    'maps %s to rows carrying exactly its table columns',
    (kind, event) => {
      const { table, rows } = eventRows(event);
      expect(table).toBe(tableForKind(kind).table);
      for (const row of rows) expect(Object.keys(row).sort()).toEqual(expectedColumns(kind));
    },
  );

  it('writes one row per metric sample, with the envelope and the sample index', () => {
    const metric = sampleEvents(1_700_000_000_000)[1];
    const { rows } = eventRows(metric!);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      id: metric!.id, ts: 1_700_000_000_000, device_id: 'router-1', group: 'if', sample_index: 1,
      name: 'ifHCInOctets', labels: { ifName: 'eth1' }, value: 30, unit: 'By', type: 'counter',
    });
  });

  it('keeps the trap varbinds as parallel arrays and leaves the community out', () => {
    const { rows } = eventRows(sampleEvents()[2]!);
    expect(rows[0]).toMatchObject({
      'varbinds.oid': ['1.3.6.1.2.1.2.2.1.8.3', '1.3.6.1.2.1.2.2.1.1.3'],
      'varbinds.name': ['IF-MIB::ifOperStatus.3', ''],
      'varbinds.display': ['down(2)', ''],
    });
    expect(JSON.stringify(rows)).not.toContain('public');
  });

  it('groups a batch per table in first-appearance order, events in batch order', () => {
    const [a, b, c] = [sampleEvents(1)[1]!, sampleEvents(2)[0]!, sampleEvents(3)[1]!];
    const grouped = batchRows([a, b, c]);
    expect(grouped.map((g) => g.table)).toEqual(['snmp_metric', 'icmp_probe']);
    expect(grouped[0]!.rows.map((r) => r.ts)).toEqual([1, 1, 3, 3]);
  });

  it('maps any valid event to rows of its table without throwing', () => {
    fc.assert(
      fc.property(arbitraryEvent(), (event) => {
        const { table, rows } = eventRows(event);
        expect(table).toBe(tableForKind(event.kind).table);
        const samples = 'samples' in event.payload ? event.payload.samples.length : 1;
        expect(rows).toHaveLength(samples);
        for (const row of rows) {
          expect(Object.keys(row).sort()).toEqual(expectedColumns(event.kind));
          // the whole row must survive the JSON the client sends
          expect(() => JSON.stringify(row)).not.toThrow();
          if ('source_port' in row) expect(row.source_port).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
