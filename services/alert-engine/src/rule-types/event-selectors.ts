import type { SnmpTrapPayload, TrapVarbind } from '@sonde/events/payloads/snmp-trap';
import type { SyslogMessagePayload } from '@sonde/events/payloads/syslog-message';
import { AlertRuleError } from '../alert-rule-error';
import { compileFieldMatcher } from '../field-matcher';
import { labelSet, NO_LABELS, sameNames, type LabelSet } from '../label-set';
import type { RuleOfType } from '../rule-config';

type TrapSpec = NonNullable<RuleOfType<'event'>['trap']>;
type SyslogSpec = NonNullable<RuleOfType<'event'>['syslog']>;

/** `IF-MIB::ifIndex.3` → `ifIndex`; a name without module or instance stays as is. */
export function varbindBaseName(name: string): string {
  const afterModule = name.includes('::') ? name.slice(name.indexOf('::') + 2) : name;
  const dot = afterModule.indexOf('.');
  return dot === -1 ? afterModule : afterModule.slice(0, dot);
}

// consecutive rules ask for the base name of the same trapName
let lastTrapName = '';
let lastBaseName = '';
function baseNameOf(trapName: string): string {
  if (trapName !== lastTrapName) {
    lastTrapName = trapName;
    lastBaseName = varbindBaseName(trapName);
  }
  return lastBaseName;
}

/** The names a trap is known by: its OID, its trapName and that name without module. */
export function trapNames(p: SnmpTrapPayload): string[] {
  const names = [p.trapOid];
  if (p.trapName) names.push(p.trapName, baseNameOf(p.trapName));
  return names;
}

function trapNamed(p: SnmpTrapPayload, wanted: ReadonlySet<string>): boolean {
  return wanted.has(p.trapOid) || (!!p.trapName && (wanted.has(p.trapName) || wanted.has(baseNameOf(p.trapName))));
}

/** Keys rules name varbinds by (few, fixed at load): numeric OID or base name, decided once. */
const numericKeys = new Map<string, boolean>();
function isNumericKey(key: string): boolean {
  let numeric = numericKeys.get(key);
  if (numeric === undefined) {
    numeric = /^\d+(\.\d+)*$/.test(key);
    if (numericKeys.size < 4096) numericKeys.set(key, numeric);
  }
  return numeric;
}

// the varbinds of one trap are read by every trap rule in turn: their base names once per trap
let baseNamesOf: readonly TrapVarbind[] | undefined;
let baseNames: (string | undefined)[] = [];
function varbindBaseNames(varbinds: readonly TrapVarbind[]): (string | undefined)[] {
  if (varbinds !== baseNamesOf) {
    baseNames = varbinds.map((vb) => (vb.name === undefined ? undefined : varbindBaseName(vb.name)));
    baseNamesOf = varbinds;
  }
  return baseNames;
}

/** The varbind a rule names, by base name (`ifIndex`) or by OID prefix (`1.3.6.1.2.1.2.2.1.1`). */
function findVarbind(varbinds: readonly TrapVarbind[], key: string): TrapVarbind | undefined {
  if (isNumericKey(key)) return varbinds.find((vb) => vb.oid === key || vb.oid.startsWith(`${key}.`));
  const names = varbindBaseNames(varbinds);
  for (let i = 0; i < varbinds.length; i++) if (names[i] === key) return varbinds[i];
  return undefined;
}

/** The value a varbind matcher and a series label see: the translated form when there is one. */
export function varbindValue(vb: TrapVarbind): string {
  return vb.display ?? vb.value;
}

/** The names and OIDs a trap rule asks for: a trap known by none of them never matches. */
export function trapNamesWanted(spec: TrapSpec): ReadonlySet<string> {
  return new Set((Array.isArray(spec.name) ? spec.name : [spec.name]).flatMap((n) => [n, varbindBaseName(n)]));
}

export function compileTrapSelector(spec: TrapSpec, path: string): (p: SnmpTrapPayload) => boolean {
  const wanted = trapNamesWanted(spec);
  const varbinds = Object.entries(spec.varbinds).map(([key, m]) => [key, compileFieldMatcher(m, `${path}.varbinds.${key}`)] as const);
  return (p) => {
    if (!trapNamed(p, wanted)) return false;
    for (const [key, test] of varbinds) {
      const vb = findVarbind(p.varbinds, key);
      if (!test(vb ? varbindValue(vb) : undefined)) return false;
    }
    return true;
  };
}

export function compileSyslogSelector(spec: SyslogSpec, path: string): (p: SyslogMessagePayload) => boolean {
  const facilities = spec.facility === undefined ? undefined : new Set(Array.isArray(spec.facility) ? spec.facility : [spec.facility]);
  const msgId = spec.msgId === undefined ? undefined : compileFieldMatcher(spec.msgId, `${path}.msgId`);
  const appName = spec.appName === undefined ? undefined : compileFieldMatcher(spec.appName, `${path}.appName`);
  let message: RegExp | undefined;
  if (spec.message !== undefined) {
    try {
      message = new RegExp(spec.message);
    } catch (err) {
      throw new AlertRuleError(`${path}.message: invalid regex: ${(err as Error).message}`, { path: `${path}.message` });
    }
  }
  return (p) =>
    (spec.maxSeverity === undefined || p.severity <= spec.maxSeverity) &&
    (facilities === undefined || facilities.has(p.facility)) &&
    (msgId === undefined || msgId(p.msgId)) &&
    (appName === undefined || appName(p.appName)) &&
    (message === undefined || message.test(p.message));
}

// the trap rules matching one trap mostly split it by the same varbinds (`by: [ifIndex]`): they
// share one LabelSet for the trap (a label set is never mutated), built once per trap and `by`
let labelsOfTrap: SnmpTrapPayload | undefined;
let trapLabelSets: { by: readonly string[]; set: LabelSet }[] = [];
const NO_SETS: { by: readonly string[]; set: LabelSet }[] = [];

/** Drops the label sets of the last trap (the evaluator calls it before each event, as forgetSamples). */
export function forgetTrapLabels(): void {
  labelsOfTrap = undefined;
  trapLabelSets = NO_SETS;
}

/** Series labels of a trap: the named varbinds' values (`by: [ifIndex]`). */
export function trapLabels(p: SnmpTrapPayload, by: readonly string[] | undefined): LabelSet {
  if (!by || by.length === 0) return NO_LABELS;
  if (p !== labelsOfTrap) {
    labelsOfTrap = p;
    trapLabelSets = [];
  }
  for (const c of trapLabelSets) if (sameNames(c.by, by)) return c.set;
  const set = buildTrapLabels(p, by);
  if (trapLabelSets.length < 8) trapLabelSets.push({ by, set });
  return set;
}

function buildTrapLabels(p: SnmpTrapPayload, by: readonly string[]): LabelSet {
  const out: Record<string, string> = {};
  for (const key of by) {
    const vb = findVarbind(p.varbinds, key);
    if (vb) out[key] = varbindValue(vb);
  }
  return labelSet(out);
}

/** A syslog field `by` can name: vendor fields (`fields`) win over the header fields of the same name. */
function syslogField(p: SyslogMessagePayload, key: string): string | undefined {
  if (p.fields && Object.hasOwn(p.fields, key)) return p.fields[key];
  switch (key) {
    case 'appName':
      return p.appName;
    case 'msgId':
      return p.msgId;
    case 'facility':
      return String(p.facility);
    case 'hostname':
      return p.hostname;
  }
  return undefined;
}

/** Series labels of a syslog message: `by` over appName, msgId, facility, hostname and vendor fields. */
export function syslogLabels(p: SyslogMessagePayload, by: readonly string[] | undefined): LabelSet {
  if (!by || by.length === 0) return NO_LABELS;
  const out: Record<string, string> = {};
  for (const key of by) {
    const v = syslogField(p, key);
    if (v !== undefined) out[key] = v;
  }
  return labelSet(out);
}
