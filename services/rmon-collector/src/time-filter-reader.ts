import type { ReadContext } from '@sonde/snmp/poll/device-poller';
import { pollGroup, type GroupReading } from '@sonde/snmp/poll/group-poller';
import type { MetricGroup } from '@sonde/snmp/poll/metric-group';
import { addPart, emptyReading, readInParts } from './reading-parts';

/** The RMON2 time-filtered tables the collector reads and the control table of each (RFC 4502). */
export const TIME_FILTERED_CONTROL: Readonly<Record<string, string>> = {
  nlHost: 'hlHostControl',
  nlMatrixSD: 'hlMatrixControl',
};

/**
 * Reads a time-filtered RMON2 table (RFC 4502 TimeFilter TC, index `<control>.<timeMark>.…`)
 * once per control row with the timeMark held at 0: every row once, as the TC intends. A plain
 * walk would not end on a compliant probe: each row is present under every timeMark up to its
 * last change, so after the rows under timeMark 0 come those under 1, 2, … up to sysUpTime (the
 * mode Cisco's rmonTimeFilterMode calls stopAfterAll). The control rows are this cycle's reading
 * of the control table (read before, GROUP_TABLES order); none read, nothing is walked.
 */
export async function readTimeFiltered(group: MetricGroup, ctx: ReadContext): Promise<GroupReading> {
  const controlGroup = TIME_FILTERED_CONTROL[group.name];
  const control = ctx.readings.find((r) => r.group === controlGroup);
  const controls = (control?.rows ?? []).map((r) => r.index).filter((i) => /^\d+$/.test(i));
  const reading = emptyReading(group.name);
  return readInParts(reading, async () => {
    for (const c of controls) addPart(reading, await pollGroup(ctx.session, group, ctx.walk, { within: `${c}.0` }));
  });
}
