import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { formatNlAddress, parseNlIndex } from './rmon2-index';
import { dataSourceIfIndex, type RmonRow } from './rmon-row';

/** RowStatus (RFC 2579), the row states of the RMON2 control tables. */
const ROW_STATUS: Readonly<Record<number, string>> = { 1: 'active', 2: 'notInService', 3: 'notReady', 4: 'createAndGo', 5: 'createAndWait', 6: 'destroy' };

/**
 * Hosts and conversations per control row published as series: the busiest ones only (by
 * octets, in + out for a host), because a busy probe holds tens of thousands and every host
 * would be a series of its own. How many there are is always published (…Entries).
 */
export const NL_TOP = 10;

export interface NlInput {
  hostControl: ReadonlyMap<string, RmonRow>;
  /** nlHostTable rows by index `control.timeMark.localIndex.address` (timeMark 0: time-filter-reader.ts). */
  hosts: ReadonlyMap<string, RmonRow>;
  matrixControl: ReadonlyMap<string, RmonRow>;
  /** nlMatrixSDTable rows by index `control.timeMark.localIndex.source.destination`. */
  matrix: ReadonlyMap<string, RmonRow>;
  /** protocolDirLocalIndex → protocolDirDescr. */
  protocols: ReadonlyMap<string, string>;
}

type Prefix = 'hlHostControl' | 'hlMatrixControl';

function controlSamples(prefix: Prefix, index: string, row: RmonRow | undefined, entries: number, entriesName: string): { labels: Record<string, string>; samples: MetricSample[] } {
  const source = row?.vb(`${prefix}DataSource`)?.value;
  const dataSource = typeof source === 'string' ? source : '';
  const ifIndex = dataSourceIfIndex(dataSource);
  const labels: Record<string, string> = {
    [`${prefix}Index`]: index,
    data_source: dataSource,
    ...(ifIndex !== undefined ? { ifIndex: String(ifIndex) } : {}),
  };
  const samples: MetricSample[] = [{ name: entriesName, labels: { ...labels, owner: row?.text(`${prefix}Owner`) ?? '', status: ROW_STATUS[row?.num(`${prefix}Status`) ?? 0] ?? 'unknown' }, value: entries, unit: '', type: 'gauge' }];
  for (const n of ['NlInserts', 'NlDeletes', 'NlDroppedFrames'] as const) {
    const v = row?.num(`${prefix}${n}`);
    if (v !== undefined) samples.push({ name: `${prefix}${n}`, labels, value: v, unit: '', type: 'counter' });
  }
  return { labels, samples };
}

/** Rows grouped by their control index (the first sub-identifier), parsed; malformed indexes are skipped. */
function byControl(rows: ReadonlyMap<string, RmonRow>, count: 1 | 2): Map<string, Array<{ row: RmonRow; localIndex: number; addresses: number[][] }>> {
  const out = new Map<string, Array<{ row: RmonRow; localIndex: number; addresses: number[][] }>>();
  for (const [index, row] of rows) {
    const parsed = parseNlIndex(index, count);
    if (!parsed) continue;
    const c = String(parsed.control);
    let list = out.get(c);
    if (!list) out.set(c, (list = []));
    list.push({ row, localIndex: parsed.localIndex, addresses: parsed.addresses });
  }
  return out;
}

const octetsOf = (row: RmonRow, names: readonly string[]) => names.reduce((sum, n) => sum + (row.num(n) ?? 0), 0);

/**
 * RMON2 network-layer hosts and conversations (RFC 4502 nlHost and nlMatrix groups): per control
 * row, how many hosts / source→destination pairs the probe holds, its insert, delete and drop
 * counters, and the NL_TOP busiest hosts (nlHostIn/Out Pkts/Octets, OutMacNonUnicastPkts) and
 * conversations (nlMatrixSDPkts/Octets) labelled with protocol and addresses. The values are
 * ZeroBasedCounter32 (counted from the row's creation, a Gauge32): published as read.
 */
export function nlSamples(input: NlInput): MetricSample[] {
  const samples: MetricSample[] = [];
  const protocol = (local: number) => input.protocols.get(String(local)) ?? String(local);

  const hosts = byControl(input.hosts, 1);
  for (const c of new Set([...input.hostControl.keys(), ...hosts.keys()])) {
    const rows = hosts.get(c) ?? [];
    const control = controlSamples('hlHostControl', c, input.hostControl.get(c), rows.length, 'nlHostEntries');
    samples.push(...control.samples);
    const top = [...rows].sort((a, b) => octetsOf(b.row, ['nlHostInOctets', 'nlHostOutOctets']) - octetsOf(a.row, ['nlHostInOctets', 'nlHostOutOctets'])).slice(0, NL_TOP);
    for (const h of top) {
      const labels = { ...control.labels, protocol: protocol(h.localIndex), address: formatNlAddress(h.addresses[0] ?? []) };
      for (const n of ['nlHostInPkts', 'nlHostOutPkts', 'nlHostInOctets', 'nlHostOutOctets', 'nlHostOutMacNonUnicastPkts'] as const) {
        const v = h.row.num(n);
        if (v !== undefined) samples.push({ name: n, labels, value: v, unit: n.endsWith('Octets') ? 'By' : '', type: 'gauge' });
      }
    }
  }

  const pairs = byControl(input.matrix, 2);
  for (const c of new Set([...input.matrixControl.keys(), ...pairs.keys()])) {
    const rows = pairs.get(c) ?? [];
    const control = controlSamples('hlMatrixControl', c, input.matrixControl.get(c), rows.length, 'nlMatrixSDEntries');
    samples.push(...control.samples);
    const top = [...rows].sort((a, b) => octetsOf(b.row, ['nlMatrixSDOctets']) - octetsOf(a.row, ['nlMatrixSDOctets'])).slice(0, NL_TOP);
    for (const p of top) {
      const labels = { ...control.labels, protocol: protocol(p.localIndex), source: formatNlAddress(p.addresses[0] ?? []), destination: formatNlAddress(p.addresses[1] ?? []) };
      for (const n of ['nlMatrixSDPkts', 'nlMatrixSDOctets'] as const) {
        const v = p.row.num(n);
        if (v !== undefined) samples.push({ name: n, labels, value: v, unit: n === 'nlMatrixSDOctets' ? 'By' : '', type: 'gauge' });
      }
    }
  }
  return samples;
}
