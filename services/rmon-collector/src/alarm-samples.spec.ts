import type { Varbind } from '@sonde/snmp/session/varbind';
import { alarmSamples, type AlarmInput } from './alarm-samples';
import { RmonRow } from './rmon-row';

const row = (index: string, cells: Record<string, Varbind>) => new RmonRow(index, { index, cells: Object.entries(cells).map(([name, vb]) => ({ name, vb })) });
const int = (value: number): Varbind => ({ oid: '1.3', type: 'Integer', value });
const ticks = (value: number): Varbind => ({ oid: '1.3', type: 'TimeTicks', value });
const text = (value: string): Varbind => ({ oid: '1.3', type: 'OctetString', value });

const TS = Date.UTC(2026, 11, 2, 8, 0, 0);
const UPTIME = 360_000; // one hour
const input = (events: Map<string, RmonRow>, sysUpTime: number | undefined = UPTIME): AlarmInput => ({
  alarms: new Map(),
  events,
  log: new Map(),
  last: {},
  wallOf: (t) => TS - (UPTIME - t) * 10,
  ts: TS,
  ...(sysUpTime !== undefined ? { sysUpTime } : {}),
  nameOf: (oid) => oid,
});

describe('eventTable samples (RFC 2819 eventLastTimeSent, a TimeStamp)', () => {
  const event = (sent: number) => row('2', { eventDescription: text('rising'), eventType: int(2), eventLastTimeSent: ticks(sent), eventOwner: text('sonde'), eventStatus: int(1) });

  it('publishes when the event last fired as wall time, 0 when never', () => {
    const fired = alarmSamples(input(new Map([['2', event(UPTIME - 6000)]]))).groups[0]!.samples[0]!;
    expect(fired).toMatchObject({ name: 'eventLastTimeSent', value: Math.round((TS - 60_000) / 1000) });
    expect(fired.labels.detail).toBeUndefined();
    expect(alarmSamples(input(new Map([['2', event(0)]]))).groups[0]!.samples[0]!.value).toBe(0);
  });

  it('a TimeStamp later than sysUpTime (net-snmp Rmon: uninitialized for a never-fired event) is 0, labelled, never a time in the future', () => {
    const s = alarmSamples(input(new Map([['2', event(548_994_080)]]))).groups[0]!.samples[0]!;
    expect(s.value).toBe(0);
    expect(s.labels.detail).toBe('beyond sysUpTime');
    // without sysUpTime the collector cannot tell: the value as read
    expect(alarmSamples(input(new Map([['2', event(UPTIME - 100)]]), undefined)).groups[0]!.samples[0]!.value).toBe(Math.round((TS - 1000) / 1000));
  });
});
