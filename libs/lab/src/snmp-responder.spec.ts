import { interfaceCounter, interfaceRate } from './if-mib';
import { counter32, counter64 } from './lab-counters';
import { labFaultsSchema } from './lab-faults';
import { LabMib } from './lab-mib';
import { labTestDevice } from './lab-test-device';
import { ERROR_STATUS, respond, type ResponseVarbind, type SnmpRequest } from './snmp-responder';

const BOOT = 1_000_000;
const NOW = BOOT + 60_000;
const mib = new LabMib();

const req = (r: Partial<SnmpRequest> & Pick<SnmpRequest, 'oids'>): SnmpRequest => ({ pdu: 'get', version: 'v2c', ...r });
const pick = (vbs: ResponseVarbind[]): [string, string, unknown][] => vbs.map((v) => [v.oid, v.type, v.value]);

/** Walks the whole MIB with GETNEXT as a manager would. */
function walk(device = labTestDevice(), version: SnmpRequest['version'] = 'v2c', from = '1.3'): ResponseVarbind[] {
  const out: ResponseVarbind[] = [];
  let oid = from;
  for (;;) {
    const r = respond(mib, device, req({ pdu: 'getNext', version, oids: [oid] }), NOW);
    const vb = r.varbinds[0]!;
    if (r.errorStatus !== 0 || vb.type === 'endOfMibView') return out;
    out.push(vb);
    oid = vb.oid;
  }
}

describe('lab SNMP responder', () => {
  it('answers the system group with live sysUpTime', () => {
    const r = respond(mib, labTestDevice(), req({ oids: ['1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0'] }), NOW);
    expect(r.errorStatus).toBe(0);
    expect(pick(r.varbinds)).toEqual([
      ['1.3.6.1.2.1.1.2.0', 'OID', '1.3.6.1.4.1.9.1.2068'],
      ['1.3.6.1.2.1.1.3.0', 'TimeTicks', 6000],
      ['1.3.6.1.2.1.1.5.0', 'OctetString', 'lab-router-1'],
    ]);
  });

  it('serves counters that are a function of the elapsed time', () => {
    const d = labTestDevice();
    const r = respond(mib, d, req({ oids: ['1.3.6.1.2.1.2.2.1.10.2', '1.3.6.1.2.1.31.1.1.1.6.2', '1.3.6.1.2.1.2.2.1.14.1'] }), NOW);
    // interface 2 carries 1.25 × 125 000 octets/s; 60 s
    expect(interfaceRate(d.spec.rates, 2, 'inOctets')).toBe(156_250);
    expect(pick(r.varbinds)).toEqual([
      ['1.3.6.1.2.1.2.2.1.10.2', 'Counter32', 9_375_000],
      ['1.3.6.1.2.1.31.1.1.1.6.2', 'Counter64', 9_375_000n],
      ['1.3.6.1.2.1.2.2.1.14.1', 'Counter32', 30],
    ]);
  });

  it('wraps Counter32 while Counter64 keeps counting', () => {
    const d = labTestDevice({ counterOffset: 2n ** 32n - 1_000_000n });
    const r = respond(mib, d, req({ oids: ['1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.31.1.1.1.6.1'] }), NOW);
    expect(pick(r.varbinds)).toEqual([
      ['1.3.6.1.2.1.2.2.1.10.1', 'Counter32', 7_500_000 - 1_000_000],
      ['1.3.6.1.2.1.31.1.1.1.6.1', 'Counter64', 2n ** 32n + 6_500_000n],
    ]);
  });

  it('keeps an oper-down interface still', () => {
    const d = labTestDevice();
    const r = respond(mib, d, req({ oids: ['1.3.6.1.2.1.2.2.1.8.4', '1.3.6.1.2.1.2.2.1.10.4'] }), NOW);
    expect(pick(r.varbinds)).toEqual([
      ['1.3.6.1.2.1.2.2.1.8.4', 'Integer', 2],
      ['1.3.6.1.2.1.2.2.1.10.4', 'Counter32', 0],
    ]);
  });

  it('walks every object in strictly increasing order and ends with endOfMibView', () => {
    const vbs = walk();
    const d = labTestDevice();
    expect(vbs.length).toBe(mib.size(d));
    // 7 system + ifNumber + 22 × 4 ifTable + 19 × 4 ifXTable + hr: 2 scalars, 7 × 2 storage, 2 × 2 processors
    expect(vbs.length).toBe(7 + 1 + 88 + 76 + 2 + 14 + 4);
    expect(vbs[0]!.oid).toBe('1.3.6.1.2.1.1.1.0');
    expect(vbs.at(-1)!.oid).toBe('1.3.6.1.2.1.31.1.1.1.19.4');
  });

  it('answers noSuchObject and noSuchInstance as RFC 3416 §4.2.1 tells', () => {
    const r = respond(mib, labTestDevice(), req({ oids: ['1.3.6.1.2.1.2.2.1.10.99', '1.3.6.1.4.1.99.1.0', 'garbage'] }), NOW);
    expect(r.varbinds.map((v) => v.type)).toEqual(['noSuchInstance', 'noSuchObject', 'noSuchObject']);
  });

  it('answers GETBULK with N non-repeaters then M repetitions of R repeaters (RFC 3416 §4.2.3)', () => {
    const r = respond(
      mib,
      labTestDevice(),
      req({ pdu: 'getBulk', oids: ['1.3.6.1.2.1.1.3', '1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.31.1.1.1.6'], nonRepeaters: 1, maxRepetitions: 3 }),
      NOW,
    );
    expect(r.varbinds.map((v) => v.oid)).toEqual([
      '1.3.6.1.2.1.1.3.0',
      '1.3.6.1.2.1.2.2.1.2.1', '1.3.6.1.2.1.31.1.1.1.6.1',
      '1.3.6.1.2.1.2.2.1.2.2', '1.3.6.1.2.1.31.1.1.1.6.2',
      '1.3.6.1.2.1.2.2.1.2.3', '1.3.6.1.2.1.31.1.1.1.6.3',
    ]);
  });

  it('ends a GETBULK at the end of the MIB and caps its size', () => {
    const d = labTestDevice();
    const last = respond(mib, d, req({ pdu: 'getBulk', oids: ['1.3.6.1.2.1.31.1.1.1.19.3'], maxRepetitions: 10 }), NOW);
    expect(last.varbinds.map((v) => v.type)).toEqual(['TimeTicks', 'endOfMibView']);
    const big = respond(mib, d, req({ pdu: 'getBulk', oids: ['1.3'], maxRepetitions: 10_000 }), NOW, { maxVarbinds: 50 });
    expect(big.varbinds).toHaveLength(50);
  });

  it('speaks SNMPv1 to v1 managers: noSuchName, no Counter64, no GETBULK (RFC 3584 §4.2.2.1)', () => {
    const d = labTestDevice();
    const missing = respond(mib, d, req({ version: 'v1', oids: ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.99.0'] }), NOW);
    expect([missing.errorStatus, missing.errorIndex]).toEqual([ERROR_STATUS.noSuchName, 2]);
    const c64 = respond(mib, d, req({ version: 'v1', oids: ['1.3.6.1.2.1.31.1.1.1.6.1'] }), NOW);
    expect(c64.errorStatus).toBe(ERROR_STATUS.noSuchName);
    const v1walk = walk(d, 'v1', '1.3.6.1.2.1.31');
    expect(v1walk.some((v) => v.type === 'Counter64')).toBe(false);
    expect(v1walk.map((v) => v.oid)).toContain('1.3.6.1.2.1.31.1.1.1.14.1');
    expect(respond(mib, d, req({ version: 'v1', pdu: 'getBulk', oids: ['1.3'] }), NOW).errorStatus).toBe(ERROR_STATUS.genErr);
  });

  it('is read-only', () => {
    const r = respond(mib, labTestDevice(), req({ pdu: 'set', oids: ['1.3.6.1.2.1.1.5.0'] }), NOW);
    expect([r.errorStatus, r.errorIndex]).toEqual([ERROR_STATUS.notWritable, 1]);
  });

  describe('faults', () => {
    it('restart: sysUpTime and counters start again, snmpEngineBoots goes up', () => {
      const d = labTestDevice({ counterOffset: 1000n });
      d.restart(NOW - 10_000);
      const r = respond(mib, d, req({ oids: ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.2.2.1.10.1'] }), NOW);
      expect(pick(r.varbinds).map((v) => v[2])).toEqual([1000, 1000 + 1_250_000]);
      expect(d.engineBoots(NOW)).toBe(2);
      expect(d.engineTime(NOW)).toBe(10);
    });

    it('restartEveryMs: reboots periodically without a timer', () => {
      const d = labTestDevice();
      d.setFaults(labFaultsSchema.parse({ restartEveryMs: 25_000 }));
      // booted at BOOT, so at BOOT + 60 s the last reboot was at BOOT + 50 s
      expect(d.bootAtMs(NOW)).toBe(BOOT + 50_000);
      expect(d.engineBoots(NOW)).toBe(3);
      expect(counter32(interfaceCounter(d, 1, 'inOctets', NOW))).toBe(1_250_000);
    });

    it('noSuchObject hides a subtree from GET and GETNEXT', () => {
      const d = labTestDevice();
      d.setFaults(labFaultsSchema.parse({ noSuchObject: ['1.3.6.1.2.1.31'] }));
      const get = respond(mib, d, req({ oids: ['1.3.6.1.2.1.31.1.1.1.6.1'] }), NOW);
      expect(get.varbinds[0]!.type).toBe('noSuchObject');
      const next = respond(mib, d, req({ pdu: 'getNext', oids: ['1.3.6.1.2.1.2.2.1.22.4'] }), NOW);
      expect(next.varbinds[0]!.oid).toBe('1.3.6.1.2.1.25.1.1.0');
      const vbs = walk(d);
      expect(vbs.some((v) => v.oid.startsWith('1.3.6.1.2.1.31.'))).toBe(false);
      expect(vbs.at(-1)!.oid).toBe('1.3.6.1.2.1.25.3.3.1.2.196609');
    });

    it('endOfMibViewAfter ends the view early', () => {
      const d = labTestDevice();
      d.setFaults(labFaultsSchema.parse({ endOfMibViewAfter: '1.3.6.1.2.1.2.2.1.10' }));
      const vbs = walk(d);
      expect(vbs.at(-1)!.oid).toBe('1.3.6.1.2.1.2.2.1.10.4');
      const bulk = respond(mib, d, req({ pdu: 'getBulk', oids: ['1.3.6.1.2.1.2.2.1.10.3'], maxRepetitions: 5 }), NOW);
      expect(bulk.varbinds.map((v) => v.type)).toEqual(['Counter32', 'endOfMibView']);
    });

    it('tooBigAbove answers large GETBULKs with tooBig and an empty varbind list', () => {
      const d = labTestDevice();
      d.setFaults(labFaultsSchema.parse({ tooBigAbove: 20 }));
      const big = respond(mib, d, req({ pdu: 'getBulk', oids: ['1.3.6.1.2.1.2.2.1.10', '1.3.6.1.2.1.2.2.1.16'], maxRepetitions: 11 }), NOW);
      expect(big).toEqual({ errorStatus: ERROR_STATUS.tooBig, errorIndex: 0, varbinds: [] });
      const small = respond(mib, d, req({ pdu: 'getBulk', oids: ['1.3.6.1.2.1.2.2.1.10', '1.3.6.1.2.1.2.2.1.16'], maxRepetitions: 10 }), NOW);
      expect(small.varbinds).toHaveLength(20);
    });
  });

  it('serves the same shape to many devices from one layout with per-device values', () => {
    const a = labTestDevice({ id: 'a', name: 'a', ordinal: 1 });
    const b = labTestDevice({ id: 'b', name: 'b', ordinal: 2, counterOffset: 7n });
    const oids = ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.2.1.6.1', '1.3.6.1.2.1.31.1.1.1.10.3'];
    const ra = respond(mib, a, req({ oids }), NOW).varbinds.map((v) => v.value);
    const rb = respond(mib, b, req({ oids }), NOW).varbinds.map((v) => v.value);
    expect(ra[0]).toBe('a');
    expect(rb[0]).toBe('b');
    expect(ra[1]).not.toEqual(rb[1]);
    expect(rb[2]).toBe(counter64(interfaceCounter(b, 3, 'outOctets', NOW)));
    expect(rb[2]).toBe((ra[2] as bigint) + 7n);
  });
});
