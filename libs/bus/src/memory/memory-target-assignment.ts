import type { TargetAssignment } from '../target-assignment';

/** One process (`sonde up`, the memory bus): it owns every target. */
export class MemoryTargetAssignment implements TargetAssignment {
  async start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    onChange('all');
  }

  owns(): boolean {
    return true;
  }

  devices<T extends { id: string }>(fileDevices: readonly T[]): T[] {
    return [...fileDevices];
  }

  async close(): Promise<void> {}
}
