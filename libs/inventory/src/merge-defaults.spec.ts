import { loadConfig } from './load-config';
import { mergeDefaults } from './merge-defaults';

describe('mergeDefaults', () => {
  it('lets the file win key by key and joins lists', () => {
    expect(
      mergeDefaults(
        { bus: { type: 'memory', memory: { queueCapacity: 5 } }, devices: [{ id: 'lab-1' }] },
        { bus: { memory: { queueCapacity: 9 } }, devices: [{ id: 'r1' }], site: 'paris' },
      ),
    ).toEqual({ bus: { type: 'memory', memory: { queueCapacity: 9 } }, devices: [{ id: 'lab-1' }, { id: 'r1' }], site: 'paris' });
  });

  it('feeds loadConfig: defaults are validated like the file, and duplicate ids across both are errors', () => {
    const defaults = { devices: [{ id: 'lab-1', address: '127.0.1.1' }] };
    const config = loadConfig({ text: 'devices:\n  - id: r1\n    address: 10.0.0.1\n', env: {}, defaults });
    expect(config.devices.map((d) => d.id)).toEqual(['lab-1', 'r1']);
    expect(() => loadConfig({ text: 'devices:\n  - id: lab-1\n    address: 10.0.0.1\n', env: {}, defaults })).toThrow(/lab-1/);
  });
});
