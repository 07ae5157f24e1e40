import { labConfigSchema } from './lab.config';
import { labAddresses } from './lab-network';

describe('lab config', () => {
  it('has a default for every field: an empty section is valid', () => {
    const c = labConfigSchema.parse({});
    expect(c).toMatchObject({ enabled: true, devices: 3, interfaces: 4, profiles: ['router', 'switch'], community: 'public' });
    expect(c.counterOffset).toBe(0n);
    expect(c.rates.inOctetsPerSec).toBe(125_000);
    expect(c.users.map((u) => u.name)).toEqual(['lab-authpriv', 'lab-sha256', 'lab-authnopriv', 'lab-noauth']);
    expect(c.traps).toMatchObject({ enabled: false, version: 'v2c' });
    expect(c.syslog).toMatchObject({ enabled: false, transport: 'udp', framing: 'octet-counting' });
  });

  it('takes a counter offset beyond 2^53 as a string', () => {
    expect(labConfigSchema.parse({ counterOffset: '18446744073709551000' }).counterOffset).toBe(18446744073709551000n);
    expect(labConfigSchema.safeParse({ counterOffset: '18446744073709551616' }).success).toBe(false);
  });

  it('accepts an already parsed config (Lab.start takes either)', () => {
    const once = labConfigSchema.parse({ counterOffset: '4294967000', devices: 2 });
    expect(labConfigSchema.parse(once)).toEqual(once);
  });

  it('names the offending field', () => {
    const r = labConfigSchema.safeParse({ users: [{ name: 'u', level: 'authPriv', authProtocol: 'sha', authKey: 'short' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('users.0.authKey');
    const f = labConfigSchema.safeParse({ faults: { 'lab-router-1': { noSuchObject: ['not an oid'] } } });
    expect(f.error?.issues[0]?.path.join('.')).toBe('faults.lab-router-1.noSuchObject.0');
    expect(labConfigSchema.safeParse({ profiles: ['mainframe'] }).success).toBe(false);
  });
});

describe('lab addresses', () => {
  it('puts every device on the host, or each on its own loopback address skipping .0 and .255', () => {
    expect(labAddresses(2, { host: '127.0.0.1', distinctAddresses: false, firstAddress: '127.0.1.1' })).toEqual(['127.0.0.1', '127.0.0.1']);
    const a = labAddresses(300, { host: '127.0.0.1', distinctAddresses: true, firstAddress: '127.0.1.1' });
    expect(a.slice(0, 2)).toEqual(['127.0.1.1', '127.0.1.2']);
    expect(a[254]).toBe('127.0.2.1');
    expect(new Set(a).size).toBe(300);
  });

  it('refuses to leave 127/8', () => {
    expect(() => labAddresses(1, { host: '127.0.0.1', distinctAddresses: true, firstAddress: '10.0.0.1' })).toThrow('lab.firstAddress');
    expect(() => labAddresses(5, { host: '127.0.0.1', distinctAddresses: true, firstAddress: '127.255.255.253' })).toThrow('run past');
  });
});
