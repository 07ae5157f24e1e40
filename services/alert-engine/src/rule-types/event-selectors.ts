import type { SnmpTrapPayload, TrapVarbind } from '@sonde/events/payloads/snmp-trap';
import type { SyslogMessagePayload } from '@sonde/events/payloads/syslog-message';
import { AlertRuleError } from '../alert-rule-error';
import { compileFieldMatcher } from '../field-matcher';
import type { RuleOfType } from '../rule-config';

type TrapSpec = NonNullable<RuleOfType<'event'>['trap']>;
type SyslogSpec = NonNullable<RuleOfType<'event'>['syslog']>;

/** `IF-MIB::ifIndex.3` → `ifIndex`; a name without module or instance stays as is. */
export function varbindBaseName(name: string): string {
  const afterModule = name.includes('::') ? name.slice(name.indexOf('::') + 2) : name;
  const dot = afterModule.indexOf('.');
  return dot === -1 ? afterModule : afterModule.slice(0, dot);
}

function trapNames(p: SnmpTrapPayload): string[] {
  const names = [p.trapOid];
  if (p.trapName) names.push(p.trapName, varbindBaseName(p.trapName));
  return names;
}

/** The varbind a rule names, by base name (`ifIndex`) or by OID prefix (`1.3.6.1.2.1.2.2.1.1`). */
function findVarbind(varbinds: readonly TrapVarbind[], key: string): TrapVarbind | undefined {
  const numeric = /^\d+(\.\d+)*$/.test(key);
  return varbinds.find((vb) => (numeric ? vb.oid === key || vb.oid.startsWith(`${key}.`) : vb.name !== undefined && varbindBaseName(vb.name) === key));
}

/** The value a varbind matcher and a series label see: the translated form when there is one. */
export function varbindValue(vb: TrapVarbind): string {
  return vb.display ?? vb.value;
}

export function compileTrapSelector(spec: TrapSpec, path: string): (p: SnmpTrapPayload) => boolean {
  const wanted = new Set((Array.isArray(spec.name) ? spec.name : [spec.name]).flatMap((n) => [n, varbindBaseName(n)]));
  const varbinds = Object.entries(spec.varbinds).map(([key, m]) => [key, compileFieldMatcher(m, `${path}.varbinds.${key}`)] as const);
  return (p) => {
    if (!trapNames(p).some((n) => wanted.has(n))) return false;
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

/** Series labels of a trap: the named varbinds' values (`by: [ifIndex]`). */
export function trapLabels(p: SnmpTrapPayload, by: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of by ?? []) {
    const vb = findVarbind(p.varbinds, key);
    if (vb) out[key] = varbindValue(vb);
  }
  return out;
}

/** Series labels of a syslog message: `by` over appName, msgId, facility, hostname and vendor fields. */
export function syslogLabels(p: SyslogMessagePayload, by: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const fields: Record<string, string | undefined> = { appName: p.appName, msgId: p.msgId, facility: String(p.facility), hostname: p.hostname, ...p.fields };
  for (const key of by ?? []) {
    const v = fields[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
