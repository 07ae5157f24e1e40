import fc from 'fast-check';
import { berInt, berOctets, berOid, berSeq, tlv } from './ber-writer';
import { decodeMessage, PDU_TAG } from './snmp-message';
import { SnmpWireError } from './snmp-wire-error';

function v2cTrap(varbinds: Buffer[]): Buffer {
  const pdu = tlv(PDU_TAG.trapV2, Buffer.concat([berInt(7), berInt(0), berInt(0), berSeq(...varbinds)]));
  return berSeq(berInt(1), berOctets('public'), pdu);
}

describe('SNMP message decoder', () => {
  it('decodes every value type', () => {
    const vbs = [
      berSeq(berOid('1.3.6.1.2.1.1.3.0'), berInt(4294967295, 0x43)),
      berSeq(berOid('1.3.6.1.6.3.1.1.4.1.0'), berOid('1.3.6.1.6.3.1.1.5.3')),
      berSeq(berOid('1.3.6.1.2.1.2.2.1.8.3'), berInt(-2)),
      berSeq(berOid('1.3.6.1.2.1.2.2.1.6.3'), berOctets(Buffer.from([0, 1, 2]))),
      berSeq(berOid('1.3.6.1.2.1.4.20.1.1.10.0.0.1'), tlv(0x40, Buffer.from([10, 0, 0, 1]))),
      berSeq(berOid('1.3.6.1.2.1.31.1.1.1.6.3'), tlv(0x46, Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))),
      berSeq(berOid('1.3.6.1.2.1.1.1.0'), tlv(0x80, Buffer.alloc(0))),
    ];
    const m = decodeMessage(v2cTrap(vbs));
    if (m.version === 3) throw new Error('expected v2c');
    expect(m.pdu.varbinds.map((v) => [v.type, v.value])).toEqual([
      ['TimeTicks', 4294967295],
      ['OID', '1.3.6.1.6.3.1.1.5.3'],
      ['Integer', -2],
      ['OctetString', Buffer.from([0, 1, 2])],
      ['IpAddress', '10.0.0.1'],
      ['Counter64', 18446744073709551615n],
      ['NoSuchObject', null],
    ]);
  });

  it('round-trips any OID through the writer and the reader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 100 }), (a, b, rest) => {
        const oid = [a, b, ...rest].join('.');
        const m = decodeMessage(v2cTrap([berSeq(berOid(oid), tlv(0x05, Buffer.alloc(0)))]));
        expect(m.version !== 3 && m.pdu.varbinds[0]?.oid).toBe(oid);
      }),
      { numRuns: 5000 },
    );
  });

  it('throws only SnmpWireError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeMessage(Buffer.from(bytes));
        } catch (err) {
          if (!(err instanceof SnmpWireError)) throw err;
        }
      }),
      { numRuns: 20000 },
    );
  });
});
