import { parseServiceArgs } from './service-args';

describe('parseServiceArgs', () => {
  it.each([
    [[], { help: false }],
    [['--config', 'a.yaml'], { help: false, configFile: 'a.yaml' }],
    [['-c', 'a.yaml', '--help'], { help: true, configFile: 'a.yaml' }],
    [['--config=b.yaml'], { help: false, configFile: 'b.yaml' }],
    [['--config'], { error: '--config needs a file' }],
    [['--verbose'], { error: 'unknown argument "--verbose"' }],
  ])('%j', (argv, expected) => {
    expect(parseServiceArgs(argv)).toEqual(expected);
  });
});
