import type { BusConfig } from './bus.config';
import type { BusLogger } from './bus-logger';
import { KafkaTargetAssignment } from './kafka/kafka-target-assignment';
import { MemoryTargetAssignment } from './memory/memory-target-assignment';
import type { TargetAssignment } from './target-assignment';

/** Who shares the targets: the replicas of `service` at `site` (one consumer group). */
export interface TargetAssignmentIdentity {
  service: string;
  site: string;
}

export interface TargetAssignmentDeps {
  logger?: BusLogger;
}

/** The adapters, keyed by `bus.type` (style.md rule 6), as EVENT_BUS_ADAPTERS. */
export const TARGET_ASSIGNMENT_ADAPTERS: Record<BusConfig['type'], (config: BusConfig, identity: TargetAssignmentIdentity, deps: TargetAssignmentDeps) => TargetAssignment> = {
  memory: () => new MemoryTargetAssignment(),
  kafka: (config, identity, deps) => new KafkaTargetAssignment(config, identity, deps),
};

export function createTargetAssignment(config: BusConfig, identity: TargetAssignmentIdentity, deps: TargetAssignmentDeps = {}): TargetAssignment {
  return TARGET_ASSIGNMENT_ADAPTERS[config.type](config, identity, deps);
}
