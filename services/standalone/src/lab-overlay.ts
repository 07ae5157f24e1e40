import type { Lab } from '@sonde/lab/lab';

export const LAB_CREDENTIAL = 'lab-community';

/**
 * The lab's devices as raw config for the inventory (devices and their credential), the trap
 * receiver accepting their community, and their traffic switched on.
 */
export function labOverlay(lab: Lab): Record<string, unknown> {
  return {
    credentials: { [LAB_CREDENTIAL]: { type: 'snmp-community', community: { value: lab.config.community } } },
    devices: lab.devices.map((d, i) => ({
      id: d.id,
      name: d.name,
      address: d.address,
      tags: ['lab', d.profile],
      // a star: every device is reached through the first, so its outage mutes theirs (alert-engine topology inhibition)
      ...(i > 0 && lab.devices[0] ? { parents: [lab.devices[0].id] } : {}),
      snmp: { version: 'v2c', port: d.port, credential: LAB_CREDENTIAL },
    })),
    trapReceiver: { communities: [LAB_CREDENTIAL] },
  };
}
