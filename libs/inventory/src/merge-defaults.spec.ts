import { loadConfig } from './load-config';
import { mergeDefaults } from './merge-defaults';

describe('mergeDefaults', () => {
  it('lets the file win key by key and joins only the lists the caller names', () => {
    expect(
      mergeDefaults(
        { bus: { type: 'memory', memory: { queueCapacity: 5 } }, devices: [{ id: 'lab-1' }] },
        { bus: { memory: { queueCapacity: 9 } }, devices: [{ id: 'r1' }], site: 'paris' },
        ['devices'],
      ),
    ).toEqual({ bus: { type: 'memory', memory: { queueCapacity: 9 } }, devices: [{ id: 'lab-1' }, { id: 'r1' }], site: 'paris' });
  });

  it('a list in the file replaces the default list (the trap receiver listens only where the file says)', () => {
    const defaults = { trapReceiver: { listen: [{ address: '127.0.0.1', port: 1162 }], communities: ['lab'] }, devices: [{ id: 'lab-1' }] };
    const file = { trapReceiver: { listen: [{ address: '127.0.0.1', port: 21762 }], communities: ['mine'] }, devices: [{ id: 'r1' }] };
    expect(mergeDefaults(defaults, file)).toEqual(file);
    expect(mergeDefaults(defaults, file, ['trapReceiver.communities'])).toEqual({
      trapReceiver: { listen: [{ address: '127.0.0.1', port: 21762 }], communities: ['lab', 'mine'] },
      devices: [{ id: 'r1' }],
    });
  });

  it('feeds loadConfig: defaults are validated like the file, and duplicate ids across both are errors', () => {
    const defaults = { devices: [{ id: 'lab-1', address: '127.0.1.1' }] };
    const config = loadConfig({ text: 'devices:\n  - id: r1\n    address: 10.0.0.1\n', env: {}, defaults, joinLists: ['devices'] });
    expect(config.devices.map((d) => d.id)).toEqual(['lab-1', 'r1']);
    expect(() => loadConfig({ text: 'devices:\n  - id: lab-1\n    address: 10.0.0.1\n', env: {}, defaults, joinLists: ['devices'] })).toThrow(/lab-1/);
  });
});
