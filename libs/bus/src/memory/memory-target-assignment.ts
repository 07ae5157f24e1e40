import type { TargetAssignment } from '../target-assignment';

/** One process (`sonde up`, the memory bus): it owns every target. */
export class MemoryTargetAssignment implements TargetAssignment {
  async start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    onChange('all');
  }

  owns(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
