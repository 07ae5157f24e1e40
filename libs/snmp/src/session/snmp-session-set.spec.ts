import { EventEmitter } from 'node:events';
import snmp from 'net-snmp';
import { RequestLimiter } from './request-limiter';
import { SnmpSession } from './snmp-session';
import { isSnmpError } from './snmp-error';

/** A net-snmp session stand-in that records the SET varbinds and answers as told. */
function stubSession(answer: (vbs: Array<{ oid: string; type: number; value: unknown }>) => { err?: Error; vbs?: unknown[] }) {
  const sent: Array<Array<{ oid: string; type: number; value: unknown }>> = [];
  const raw = Object.assign(new EventEmitter(), {
    set(vbs: Array<{ oid: string; type: number; value: unknown }>, cb: (err: Error | null, vbs?: unknown[]) => void) {
      sent.push(vbs);
      const a = answer(vbs);
      setImmediate(() => cb(a.err ?? null, a.vbs));
      return raw;
    },
    close() {
      return raw;
    },
  });
  const session = new SnmpSession(
    { device: 'probe-1', address: '192.0.2.7', port: 161, credential: { version: 'v2c', community: 'private' }, timeoutMs: 100, retries: 0, backoff: 1 },
    '192.0.2.7',
    raw as never,
    new RequestLimiter(2, 10),
  );
  return { session, sent };
}

describe('SnmpSession.set', () => {
  it('sends typed varbinds in one PDU and returns what the agent answered as Varbinds', async () => {
    const { session, sent } = stubSession((vbs) => ({ vbs }));
    const out = await session.set([
      { oid: '1.3.6.1.2.1.16.1.1.1.21.7', type: 'Integer', value: 2 },
      { oid: '1.3.6.1.2.1.16.1.1.1.2.7', type: 'OID', value: '1.3.6.1.2.1.2.2.1.1.1' },
      { oid: '1.3.6.1.2.1.16.1.1.1.20.7', type: 'OctetString', value: 'sonde' },
      { oid: '1.3.6.1.4.1.9.9.9.0', type: 'Counter64', value: 0x1_0000_0001n },
      { oid: '1.3.6.1.4.1.9.9.10.0', type: 'Gauge32', value: 5 },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((v) => v.type)).toEqual([snmp.ObjectType.Integer, snmp.ObjectType.OID, snmp.ObjectType.OctetString, snmp.ObjectType.Counter64, snmp.ObjectType.Gauge]);
    expect(sent[0]![3]!.value).toEqual(Buffer.from([1, 0, 0, 0, 1]));
    expect(out.map((v) => v.type)).toEqual(['Integer', 'OID', 'OctetString', 'Counter64', 'Gauge32']);
    expect(out[3]!.value).toBe(0x1_0000_0001n);
    expect(session.stats.requests).toBe(1);
  });

  it("turns the agent's refusal into a SnmpError naming the device, the OID, the PDU and the error-status", async () => {
    const { session } = stubSession(() => ({ err: new snmp.RequestFailedError('InconsistentValue: 1.3.6.1.2.1.16.1.1.1.2.7', snmp.ErrorStatus.InconsistentValue as number) }));
    const err = await session.set([{ oid: '1.3.6.1.2.1.16.1.1.1.2.7', type: 'OID', value: '1.3.6.1' }]).catch((e: unknown) => e);
    expect(isSnmpError(err, 'agent-error')).toBe(true);
    const e = err as Error & { context: Record<string, unknown> };
    expect(e.message).toContain('device probe-1');
    expect(e.message).toContain('SET 1.3.6.1.2.1.16.1.1.1.2.7');
    expect(e.message).toContain('InconsistentValue');
    expect(session.stats.errors).toBe(1);
  });

  it('a timeout is a SnmpError timeout', async () => {
    const { session } = stubSession(() => ({ err: new snmp.RequestTimedOutError('Request timed out') }));
    await expect(session.set([{ oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'x' }])).rejects.toMatchObject({ reason: 'timeout' });
    expect(session.stats.timeouts).toBe(1);
  });
});
