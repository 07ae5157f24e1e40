import { buildNotification, NOTIFICATION_NAMES } from './trap-catalog';

describe('lab notifications', () => {
  it('linkDown carries ifIndex, ifAdminStatus and ifOperStatus of the interface (RFC 2863 §6)', () => {
    const n = buildNotification('linkDown', { ifIndex: 3, ifDescr: 'Gi0/0/2' });
    expect(n.trapOid).toBe('1.3.6.1.6.3.1.1.5.3');
    expect(n.v1).toEqual({ enterprise: '1.3.6.1.4.1', generic: 2, specific: 0 });
    expect(n.varbinds).toEqual([
      { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: 3 },
      { oid: '1.3.6.1.2.1.2.2.1.7.3', type: 'Integer', value: 1 },
      { oid: '1.3.6.1.2.1.2.2.1.8.3', type: 'Integer', value: 2 },
      { oid: '1.3.6.1.2.1.2.2.1.2.3', type: 'OctetString', value: 'Gi0/0/2' },
    ]);
    expect(buildNotification('linkUp', { ifIndex: 3 }).varbinds[2]!.value).toBe(1);
  });

  it('maps the vendor notification to v1 enterprise/specific as RFC 3584 §3.1 does', () => {
    const n = buildNotification('ciscoConfigManEvent', { seq: 7 });
    expect(n.trapOid).toBe(`${n.v1.enterprise}.0.${n.v1.specific}`);
    expect(n.v1.generic).toBe(6);
    expect(n.varbinds.map((v) => v.oid)).toEqual([
      '1.3.6.1.4.1.9.9.43.1.1.6.1.3.7',
      '1.3.6.1.4.1.9.9.43.1.1.6.1.4.7',
      '1.3.6.1.4.1.9.9.43.1.1.6.1.5.7',
    ]);
  });

  it('generic traps map to snmpTraps.(generic + 1)', () => {
    for (const name of NOTIFICATION_NAMES) {
      const n = buildNotification(name);
      if (n.v1.generic < 6) expect(n.trapOid).toBe(`1.3.6.1.6.3.1.1.5.${n.v1.generic + 1}`);
    }
  });

  it('names the unknown notification', () => {
    expect(() => buildNotification('warmBoot')).toThrow('unknown lab notification "warmBoot"');
  });
});
