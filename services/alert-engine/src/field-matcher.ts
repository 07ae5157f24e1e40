import { BlockList, isIP } from 'node:net';
import { AlertRuleError } from './alert-rule-error';
import type { FieldMatcher } from './rule-config';

/** A compiled matcher on one value (a string, number, boolean or list of strings such as tags). */
export type ValueTest = (value: unknown) => boolean;

function one(m: Exclude<FieldMatcher, readonly unknown[]>, path: string): (v: string) => boolean {
  if (typeof m === 'string' || typeof m === 'number' || typeof m === 'boolean') {
    const want = String(m);
    return (v) => v === want;
  }
  if ('not' in m) return (v) => v !== m.not;
  if ('regex' in m) {
    let re: RegExp;
    try {
      // anchored like Prometheus/Alertmanager matchers: the whole value must match
      re = new RegExp(`^(?:${m.regex})$`, 's');
    } catch (err) {
      throw new AlertRuleError(`${path}: invalid regex ${JSON.stringify(m.regex)}: ${(err as Error).message}`, { path });
    }
    return (v) => re.test(v);
  }
  const [base, bits] = m.cidr.split('/');
  const family = isIP(base ?? '');
  const prefix = Number(bits ?? (family === 6 ? 128 : 32));
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
    throw new AlertRuleError(`${path}: invalid CIDR ${JSON.stringify(m.cidr)} (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`, { path });
  }
  const list = new BlockList();
  const type = family === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(base as string, prefix, type);
  return (v) => {
    const f = isIP(v);
    if (f === 0) return false;
    return list.check(v, f === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Compiles a matcher once at load. A list matches if any entry does; a value that is a list
 * (device tags) matches if any element does; a missing value is the empty string.
 */
export function compileFieldMatcher(m: FieldMatcher, path: string): ValueTest {
  const tests = (Array.isArray(m) ? m : [m]).map((x, i) => one(x, Array.isArray(m) ? `${path}[${i}]` : path));
  // loops, not some(): a matcher runs per event and rule, and a closure per call is garbage
  const test = (v: string) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
  return (value) => {
    if (Array.isArray(value)) {
      for (const x of value) if (test(String(x))) return true;
      return false;
    }
    return test(value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value));
  };
}
