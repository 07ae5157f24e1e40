import { Lab } from '../src/lab';
import { netSnmp, type NetSnmpVarbind } from '../src/net-snmp-api';
import { parseToolOutput, snmpTool } from './snmp-tools';

/**
 * The size the benchmarks use: 1 000 devices × 48 interfaces in one process, each device on its
 * own loopback address. Asserts what a poller would observe (every device answers, full tables);
 * the start time and heap are printed for the record, not asserted (no wall-clock thresholds).
 */
describe('lab at benchmark scale', () => {
  let lab: Lab;
  beforeAll(async () => {
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    lab = await Lab.start({ devices: 1000, interfaces: 48, distinctAddresses: true, profiles: ['router', 'switch', 'server'] });
    console.log(
      `lab of 1000 × 48 started in ${Math.round(performance.now() - t0)} ms, heap +${((process.memoryUsage().heapUsed - before) / 1e6).toFixed(1)} MB`,
    );
  });
  afterAll(() => lab.close());

  it('lists 1 000 devices with distinct addresses', () => {
    expect(lab.devices).toHaveLength(1000);
    expect(new Set(lab.devices.map((d) => d.address)).size).toBe(1000);
    expect(new Set(lab.devices.map((d) => d.engineId)).size).toBe(1000);
  });

  it('every device answers a GETBULK of its 48 ifHCInOctets', async () => {
    let complete = 0;
    for (let i = 0; i < lab.devices.length; i += 100) {
      await Promise.all(
        lab.devices.slice(i, i + 100).map(
          (d) =>
            new Promise<void>((resolve) => {
              const s = netSnmp.createSession(d.address, d.community, { port: d.port, version: netSnmp.Version2c, retries: 2, timeout: 5000 });
              s.on('error', () => undefined);
              s.getBulk(['1.3.6.1.2.1.31.1.1.1.6'], 0, 48, (err, vbs) => {
                const rows = (vbs?.[0] as unknown as NetSnmpVarbind[] | undefined) ?? [];
                if (!err && rows.length === 48 && rows.every((v, j) => v.oid === `1.3.6.1.2.1.31.1.1.1.6.${j + 1}`)) complete++;
                s.close();
                resolve();
              });
            }),
        ),
      );
    }
    expect(complete).toBe(1000);
  });

  it('snmpbulkwalk reads a whole 48-interface ifXTable from the last device', async () => {
    const d = lab.devices[999]!;
    const r = await snmpTool('snmpbulkwalk', ['-v2c', '-c', d.community, '-Cr48', `${d.address}:${d.port}`, '1.3.6.1.2.1.31.1.1.1']);
    expect(r.stderr).toBe('');
    expect(parseToolOutput(r.stdout)).toHaveLength(48 * 19);
  });
});
