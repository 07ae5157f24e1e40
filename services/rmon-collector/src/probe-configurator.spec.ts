import type { SetVarbind } from '@sonde/snmp/session/net-snmp-varbind';
import { SnmpError } from '@sonde/snmp/session/snmp-error';
import { compareOids, type Varbind } from '@sonde/snmp/session/varbind';
import { rmonCollectorConfigSchema } from './rmon-collector.config';
import { ProbeConfigurator, type ProbeSession } from './probe-configurator';

const ALARM = '1.3.6.1.2.1.16.3.1.1';

/** An in-memory agent: OIDs → varbinds, every SET recorded; `refuse` makes a SET fail. */
class StubProbe implements ProbeSession {
  readonly values = new Map<string, Varbind>();
  readonly sets: SetVarbind[][] = [];
  refuse?: (vbs: readonly SetVarbind[]) => boolean;

  async walk(bases: readonly string[]): Promise<Varbind[][]> {
    return bases.map((b) => [...this.values.values()].filter((v) => v.oid.startsWith(`${b}.`)).sort((x, y) => compareOids(x.oid, y.oid)));
  }
  async get(oids: string[]): Promise<Varbind[]> {
    return oids.map((oid) => this.values.get(oid) ?? { oid, type: 'NoSuchInstance', value: null });
  }
  async set(vbs: readonly SetVarbind[]): Promise<Varbind[]> {
    this.sets.push([...vbs]);
    if (this.refuse?.(vbs)) throw new SnmpError('agent-error', `probe answered error-status WrongValue: ${vbs[0]?.oid}`);
    for (const vb of vbs) {
      const status = vb.oid.startsWith(`${ALARM}.12.`);
      if (status && vb.value === 4) {
        const index = vb.oid.split('.').at(-1);
        for (const oid of [...this.values.keys()]) if (oid.startsWith(`${ALARM}.`) && oid.split('.').at(-1) === index) this.values.delete(oid);
        continue;
      }
      // createRequest(2) → the agent holds the row underCreation(3) (RFC 2819 §2)
      const value = status && vb.value === 2 ? 3 : vb.value;
      const type = vb.type === 'OID' ? 'OID' : vb.type === 'OctetString' ? 'OctetString' : 'Integer';
      this.values.set(vb.oid, { oid: vb.oid, type, value: typeof value === 'string' && type === 'OctetString' ? Buffer.from(value) : (value as number | string) });
    }
    return vbs.map((v) => ({ oid: v.oid, type: 'Integer', value: 0 }));
  }
  row(index: number, owner: string, variable: string): void {
    this.values.set(`${ALARM}.3.${index}`, { oid: `${ALARM}.3.${index}`, type: 'OID', value: variable });
    this.values.set(`${ALARM}.11.${index}`, { oid: `${ALARM}.11.${index}`, type: 'OctetString', value: Buffer.from(owner) });
    this.values.set(`${ALARM}.12.${index}`, { oid: `${ALARM}.12.${index}`, type: 'Integer', value: 1 });
  }
  statusOf(index: number): unknown {
    return this.values.get(`${ALARM}.12.${index}`)?.value;
  }
}

const alarm = { variable: '1.3.6.1.2.1.16.1.1.1.8.1', intervalS: 30, sampleType: 'delta', risingThreshold: 10, fallingThreshold: 2, risingEvent: 3, fallingEvent: 3 };
const configWith = (alarms: unknown[]) =>
  rmonCollectorConfigSchema.parse({ probeConfig: { enabled: true, owner: 'sonde', tables: ['alarm'], devices: [{ device: 'p1', alarms }] } }).probeConfig;

describe('ProbeConfigurator (alarm rows, stubbed session)', () => {
  it('creates an alarm row by EntryStatus: createRequest, then every column and the owner, then valid; at a free index', async () => {
    const probe = new StubProbe();
    probe.row(1, 'monitor', '1.3.6.1.2.1.16.1.1.1.5.1');
    const r = await new ProbeConfigurator(configWith([alarm])).reconcile('p1', probe);
    expect(r.created).toEqual([{ table: 'alarm', index: 2, describe: expect.stringContaining('1.3.6.1.2.1.16.1.1.1.8.1') }]);
    expect(probe.sets).toEqual([
      [{ oid: `${ALARM}.12.2`, type: 'Integer', value: 2 }],
      [
        { oid: `${ALARM}.2.2`, type: 'Integer', value: 30 },
        { oid: `${ALARM}.3.2`, type: 'OID', value: alarm.variable },
        { oid: `${ALARM}.4.2`, type: 'Integer', value: 2 },
        { oid: `${ALARM}.6.2`, type: 'Integer', value: 3 },
        { oid: `${ALARM}.7.2`, type: 'Integer', value: 10 },
        { oid: `${ALARM}.8.2`, type: 'Integer', value: 2 },
        { oid: `${ALARM}.9.2`, type: 'Integer', value: 3 },
        { oid: `${ALARM}.10.2`, type: 'Integer', value: 3 },
        { oid: `${ALARM}.11.2`, type: 'OctetString', value: 'sonde' },
      ],
      [{ oid: `${ALARM}.12.2`, type: 'Integer', value: 1 }],
    ]);
    // reconcile again: nothing to do (the row's content is its identity)
    probe.sets.length = 0;
    const again = await new ProbeConfigurator(configWith([alarm])).reconcile('p1', probe);
    expect([again.created, again.removed, again.failed]).toEqual([[], [], []]);
    expect(probe.sets).toEqual([]);
  });

  it('a SET refused mid-way sets the row invalid again: no underCreation row is left', async () => {
    const probe = new StubProbe();
    probe.refuse = (vbs) => vbs.length > 1; // the columns PDU
    const r = await new ProbeConfigurator(configWith([alarm])).reconcile('p1', probe);
    expect(r.created).toEqual([]);
    expect(r.failed).toEqual([{ table: 'alarm', index: 1, describe: expect.any(String), message: expect.stringContaining('WrongValue') }]);
    expect(probe.sets.at(-1)).toEqual([{ oid: `${ALARM}.12.1`, type: 'Integer', value: 4 }]);
    expect(probe.statusOf(1)).toBeUndefined();
  });

  it('removes exactly its own rows when they are no longer configured, never another owner\'s', async () => {
    const probe = new StubProbe();
    probe.row(1, 'monitor', alarm.variable);
    await new ProbeConfigurator(configWith([alarm])).reconcile('p1', probe);
    const r = await new ProbeConfigurator(configWith([])).reconcile('p1', probe);
    expect(r.removed).toEqual([{ table: 'alarm', index: 2 }]);
    expect(probe.statusOf(1)).toBe(1);
    expect(probe.statusOf(2)).toBeUndefined();
    expect(probe.sets.flat().some((s) => s.oid.endsWith('.1'))).toBe(false);
  });
});
