import fc from 'fast-check';
import { cisco, ciscoVendor } from './cisco';
import { comware, huawei, infoCenterVendor } from './info-center';
import { parseRfc3164Parts } from './rfc3164';
import { autoParse } from './syslog-dialects';

const pri = { facility: 23, severity: 5, present: true };
const ctx = { receivedAt: Date.UTC(2026, 10, 25, 10, 0, 5), zone: 'UTC' };

const upper = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/);
const host = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const text = fc.string({ maxLength: 60 }).filter((s) => !s.includes('\n'));
const two = (n: number) => String(n).padStart(2, '0');
const month = fc.constantFrom('Jan', 'Feb', 'Mar', 'Nov', 'Dec');
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => `${two(h)}:${two(m)}:${two(s)}`);
const day = fc.integer({ min: 1, max: 28 }).map((d) => String(d).padStart(2, ' '));

/** Pieces of every new layout, shuffled: headers, `%%dd`, slashes, flags, years, offsets, Cisco parts. */
const soup = fc
  .array(
    fc.oneof(
      fc.constantFrom('Nov 25 ', '10:00:00', ':524', '+07:00', '-05:30', ' 2026', ' 1234', '2026-11-25 ', '%%', '%%01', '%%10', 'HWCM', '/', '/5/', 'EXIT',
        '(l)', '(t)', '[1]', ':', ': ', ' ', '-DevIP=1.1.1.1; ', '123: ', '*', '.', 'UTC: ', '%SYS-5-CONFIG_I: ', 'router1 ', '1d02h: ', '\u0000', 'é'),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 16 },
  )
  .map((a) => a.join(''));

describe('Huawei VRP / H3C Comware and Cisco-behind-3164 parsers', () => {
  it('never throw, on any text, through every entry point', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 200 })), (body) => {
        for (const parse of [huawei.parse, comware.parse, cisco.parse, autoParse]) parse(body, pri, ctx);
        const parts = parseRfc3164Parts(body, ctx);
        infoCenterVendor.refine(parts, pri, ctx);
        ciscoVendor.refine(parts, pri, ctx);
      }),
      { numRuns: 3000 },
    );
  });

  it('an info-center message keeps its module, severity, mnemonic and host, and the year is never the host', () => {
    fc.assert(
      fc.property(
        month, day, clock, fc.boolean(), host, fc.constantFrom('01', '10'), upper, fc.integer({ min: 0, max: 7 }), upper, fc.constantFrom('', '(l)', '(t)'), fc.constantFrom('', '[7]'), text,
        (mon, d, time, yearAfter, sysname, version, module, level, mnemonic, flag, count, content) => {
          const stamp = yearAfter ? `${mon} ${d} ${time} 2026` : `${mon} ${d} 2026 ${time}`;
          const body = `${stamp} ${sysname} %%${version}${module}/${level}/${mnemonic}${flag}${count}: ${content}`;
          const parsed = autoParse(body, pri, ctx);
          expect(parsed.format).toBe(version === '10' ? 'h3c-comware' : 'huawei-vrp');
          expect(parsed.hostname).toBe(sysname);
          expect(parsed.fields).toMatchObject({ module, severity: String(level), mnemonic });
          expect(parsed.msgId).toBe(`${module}/${level}/${mnemonic}`);
          expect(new Date(parsed.ts).getUTCFullYear()).toBe(2026);
        },
      ),
    );
  });

  it('Cisco behind an RFC 3164 header keeps the mnemonic and never takes the sequence number for the app', () => {
    fc.assert(
      fc.property(month, day, clock, host, fc.integer({ min: 1, max: 999_999 }), upper, fc.integer({ min: 0, max: 7 }), upper, text, (mon, d, time, h, seq, fac, sev, mnemonic, content) => {
        const body = `${mon} ${d} ${time} ${h} ${seq}: ${mon} ${d} ${time}.123 UTC: %${fac}-${sev}-${mnemonic}: ${content}`;
        const parsed = autoParse(body, pri, ctx);
        expect(parsed.appName).toBeUndefined();
        expect(parsed.hostname).toBe(h);
        expect(parsed.fields).toMatchObject({ sequence: String(seq), mnemonic });
        expect(parsed.msgId).toBe(`${fac}-${sev}-${mnemonic}`);
      }),
    );
  });

  it('the fallback parser never takes a plausible year after the time for the host name', () => {
    fc.assert(
      fc.property(month, day, clock, fc.integer({ min: 1970, max: 2099 }), host, (mon, d, time, year, h) => {
        const parsed = autoParse(`${mon} ${d} ${time} ${year} ${h} app: text`, pri, ctx);
        expect(parsed.hostname).toBe(h);
        expect(new Date(parsed.ts).getUTCFullYear()).toBe(year);
      }),
    );
  });
});
