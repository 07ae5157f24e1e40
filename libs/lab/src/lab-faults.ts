import { z } from 'zod';
import { parseOid } from './oid-order';

const oidText = z.string().refine((s) => {
  try {
    return parseOid(s).length >= 2;
  } catch {
    return false;
  }
}, 'must be a dotted OID such as 1.3.6.1.2.1.31');

/**
 * Misbehaviours a simulated device can be switched into, for the poller's tests (each one is
 * something real agents do). All are evaluated per request; none starts a timer.
 */
export const labFaultsSchema = z.object({
  /** Stop answering (requests are read and dropped): the poller must time out and report it. */
  timeout: z.boolean().default(false),
  /** Delay every answer by this many milliseconds (the slow agent the walk timeout must survive). */
  slowMs: z.number().int().min(0).max(600_000).default(0),
  /** Objects under these OIDs do not exist: GET answers noSuchObject, GETNEXT skips them. */
  noSuchObject: z.array(oidText).default([]),
  /** The MIB view ends after this subtree: GETNEXT/GETBULK past it answer endOfMibView. */
  endOfMibViewAfter: oidText.optional(),
  /** A GETBULK asking for more varbinds than this (non-repeaters + max-repetitions × repeaters) gets tooBig. */
  tooBigAbove: z.number().int().positive().optional(),
  /** Answer every request with random bytes instead of an SNMP message. */
  garbage: z.boolean().default(false),
  /** Reboot every this many milliseconds (sysUpTime, counters and snmpEngineTime restart; snmpEngineBoots + 1). */
  restartEveryMs: z.number().int().positive().optional(),
});

export type LabFaults = z.infer<typeof labFaultsSchema>;
export type LabFaultsInput = z.input<typeof labFaultsSchema>;

export const NO_FAULTS: LabFaults = Object.freeze(labFaultsSchema.parse({}));
