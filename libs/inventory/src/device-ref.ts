import type { DeviceRef } from '@sonde/events/sonde-event';
import type { Device } from './device';

/**
 * The `device` of an event about an inventory device: id, name and address, and its tags when
 * it has any (ADR 0006), so storage can keep them with what it learns about the device. One
 * place builds it for every collector, so no producer's events lack what another's carry.
 */
export function deviceRef(device: Pick<Device, 'id' | 'name' | 'address'> & { tags?: readonly string[] | undefined }): DeviceRef {
  return {
    id: device.id,
    ...(device.name === undefined ? {} : { name: device.name }),
    address: device.address,
    ...(device.tags && device.tags.length > 0 ? { tags: [...device.tags] } : {}),
  };
}
