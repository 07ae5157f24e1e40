import type { GroupReading } from '@sonde/snmp/poll/group-poller';
import { addDropped } from '@sonde/snmp/poll/varbind-counts';
import { SnmpError } from '@sonde/snmp/session/snmp-error';
import { varbindsReadBefore } from '@sonde/snmp/walk/table-walk';

/**
 * One table read as several parts (history buckets per control row from its cursor, RMON2
 * time-filtered tables per control row): the parts' rows and counts add up to one GroupReading.
 */

export function emptyReading(group: string): GroupReading {
  return { group, rows: [], varbinds: 0, parsed: 0, dropped: {}, requests: 0, missing: 0 };
}

/** Adds a part's counts (varbinds received = parsed + dropped, the collector contract); its rows only with `rows`. */
export function addPart(into: GroupReading, part: GroupReading, rows = true): void {
  if (rows) into.rows.push(...part.rows);
  into.varbinds += part.varbinds;
  into.parsed += part.parsed;
  addDropped(into, part.dropped);
  into.requests += part.requests;
  into.missing += part.missing;
  if (part.fallback) into.fallback = part.fallback;
}

/**
 * Runs the per-row reads of one table; if one fails, the error says how many values the table
 * had received before it (as pollGroup does for one walk), so the poller counts them lost.
 */
export async function readInParts(reading: GroupReading, read: () => Promise<void>): Promise<GroupReading> {
  try {
    await read();
  } catch (err) {
    if (err instanceof SnmpError && reading.varbinds > 0) err.context['varbinds'] = reading.varbinds + varbindsReadBefore(err);
    throw err;
  }
  return reading;
}
