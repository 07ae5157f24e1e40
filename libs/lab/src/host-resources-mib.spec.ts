import fc from 'fast-check';
import { processorLoad, storageUnits, storageUsedFraction } from './host-resources-mib';
import { labTestDevice } from './lab-test-device';

describe('HOST-RESOURCES values', () => {
  it('keeps hrProcessorLoad within 10–60 % and storage use within its band', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(8), fc.integer({ min: 0, max: 4_102_444_800_000 }), (ordinal, cpu, now) => {
        const load = processorLoad(ordinal, cpu, now);
        expect(load).toBeGreaterThanOrEqual(10);
        expect(load).toBeLessThanOrEqual(60);
        const ram = storageUsedFraction(ordinal, 'ram', now);
        expect(ram).toBeGreaterThanOrEqual(0.4);
        expect(ram).toBeLessThanOrEqual(0.7);
      }),
    );
  });

  it('sizes storage in allocation units', () => {
    const d = labTestDevice();
    const ram = storageUnits(d, 1, 0);
    expect(ram.size).toBe(8 * 1024 * 1024);
    expect(ram.used).toBeLessThan(ram.size);
    expect(() => storageUnits(d, 3, 0)).toThrow('hrStorageTable has no row 3');
  });
});
