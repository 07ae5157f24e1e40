import { AssignerProtocol, PartitionAssigners, type PartitionAssigner } from 'kafkajs';
import { coPartitionedAssignment, unevenTopics } from '../co-partitioned-assignment';

export const CO_PARTITIONED_PROTOCOL = 'SondeCoPartitioned';

/** kafkajs face of coPartitionedAssignment (why: co-partitioned-assignment.ts). */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster, logger }) => ({
  name: CO_PARTITIONED_PROTOCOL,
  version: 0,
  async assign({ members, topics }) {
    const counts = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]));
    const uneven = unevenTopics(counts);
    if (uneven.length > 0) logger.warn('topics with another partition count than the rest: a device\'s events on them may reach another member', { topics: uneven });
    const plan = coPartitionedAssignment(members.map((m) => m.memberId), counts);
    return [...plan].map(([memberId, byTopic]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: Object.fromEntries(byTopic), userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: CO_PARTITIONED_PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

/**
 * Preferred first; round robin second, so a group in the middle of a rolling upgrade (members
 * that only know round robin) still forms — the broker picks a protocol every member lists.
 */
export const busPartitionAssigners: PartitionAssigner[] = [coPartitionedAssigner, PartitionAssigners.roundRobin];
