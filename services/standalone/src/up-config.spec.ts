import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadUpConfig } from './up-config';

function fileWith(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sonde-up-config-')), 'sonde.yaml');
  writeFileSync(file, text);
  return file;
}

describe("sonde up's config", () => {
  it("a list in the file replaces the embedded default's list: listen only where the file says", () => {
    const file = fileWith('trapReceiver:\n  listen: [{ address: 127.0.0.1, port: 21762 }]\nsyslogReceiver:\n  udp: { hosts: [0.0.0.0] }\n');
    const config = loadUpConfig({ file, dataDir: '/nonexistent' });
    expect(config.trapReceiver.listen).toEqual([{ address: '127.0.0.1', port: 21762 }]);
    expect(config.syslogReceiver.udp.hosts).toEqual(['0.0.0.0']);
    // the rest of the embedded defaults stay
    expect(config.syslogReceiver.udp.port).toBe(1514);
  });

  it("the lab's devices and trap community are added to the file's", () => {
    const file = fileWith(
      'credentials:\n  mine: { type: snmp-community, community: { value: x } }\ndevices: [{ id: r1, address: 10.0.0.1 }]\ntrapReceiver: { communities: [mine] }\n',
    );
    const overlay = {
      credentials: { lab: { type: 'snmp-community', community: { value: 'public' } } },
      devices: [{ id: 'lab-1', address: '127.0.1.1' }],
      trapReceiver: { communities: ['lab'] },
    };
    const config = loadUpConfig({ file, dataDir: '/nonexistent', overlay });
    expect(config.devices.map((d) => d.id)).toEqual(['lab-1', 'r1']);
    expect(config.trapReceiver.communities).toEqual(['lab', 'mine']);
  });
});
