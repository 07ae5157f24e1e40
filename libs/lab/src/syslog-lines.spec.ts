import fc from 'fast-check';
import { octetCountedFrame } from './syslog-emitter';
import { bsdTimestamp, escapeSdValue, SYSLOG_DIALECT_NAMES, syslogLine, syslogMix, type SyslogLineInput } from './syslog-lines';

// 2026-03-01T18:46:11.123Z
const AT = Date.UTC(2026, 2, 1, 18, 46, 11, 123);
const base: SyslogLineInput = { nowMs: AT, seq: 42, hostname: 'lab-router-1', address: '127.0.1.1', ifIndex: 2, ifName: 'Gi0/0/1', up: false };

describe('syslog lines', () => {
  it('RFC 5424 with structured data, escaping " \\ and ] in values', () => {
    const l = syslogLine('rfc5424', base);
    expect(l.line).toBe(
      '<187>1 2026-03-01T18:46:11.123Z lab-router-1 linkd 1042 LINK [timeQuality tzKnown="1" isSynced="1"]' +
        '[origin ip="127.0.1.1" software="sonde-lab"][sondeLab@32473 ifIndex="2" note="port \\"Gi0/0/1\\" [lab\\] \\\\ 42"]' +
        '[meta sequenceId="42"] Interface Gi0/0/1 changed state to down',
    );
    expect([l.facility, l.severity, l.appName]).toEqual([23, 3, 'linkd']);
  });

  it('RFC 3164 with a space-padded day and no year', () => {
    expect(syslogLine('rfc3164', { ...base, up: true }).line).toBe('<29>Mar  1 18:46:11 lab-router-1 netd[2042]: link Gi0/0/1 is up');
  });

  it('Cisco IOS, unsynchronised clock and origin-id hostname forms', () => {
    expect(syslogLine('cisco-ios', base).line).toBe(
      '<187>42: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface Gi0/0/1, changed state to down',
    );
    const synced = syslogLine('cisco-ios', { ...base, seq: 43, up: true });
    expect(synced.line).toBe('<187>43: lab-router-1: Mar  1 18:46:11.123 UTC: %LINK-3-UPDOWN: Interface Gi0/0/1, changed state to up');
    expect(synced.fields).toEqual({ facility: 'LINK', mnemonic: 'UPDOWN', severity: '3', sequence: '43' });
  });

  it('Juniper and Fortinet', () => {
    expect(syslogLine('juniper', base).line).toBe(
      '<28>Mar  1 18:46:11 lab-router-1 mib2d[1542]: SNMP_TRAP_LINK_DOWN: ifIndex 2, ifAdminStatus up(1), ifOperStatus down(2), ifName Gi0/0/1',
    );
    const f = syslogLine('fortinet', base);
    expect(f.line.startsWith('<189>date=2026-03-01 time=18:46:11 devname="lab-router-1" ')).toBe(true);
    expect(f.line).toContain(' srcip=127.0.1.1 ');
    expect(f.fields.eventtime).toBe(`${AT}000000`);
  });

  it('mixes every dialect in turn and alternates down/up', () => {
    const lines = Array.from({ length: SYSLOG_DIALECT_NAMES.length * 2 }, (_, n) => syslogMix(n, SYSLOG_DIALECT_NAMES, base));
    expect(lines.slice(0, SYSLOG_DIALECT_NAMES.length).map((l) => l.dialect)).toEqual([...SYSLOG_DIALECT_NAMES]);
    expect(lines[0]!.message).toContain('down');
    expect(lines[SYSLOG_DIALECT_NAMES.length]!.message).toContain('up');
  });

  it('never produces a line with a newline or a bad PRI, whatever the input', () => {
    const input = fc.record({
      nowMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      seq: fc.nat(1e9),
      hostname: fc.stringMatching(/^[a-z0-9.-]{1,40}$/),
      address: fc.ipV4(),
      ifIndex: fc.integer({ min: 1, max: 1 << 20 }),
      ifName: fc.stringMatching(/^[A-Za-z0-9/.:-]{1,20}$/),
      up: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.constantFrom(...SYSLOG_DIALECT_NAMES), input, (dialect, i) => {
        const l = syslogLine(dialect, i);
        expect(l.line).not.toMatch(/[\r\n]/);
        const m = /^<(\d{1,3})>/.exec(l.line);
        expect(Number(m?.[1])).toBe(l.facility * 8 + l.severity);
      }),
    );
  });

  it('escapes SD values so that an unescaped ] or " never ends them', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const e = escapeSdValue(s);
        expect(e.replace(/\\[\\"\]]/g, '')).not.toMatch(/["\]\\]/);
      }),
    );
  });

  it('frames TCP messages with their length in octets (RFC 6587 §3.4.1)', () => {
    expect(octetCountedFrame('<13>hé').toString('utf8')).toBe('7 <13>hé');
    expect(bsdTimestamp(Date.UTC(2026, 10, 25, 2, 5, 9))).toBe('Nov 25 02:05:09');
  });
});
