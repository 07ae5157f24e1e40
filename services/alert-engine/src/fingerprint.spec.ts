import fc from 'fast-check';
import { fingerprint } from './fingerprint';

/** The first implementation (ADR 0003), kept as the reference: the hand-written one must agree. */
function reference(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  const feed = (code: number) => {
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193);
  };
  for (const name of names) {
    for (let i = 0; i < name.length; i++) feed(name.charCodeAt(i));
    feed(0);
    const value = labels[name] ?? '';
    for (let i = 0; i < value.length; i++) feed(value.charCodeAt(i));
    feed(1);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

describe('fingerprint', () => {
  it('is the ADR 0003 hash of the sorted label pairs, whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 16 }), { maxKeys: 8 }), (labels) => {
        const fp = fingerprint(labels);
        expect(fp).toBe(reference(labels));
        expect(fp).toMatch(/^[0-9a-f]{16}$/);
        expect(fingerprint(Object.fromEntries(Object.entries(labels).reverse()))).toBe(fp);
      }),
      { numRuns: 300 },
    );
  });

  it('is stable across releases (a checkpointed or notified fingerprint keeps meaning the same series)', () => {
    // the value the first implementation gave (2026-12-01)
    expect(fingerprint({ alertname: 'DeviceUnreachable', rule: 'device-unreachable', device: 'r1', site: 'lab', severity: 'critical' })).toBe('a6ec242557517e13');
    expect(fingerprint({})).toBe('811c9dc5050c5d1f');
  });
});
