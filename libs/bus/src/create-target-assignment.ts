import type { BusConfig } from './bus.config';
import { KafkaTargetAssignment } from './kafka/kafka-target-assignment';
import { MemoryTargetAssignment } from './memory/memory-target-assignment';
import type { TargetAssignment, TargetAssignmentDeps, TargetAssignmentIdentity } from './target-assignment';

export type { TargetAssignmentDeps, TargetAssignmentIdentity } from './target-assignment';

/** The adapters, keyed by `bus.type` (style.md rule 6), as EVENT_BUS_ADAPTERS. */
export const TARGET_ASSIGNMENT_ADAPTERS: Record<BusConfig['type'], (config: BusConfig, identity: TargetAssignmentIdentity, deps: TargetAssignmentDeps) => TargetAssignment> = {
  memory: () => new MemoryTargetAssignment(),
  kafka: (config, identity, deps) => new KafkaTargetAssignment(config, identity, deps),
};

export function createTargetAssignment(config: BusConfig, identity: TargetAssignmentIdentity, deps: TargetAssignmentDeps = {}): TargetAssignment {
  return TARGET_ASSIGNMENT_ADAPTERS[config.type](config, identity, deps);
}
