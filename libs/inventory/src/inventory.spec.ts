import { Inventory } from './inventory';
import { InventoryError } from './inventory-error';
import { loadConfig } from './load-config';

const config = loadConfig({
  text: `site: par1
credentials:
  ro: { type: snmp-community, community: { value: public } }
  v3: { type: snmp-usm, user: monitor, authProtocol: sha, authKey: { value: authpass99 } }
  hook: { type: token, token: { value: t0ken } }
devices:
  - { id: r1, name: Router 1, address: 10.0.0.1, snmp: { credential: ro } }
  - { id: r2, address: "2001:db8::2", snmp: { version: v3, credential: v3 } }
  - { id: r1-ams, address: 10.0.0.1, site: ams1 }
  - { id: only-ams, address: 10.0.0.9, site: ams1 }
  - { id: plain, address: 10.0.0.5 }
  - { id: tagged, address: 10.0.0.6, tags: [core, par1-dc] }
`,
  env: {},
});
const inventory = new Inventory(config);

describe('Inventory', () => {
  it('resolves a known source to its device, at our site first', () => {
    expect(inventory.resolveSource('10.0.0.1')).toEqual({ id: 'r1', name: 'Router 1', address: '10.0.0.1' });
    expect(inventory.resolveSource('10.0.0.1', 'ams1')).toEqual({ id: 'r1-ams', address: '10.0.0.1' });
    expect(inventory.resolveSource('10.0.0.9')).toEqual({ id: 'only-ams', address: '10.0.0.9' });
    // the device's tags travel on its events (ADR 0006); a device without tags has no field
    expect(inventory.resolveSource('10.0.0.6')).toEqual({ id: 'tagged', address: '10.0.0.6', tags: ['core', 'par1-dc'] });
  });

  it('matches the spellings sockets use: IPv4-mapped IPv6 and uncompressed IPv6', () => {
    expect(inventory.resolveSource('::ffff:10.0.0.1').id).toBe('r1');
    expect(inventory.resolveSource('2001:DB8:0:0::2').id).toBe('r2');
  });

  it('keeps an unknown source as its address', () => {
    expect(inventory.resolveSource('192.0.2.7')).toEqual({ id: '192.0.2.7', address: '192.0.2.7' });
    expect(inventory.resolveSource('::ffff:192.0.2.7')).toEqual({ id: '192.0.2.7', address: '192.0.2.7' });
  });

  it('looks devices up by id and lists them per site', () => {
    expect(inventory.byId('r2')?.address).toBe('2001:db8::2');
    expect(inventory.byId('nope')).toBeUndefined();
    expect(inventory.devicesAt().map((d) => d.id)).toEqual(['r1', 'r2', 'plain', 'tagged']);
    expect(inventory.devicesAt('ams1').map((d) => d.id)).toEqual(['r1-ams', 'only-ams']);
    expect(inventory.sites()).toEqual(['ams1', 'par1']);
  });

  it("gives a device's SNMP credential by version", () => {
    const r1 = inventory.byId('r1');
    const r2 = inventory.byId('r2');
    if (!r1 || !r2) throw new Error('fixture');
    expect(inventory.snmpCredential(r1).type).toBe('snmp-community');
    expect(inventory.snmpCredential(r2)).toMatchObject({ type: 'snmp-usm', user: 'monitor', securityLevel: 'authNoPriv' });
    expect(inventory.usmUsers().map((u) => u.name)).toEqual(['v3']);
  });

  it('names the credential in lookup errors', () => {
    expect(() => inventory.credentialOfType('nope', 'token')).toThrow(new InventoryError('unknown credential "nope"'));
    expect(() => inventory.credentialOfType('ro', 'token')).toThrow('credential "ro" is snmp-community, expected token');
    expect(inventory.credentialOfType('hook', 'token').token.reveal()).toBe('t0ken');
    const plain = inventory.byId('plain');
    if (!plain) throw new Error('fixture');
    expect(() => inventory.snmpCredential(plain)).toThrow('device "plain" has no snmp settings');
  });
});
