import fc from 'fast-check';
import { formatIntegerWithHint, formatOctetsWithHint } from './display-hint';
import { mibLookup, mibSearch, formatMibRows } from './mib-cli';
import { loadOidDictionary } from './mib-loader';

const { dictionary } = loadOidDictionary();

describe('OidDictionary', () => {
  it('translates both ways with a decoded index', () => {
    expect(dictionary.translate('1.3.6.1.2.1.2.2.1.10.3').name).toBe('IF-MIB::ifInOctets.3');
    expect(dictionary.resolve('IF-MIB::ifInOctets.3')).toBe('1.3.6.1.2.1.2.2.1.10.3');
    expect(dictionary.resolve('ifInOctets.3')).toBe('1.3.6.1.2.1.2.2.1.10.3');
    const t = dictionary.translate('.1.3.6.1.4.1.8072.1.3.2.4.1.2.4.116.101.115.116.1');
    expect(t.name).toBe('NET-SNMP-EXTEND-MIB::nsExtendOutLine."test".1');
    expect(t.index).toEqual([{ name: 'nsExtendToken', value: '"test"' }, { name: 'nsExtendLineIndex', value: '1' }]);
  });

  it('keeps raw arcs for a non-printable string index, and they translate back', () => {
    const oid = '1.3.6.1.4.1.8072.1.3.2.2.1.2.3.1.2.3';
    const name = dictionary.translate(oid).name;
    expect(name).toBe('NET-SNMP-EXTEND-MIB::nsExtendCommand.3.1.2.3');
    expect(dictionary.resolve(name)).toBe(oid);
  });

  it('labels enums, renders display hints and translates OID values', () => {
    const oper = dictionary.nodeByName('IF-MIB::ifOperStatus');
    expect(dictionary.formatValue(oper, 2)).toBe('down(2)');
    expect(dictionary.formatValue(dictionary.nodeByName('ifPhysAddress'), Buffer.from([0, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]))).toBe('00:1a:2b:3c:4d:5e');
    expect(dictionary.formatValue(dictionary.nodeByName('sysUpTime'), 12345)).toBe('(12345) 0:02:03.45');
    expect(dictionary.formatValue(dictionary.nodeByName('snmpTrapOID'), '1.3.6.1.6.3.1.1.5.3')).toBe('IF-MIB::linkDown');
    expect(formatOctetsWithHint(Buffer.from([0x07, 0xea, 11, 25, 3, 4, 5, 6, 0x2b, 1, 0]), '2d-1d-1d,1d:1d:1d.1d,1a1d:1d')).toBe('2026-11-25,3:4:5.6,+1:0');
    expect(formatIntegerWithHint(1234, 'd-2')).toBe('12.34');
  });

  it('any numeric OID translates to a name that resolves back to it', () => {
    const prefixes = [...dictionary.nodes()].map((n) => n.oid);
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.array(fc.nat({ max: 300 }), { maxLength: 12 }), (prefix, arcs) => {
        const oid = [prefix, ...arcs].join('.');
        expect(dictionary.resolve(dictionary.translate(oid).name)).toBe(oid);
      }),
      { numRuns: 20000 },
    );
  });

  it('display hints never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 20 }), (bytes, hint) => {
        formatOctetsWithHint(bytes, hint);
      }),
      { numRuns: 20000 },
    );
  });

  it('CLI rows for lookup and search', () => {
    const rows = mibLookup(dictionary, '1.3.6.1.2.1.2.2.1.8.3');
    expect(rows[0]).toMatchObject({ oid: '1.3.6.1.2.1.2.2.1.8.3', name: 'IF-MIB::ifOperStatus.3', kind: 'column', type: 'INTEGER' });
    expect(rows[1]).toMatchObject({ name: '  index ifIndex', detail: '3' });
    expect(mibLookup(dictionary, 'IF-MIB::linkDown').map((r) => r.name)).toEqual([
      'IF-MIB::linkDown', '  object IF-MIB::ifIndex', '  object IF-MIB::ifAdminStatus', '  object IF-MIB::ifOperStatus',
    ]);
    expect(mibSearch(dictionary, 'linkup').map((r) => r.name)).toEqual(['IF-MIB::ifLinkUpDownTrapEnable', 'IF-MIB::linkUpDownNotificationsGroup', 'IF-MIB::linkUp']);
    expect(formatMibRows(mibSearch(dictionary, 'ifHCInOctets'))).toContain('1.3.6.1.2.1.31.1.1.1.6  IF-MIB::ifHCInOctets  column  Counter64');
    expect(() => mibLookup(dictionary, 'NOPE-MIB::nothing')).toThrow("unknown MIB object 'NOPE-MIB::nothing'");
  });
});
