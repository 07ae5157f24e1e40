/** Every kind of event on the bus (design.md §3). Adding one is an ADR. */
export const EVENT_KINDS = [
  'icmp.probe',
  'snmp.metric',
  'snmp.trap',
  'syslog.message',
  'rmon.sample',
  'alert.state',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_FAMILIES = ['icmp', 'snmp', 'syslog', 'rmon', 'alert'] as const;
export type EventFamily = (typeof EVENT_FAMILIES)[number];

export function familyOf(kind: EventKind): EventFamily {
  return kind.slice(0, kind.indexOf('.')) as EventFamily;
}

/** One topic per kind family, keyed by device id so a device's events stay ordered. */
export function topicForFamily(family: EventFamily): string {
  return `sonde.${family}.v1`;
}

export function topicFor(kind: EventKind): string {
  return topicForFamily(familyOf(kind));
}

export const EVENT_TOPICS: readonly string[] = EVENT_FAMILIES.map(topicForFamily);

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}
