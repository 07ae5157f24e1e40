import { SondeError } from '@sonde/events/sonde-error';
import { ProfileSelector } from './profile-selector';
import { snmpPollerConfigSchema } from './snmp-poller.config';

describe('ProfileSelector', () => {
  const config = snmpPollerConfigSchema.parse({
    groups: [{ name: 'cisco-cpu', scalars: [{ oid: '1.3.6.1.4.1.9.9.109.1.1.1.1.8.1', name: 'cpmCPUTotal5minRev', unit: '%' }] }],
    profiles: [
      { name: 'cisco', sysObjectIdPrefixes: ['1.3.6.1.4.1.9'], groups: ['system', 'interfaces', 'cisco-cpu'] },
      { name: 'cisco-asr', sysObjectIdPrefixes: ['1.3.6.1.4.1.9.1.2068'], groups: ['system'] },
    ],
  });
  const selector = new ProfileSelector(config);

  it('picks the longest matching sysObjectID prefix, else the default profile', () => {
    expect(selector.select('1.3.6.1.4.1.9.1.2068').name).toBe('cisco-asr');
    expect(selector.select('1.3.6.1.4.1.9.1.1').name).toBe('cisco');
    expect(selector.select('1.3.6.1.4.1.99').name).toBe('default');
    expect(selector.select('1.3.6.1.4.1.2636.1').name).toBe('default');
    expect(selector.select(undefined).groups.map((g) => g.name)).toEqual(['system', 'interfaces', 'host-resources', 'host-cpu', 'host-storage']);
  });

  it('names the profile and the unknown group at boot', () => {
    const bad = snmpPollerConfigSchema.parse({ profiles: [{ name: 'x', groups: ['nope'] }] });
    expect(() => new ProfileSelector(bad)).toThrow(SondeError);
    expect(() => new ProfileSelector(bad)).toThrow('snmpPoller.profiles[0].groups: unknown metric group "nope"');
  });

  it('an empty section is valid (every field has a default)', () => {
    expect(snmpPollerConfigSchema.parse({}).intervalMs).toBe(60_000);
    expect(snmpPollerConfigSchema.parse(undefined).sockets.shared).toBe(4);
  });
});
