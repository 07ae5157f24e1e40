import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { GroupOutput } from '@sonde/snmp/poll/device-poller';
import { indexDiff } from './index-diff';
import { entryStatusName, type RmonRow } from './rmon-row';

/** alarmSampleType (RFC 2819 §5). */
const SAMPLE_TYPE: Readonly<Record<number, string>> = { 1: 'absoluteValue', 2: 'deltaValue' };
/** alarmStartupAlarm. */
const STARTUP: Readonly<Record<number, string>> = { 1: 'risingAlarm', 2: 'fallingAlarm', 3: 'risingOrFallingAlarm' };
/** eventType. */
const EVENT_TYPE: Readonly<Record<number, string>> = { 1: 'none', 2: 'log', 3: 'snmptrap', 4: 'logandtrap' };

export interface AlarmInput {
  alarms: ReadonlyMap<string, RmonRow>;
  events: ReadonlyMap<string, RmonRow>;
  /** logTable rows by `logEventIndex.logIndex`. */
  log: ReadonlyMap<string, RmonRow>;
  /** Last logIndex published per eventIndex. */
  last: Readonly<Record<string, number>>;
  wallOf: (ticks: number) => number;
  ts: number;
  /** The probe's sysUpTime this cycle (TimeTicks), when read. */
  sysUpTime?: number;
  /** Name an OID (alarmVariable) for the label; numeric when unknown. */
  nameOf: (oid: string) => string;
}

export interface AlarmOutput {
  groups: GroupOutput[];
  last: Record<string, number>;
  newLogEntries: number;
  lostLogEntries: number;
}

/**
 * The probe's own watch list and what it raised (RFC 2819 §5 alarm and event groups): every
 * alarm row as samples (current value, thresholds — so users see what the probe watches),
 * every event row, and each logTable entry new since the last poll as its own `logTable` group
 * stamped with its logTime (logIndex per event diffed like history buckets).
 */
export function alarmSamples(input: AlarmInput): AlarmOutput {
  const groups: GroupOutput[] = [];
  const alarms: MetricSample[] = [];
  const eventDescr = new Map<string, string>();
  for (const [index, row] of input.alarms) {
    const variable = row.vb('alarmVariable');
    const oid = typeof variable?.value === 'string' ? variable.value : '';
    const labels: Record<string, string> = {
      alarmIndex: index,
      variable: oid,
      variable_name: oid ? input.nameOf(oid) : '',
      sample_type: SAMPLE_TYPE[row.num('alarmSampleType') ?? 0] ?? 'unknown',
      startup: STARTUP[row.num('alarmStartupAlarm') ?? 0] ?? 'unknown',
      rising_event: String(row.num('alarmRisingEventIndex') ?? 0),
      falling_event: String(row.num('alarmFallingEventIndex') ?? 0),
      owner: row.text('alarmOwner') ?? '',
      status: entryStatusName(row.num('alarmStatus')),
    };
    const push = (name: string, value: number | undefined, unit = '') => {
      if (value !== undefined) alarms.push({ name, labels, value, unit, type: 'gauge' });
    };
    push('alarmValue', row.num('alarmValue'));
    push('alarmRisingThreshold', row.num('alarmRisingThreshold'));
    push('alarmFallingThreshold', row.num('alarmFallingThreshold'));
    push('alarmInterval', row.num('alarmInterval'), 's');
  }
  if (alarms.length > 0) groups.push({ group: 'alarmTable', samples: alarms });

  const events: MetricSample[] = [];
  for (const [index, row] of input.events) {
    const description = row.text('eventDescription') ?? '';
    eventDescr.set(index, description);
    const labels = { eventIndex: index, description, type: EVENT_TYPE[row.num('eventType') ?? 0] ?? 'unknown', owner: row.text('eventOwner') ?? '', status: entryStatusName(row.num('eventStatus')) };
    const sent = row.num('eventLastTimeSent');
    // sysUpTime of the last time the event fired (0 = never): as wall time, in seconds since the
    // epoch. A TimeStamp later than the probe's sysUpTime is no time at all (net-snmp's Rmon
    // module answers uninitialized memory for an event that never fired): 0, and said so.
    const beyond = sent !== undefined && input.sysUpTime !== undefined && sent > input.sysUpTime;
    events.push({
      name: 'eventLastTimeSent',
      labels: beyond ? { ...labels, detail: 'beyond sysUpTime' } : labels,
      value: sent && !beyond ? Math.round(input.wallOf(sent) / 1000) : 0,
      unit: 's',
      type: 'gauge',
    });
  }
  if (events.length > 0) groups.push({ group: 'eventTable', samples: events });

  const byEvent = new Map<string, Map<number, RmonRow>>();
  for (const [index, row] of input.log) {
    const [e, l] = index.split('.');
    const n = Number(l);
    if (e === undefined || !Number.isInteger(n)) continue;
    let m = byEvent.get(e);
    if (!m) byEvent.set(e, (m = new Map()));
    m.set(n, row);
  }
  const last: Record<string, number> = { ...input.last };
  let newLogEntries = 0;
  let lostLogEntries = 0;
  for (const [e, entries] of byEvent) {
    const diff = indexDiff([...entries.keys()], input.last[e]);
    if (diff.last !== undefined) last[e] = diff.last;
    for (const r of diff.lost) lostLogEntries += r.last - r.first + 1;
    for (const n of diff.fresh) {
      const row = entries.get(n) as RmonRow;
      const time = row.num('logTime');
      newLogEntries++;
      groups.push({
        group: 'logTable',
        ts: time === undefined ? input.ts : input.wallOf(time),
        samples: [{
          name: 'logEntry',
          labels: { eventIndex: e, logIndex: String(n), description: row.text('logDescription') ?? '', event_description: eventDescr.get(e) ?? '' },
          value: 1,
          unit: '',
          type: 'status',
        }],
      });
    }
  }
  return { groups, last, newLogEntries, lostLogEntries };
}
