import { SYSLOG_DIALECT_NAMES, syslogLine } from '@sonde/lab/syslog-lines';
import { parseSyslog } from './parse-syslog';

// The lab's simulated devices (libs/lab, used by `sonde up` and the benchmarks) send every dialect
// they know: each line must parse into what the lab says a correct parser extracts. Two naming
// differences are mapped here: the lab lists the RFC 5424 MSGID and the Junos event tag among
// its `fields`, the receiver puts both in the payload's `msgId`; for FortiOS the lab's message is
// the whole key=value text, the receiver's is its `msg` value (all pairs stay in `fields`).
const MSGID_FIELDS = ['msgId', 'event'];
describe('lab syslog dialects parse as the lab expects', () => {
  const nowMs = Date.UTC(2026, 10, 25, 10, 0, 0, 123);
  it.each(SYSLOG_DIALECT_NAMES.flatMap((d) => [[d, true], [d, false]] as const))('%s (link up: %s)', (dialect, up) => {
    const expected = syslogLine(dialect, { nowMs, seq: 42, hostname: 'lab-r1', address: '127.0.0.2', ifIndex: 3, ifName: 'Gi0/3', up });
    const parsed = parseSyslog(Buffer.from(expected.line), { receivedAt: nowMs + 50, zone: 'UTC', dialect: 'auto' });
    expect({ facility: parsed.facility, severity: parsed.severity }).toEqual({ facility: expected.facility, severity: expected.severity });
    if (dialect === 'fortinet') expect(parsed.message).toBe(expected.fields.msg ?? expected.message);
    else expect(parsed.message).toBe(expected.message);
    if (expected.hostname !== undefined) expect(parsed.hostname).toBe(expected.hostname);
    if (expected.appName !== undefined) expect(parsed.appName).toBe(expected.appName);
    const fields = { ...expected.fields };
    for (const k of MSGID_FIELDS) {
      if (fields[k] === undefined) continue;
      expect(parsed.msgId).toBe(fields[k]);
      delete fields[k];
    }
    expect(parsed.fields).toMatchObject(fields);
    expect(Math.abs(parsed.ts - nowMs)).toBeLessThan(1000);
  });
});
