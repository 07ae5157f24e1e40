import fc from 'fast-check';
import { syslogMessagePayloadSchema } from '@sonde/events/payloads/syslog-message';
import { parseSyslog } from './parse-syslog';
import { parseStructuredData } from './rfc5424';
import { SYSLOG_DIALECTS, SYSLOG_DIALECT_NAMES } from './syslog-dialects';
import { parsePriority } from './syslog-priority';
import { MONTHS, resolveWallClock, wallClockToEpoch, zoneOffsetMs } from './syslog-time';
import { utf8TruncationPoint } from './syslog-text';

const receivedAt = Date.UTC(2026, 10, 25, 10, 0, 5);
const ctx = { receivedAt, zone: 'UTC' };
const payloadOf = (p: ReturnType<typeof parseSyslog>) =>
  syslogMessagePayloadSchema.parse({ ...p, transport: 'udp', source: { address: '192.0.2.1', port: 514 }, truncated: false });

/** Text that looks like syslog often enough to reach deep into every dialect. */
const syslogish = fc
  .array(
    fc.oneof(
      fc.constantFrom('<13>', '<189>', '<0>', '<191>', '<999>', '1 ', '- ', '[', ']', '="', '\\"', '"', ' ', ': ', '%SYS-5-CONFIG_I: ', '*', '.',
        'Nov 25 ', 'Feb 29 ', '2026 ', '10:00:00', '.123', ' UTC', 'host ', 'app[12]: ', 'UI_COMMIT: ', 'devid=', 'logid="1" ', 'date=2026-11-25 ',
        'time=10:00:00 ', 'eventtime=1795600740123456789 ', '1,2026/11/25 10:00:00,0072,TRAFFIC,end,', '2026-11-25T10:00:00.5+01:00 ', '\uFEFF', '__proto__'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

describe('parseSyslog', () => {
  it('never throws on any byte string and always yields a valid payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...SYSLOG_DIALECT_NAMES), (bytes, dialect) => {
        payloadOf(parseSyslog(bytes, { ...ctx, dialect }));
      }),
      { numRuns: 5000 },
    );
  });

  it('no dialect throws on syslog-like text (checked without the safety net of parseSyslog)', () => {
    fc.assert(
      fc.property(syslogish, (text) => {
        const { pri, end } = parsePriority(text);
        for (const dialect of Object.values(SYSLOG_DIALECTS)) {
          const parsed = dialect.parse(text.slice(end), pri, ctx);
          if (parsed) payloadOf(parsed);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes PRI into facility and severity for every value 0..191 (RFC 5424 §6.2.1)', () => {
    for (let pri = 0; pri <= 191; pri++) {
      const p = parseSyslog(Buffer.from(`<${pri}>1 - - - - - -`), { ...ctx, dialect: 'auto' });
      expect([p.facility, p.severity]).toEqual([Math.floor(pri / 8), pri % 8]);
    }
  });

  it('round-trips any structured data through the RFC 5424 escapes', () => {
    const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /^[!#-<>-\\^-~]+$/.test(s) && s !== '__proto__');
    const sdArb = fc.dictionary(name, fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 4 }), { minKeys: 1, maxKeys: 3 });
    fc.assert(
      fc.property(sdArb, (sd) => {
        const text = Object.entries(sd)
          .map(([id, params]) => `[${id}${Object.entries(params).map(([k, v]) => ` ${k}="${v.replace(/[\\"\]]/g, (c) => `\\${c}`)}"`).join('')}]`)
          .join('');
        expect(parseStructuredData(text, 0)).toEqual({ sd, next: text.length });
      }),
    );
  });

  it('flags bytes that are not UTF-8 and keeps the valid characters', () => {
    const p = parseSyslog(Buffer.from([...Buffer.from('<13>Nov 25 10:00:00 h app: caf'), 0xe9, ...Buffer.from(' ok')]), { ...ctx, dialect: 'auto' });
    expect(p.message).toBe('caf\uFFFD ok');
    expect(p.fields.invalidUtf8).toBe('true');
  });

  it('a pinned dialect that does not match falls back to auto-detection', () => {
    const p = parseSyslog(Buffer.from('<13>1 2026-11-25T10:00:00Z h app - - - hi'), { ...ctx, dialect: 'fortinet' });
    expect(p.format).toBe('rfc5424');
  });
});

describe('year and zone resolution (syslog-time.ts)', () => {
  const monthName = Object.keys(MONTHS);
  it('a year-less time up to 24 h ahead or ~11 months behind the receive time resolves to itself', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
        fc.integer({ min: -330 * 86400, max: 86400 }),
        fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', '+05:30'),
        (recv, deltaS, zone) => {
          const ts = recv - (recv % 1000) + deltaS * 1000;
          const local = new Date(ts + zoneOffsetMs(zone, ts));
          const resolved = resolveWallClock(
            { month: local.getUTCMonth(), day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(), ms: 0 },
            zone,
            recv,
          );
          // DST overlaps make one wall-clock hour ambiguous; only there may the answer differ by that hour
          expect(resolved === ts || Math.abs((resolved ?? 0) - ts) === 3600000).toBe(true);
          expect(monthName[local.getUTCMonth()]).toBeDefined();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rejects dates that do not exist', () => {
    expect(wallClockToEpoch({ year: 2027, month: 1, day: 29, hour: 0, minute: 0, second: 0, ms: 0 }, 'UTC')).toBeUndefined();
  });

  it('truncation never splits a UTF-8 character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(200), (s, max) => {
        const bytes = Buffer.from(s);
        const cut = utf8TruncationPoint(bytes, max);
        expect(cut).toBeLessThanOrEqual(Math.max(max, 0));
        expect(Buffer.from(bytes.subarray(0, cut).toString()).equals(bytes.subarray(0, cut))).toBe(true);
      }),
    );
  });
});
