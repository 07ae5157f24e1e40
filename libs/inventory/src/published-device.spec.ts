import fc from 'fast-check';
import { parsePublishedDevice } from './published-device';

describe('parsePublishedDevice (records of sonde.targets.<site>)', () => {
  it('parses a published entry, sets the site, ignores other services\' device sections', () => {
    expect(parsePublishedDevice({ id: 'r1', address: '10.0.0.1', tags: ['core'], snmp: { version: 'v2c', port: 161, credential: 'lab' }, rmon: { tables: ['etherStats'] } }, 'par1')).toEqual({
      device: { id: 'r1', address: '10.0.0.1', site: 'par1', tags: ['core'], parents: [], snmp: { version: 'v2c', port: 161, credential: 'lab' } },
    });
  });

  it('refuses a bad entry naming the device and the path', () => {
    expect(parsePublishedDevice({ id: 'r2', address: '10.0.0.300' }, 's')).toEqual({ problem: expect.stringMatching(/^device r2: address: /) });
    expect(parsePublishedDevice({ id: 'r3', address: '10.0.0.3', snmp: { credential: 'x', comunity: 'y' } }, 's')).toEqual({ problem: expect.stringMatching(/^device r3: snmp: /) });
    expect(parsePublishedDevice({ id: 'r4', address: '10.0.0.4', site: 'other' }, 's')).toEqual({ problem: 'device r4: site "other" published to the targets topic of site "s"' });
    expect(parsePublishedDevice([1], 's')).toEqual({ problem: 'expected a device entry (a JSON object)' });
  });

  it('never throws on any JSON value (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parsePublishedDevice(v, 's');
        expect('device' in r || 'problem' in r).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
