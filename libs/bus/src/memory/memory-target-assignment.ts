import type { TargetAssignment } from '../target-assignment';

/**
 * One process (`sonde up`, the memory bus): it owns every target. The device list is the config
 * file's until `replaceDevices` (sonde up watching its config file) gives a new one; then every
 * service that started it is told, as a rebalance would tell a Kafka replica.
 */
export class MemoryTargetAssignment implements TargetAssignment {
  private readonly listeners: ((owned: 'all') => void)[] = [];
  private replaced: readonly { id: string }[] | undefined;

  async start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    this.listeners.push(onChange);
    onChange('all');
  }

  owns(): boolean {
    return true;
  }

  devices<T extends { id: string }>(fileDevices: readonly T[], parse?: (raw: unknown, id: string) => T | undefined): T[] {
    if (!this.replaced || !parse) return [...fileDevices];
    const out: T[] = [];
    for (const entry of this.replaced) {
      const device = parse(entry, entry.id);
      if (device) out.push(device);
    }
    return out;
  }

  /** The new device list (validated device entries); every started service re-resolves its targets. */
  replaceDevices(devices: readonly { id: string }[]): void {
    this.replaced = devices;
    for (const l of this.listeners) l('all');
  }

  async close(): Promise<void> {}
}
