/**
 * Partition p of every subscribed topic goes to the same group member.
 *
 * Collector events are keyed by device id in every family's topic (partition-key.ts), and the
 * topics have the same partition count (`bus.kafka.partitions`), so one device's ICMP, SNMP,
 * syslog and RMON events sit on the same partition number in each topic. The alert engine keeps
 * one state per device (rules across families, absence of "any event", the transition sequence
 * behind the notification log's idempotency keys): a device must reach one replica whatever the
 * family. Both clients' default round-robin assignors deal topic-partitions out in one list
 * across topics, which splits a device between replicas (2 members, 3 partitions: snmp/0 to one,
 * syslog/0 to the other). Kafka's own RangeAssignor co-partitions the same way (Kafka Streams
 * relies on it); neither kafkajs nor @platformatic/kafka ships one.
 *
 * Balanced per topic: member i of the sorted members gets partitions i, i + n, i + 2n, …
 */
export function coPartitionedAssignment(memberIds: readonly string[], partitionsByTopic: ReadonlyMap<string, number>): Map<string, Map<string, number[]>> {
  const members = [...new Set(memberIds)].sort();
  const out = new Map<string, Map<string, number[]>>(members.map((m) => [m, new Map()]));
  if (members.length === 0) return out;
  for (const topic of [...partitionsByTopic.keys()].sort()) {
    const count = partitionsByTopic.get(topic) ?? 0;
    for (let p = 0; p < count; p++) {
      const byTopic = out.get(members[p % members.length] as string) as Map<string, number[]>;
      const list = byTopic.get(topic);
      if (list) list.push(p);
      else byTopic.set(topic, [p]);
    }
  }
  return out;
}

/** Topics whose partition count differs from the most common one: their partitions are not co-located with the others'. */
export function unevenTopics(partitionsByTopic: ReadonlyMap<string, number>): string[] {
  const freq = new Map<number, number>();
  for (const n of partitionsByTopic.values()) freq.set(n, (freq.get(n) ?? 0) + 1);
  const common = [...freq.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
  return [...partitionsByTopic.entries()].filter(([, n]) => n !== common).map(([t]) => t).sort();
}

/** The partition numbers a member owns across the topics of its assignment, ascending. */
export function ownedPartitions(perTopic: readonly (readonly number[])[]): number[] {
  return [...new Set(perTopic.flat())].sort((a, b) => a - b);
}
