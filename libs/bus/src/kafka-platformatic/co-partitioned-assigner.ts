import type { GroupPartitionsAssigner, GroupPartitionsAssignments } from '@platformatic/kafka';
import { coPartitionedAssignment } from '../co-partitioned-assignment';

/** @platformatic/kafka face of coPartitionedAssignment (why: co-partitioned-assignment.ts); the group leader runs it. */
export const coPartitionedAssigner: GroupPartitionsAssigner = (_current, members, topics, metadata) => {
  const counts = new Map([...topics].map((t) => [t, metadata.topics.get(t)?.partitionsCount ?? 0]));
  const plan = coPartitionedAssignment([...members.keys()], counts);
  const out: GroupPartitionsAssignments[] = [];
  for (const [memberId, byTopic] of plan) {
    out.push({ memberId, assignments: new Map([...byTopic].map(([topic, partitions]) => [topic, { topic, partitions }])) });
  }
  return out;
};
