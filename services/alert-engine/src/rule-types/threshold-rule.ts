import { AlertRuleError } from '../alert-rule-error';
import type { RuleBehaviourFactory } from '../compiled-rule';
import { compileFieldMatcher } from '../field-matcher';
import { NO_LABELS } from '../label-set';
import { COMPARE, mayHoldInRange } from './compare';
import { cachedRows, rowLabelSet, sampleGroup, sampleGroups, seriesLabelSet } from './sample-rows';

/** icmp.probe fields a threshold can read (numbers of the payload). */
const ICMP_FIELDS = new Set(['lossPct', 'rttMinMs', 'rttAvgMs', 'rttMaxMs', 'rttStddevMs', 'sent', 'received']);

/**
 * `type: threshold`: each matching sample (or row, with `expr`) is one observation of its series:
 * active when `value <op> threshold`. Samples come from snmp.metric / rmon.sample; for icmp.probe
 * the metric is a payload field (lossPct, rttAvgMs …).
 */
export const thresholdRule: RuleBehaviourFactory<'threshold'> = (rule, cel, path) => {
  const compare = COMPARE[rule.op];
  const threshold = rule.threshold;
  if (!rule.metric && !rule.expr) throw new AlertRuleError(`${path}: a threshold rule needs \`metric\` or \`expr\``, { path });
  const matchers = Object.entries(rule.sample).map(([name, m]) => [name, compileFieldMatcher(m, `${path}.sample.${name}`)] as const);
  // loops, not every(): these run per sample or row and rule, and a closure per call is garbage
  const labelsMatch = (labels: Record<string, string>) => {
    for (const [name, test] of matchers) if (!test(labels[name])) return false;
    return true;
  };
  const readsAll = (values: Record<string, number>, reads: readonly string[]) => {
    for (const name of reads) if (values[name] === undefined) return false;
    return true;
  };

  if (rule.kind === 'icmp.probe') {
    const field = rule.metric ?? '';
    if (!ICMP_FIELDS.has(field)) throw new AlertRuleError(`${path}.metric: icmp.probe has no numeric field "${field}" (use ${[...ICMP_FIELDS].join(', ')})`, { path: `${path}.metric` });
    return {
      kinds: ['icmp.probe'],
      flappable: true,
      threshold,
      gate: { metric: field, op: rule.op, threshold },
      mayObserve(event, tracked) {
        if (event.kind !== 'icmp.probe') return false;
        const v = (event.payload as unknown as Record<string, number | null>)[field];
        return typeof v === 'number' && (tracked || compare(v, threshold));
      },
      observe(event, out, tracked) {
        if (event.kind !== 'icmp.probe') return;
        const v = (event.payload as unknown as Record<string, number | null>)[field];
        if (typeof v !== 'number') return;
        const active = compare(v, threshold);
        if (active || tracked) out(NO_LABELS, active, v);
      },
    };
  }

  if (rule.expr) {
    const program = cel.compile(rule.expr, `${path}.expr`);
    // arithmetic and comparisons over samples: a closure tree instead of a CEL evaluation per row
    const fast = cel.samplesFastPath?.(rule.expr);
    // the samples the expression reads: a row without one of them is not this rule's row (skip it
    // before evaluating: a CEL "no such key" error per row costs more than the whole rule)
    const reads = [...new Set([...rule.expr.matchAll(/\bsamples\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string))];
    return {
      kinds: [rule.kind],
      ...(reads.length > 0 ? { metrics: reads } : {}),
      flappable: true,
      threshold,
      mayObserve(event) {
        if (event.kind !== 'snmp.metric' && event.kind !== 'rmon.sample') return false;
        const groups = sampleGroups(event.payload.samples);
        for (const name of reads) if (!groups.has(name)) return false;
        return true;
      },
      observe(event, out, tracked) {
        if (event.kind !== 'snmp.metric' && event.kind !== 'rmon.sample') return;
        for (const row of cachedRows(event.payload.samples)) {
          if (!readsAll(row.values, reads) || !labelsMatch(row.labels)) continue;
          let v: unknown;
          try {
            v = fast ? fast(row.values) : program({ samples: row.values, labels: row.labels });
          } catch {
            // a row without the samples the expression reads (e.g. a loopback without ifHighSpeed) is not this rule's row
            continue;
          }
          const n = typeof v === 'bigint' ? Number(v) : v;
          if (typeof n !== 'number' || !Number.isFinite(n)) continue;
          const active = compare(n, threshold);
          if (active || tracked) out(rowLabelSet(row, rule.by), active, n);
        }
      },
    };
  }

  const name = rule.value === 'rate' ? `${rule.metric}_rate` : (rule.metric as string);
  return {
    kinds: [rule.kind],
    metrics: [name],
    flappable: true,
    threshold,
    gate: { metric: name, op: rule.op, threshold },
    // an event without a sample of the metric (a CPU or poll-status event for an interface rule), or,
    // with no series of the rule on the device, whose values all lie on the quiet side, is skipped before `match`
    mayObserve(event, tracked) {
      if (event.kind !== 'snmp.metric' && event.kind !== 'rmon.sample') return false;
      const group = sampleGroup(event.payload.samples, name);
      return group !== undefined && (tracked || mayHoldInRange(rule.op, group.min, group.max, threshold));
    },
    observe(event, out, tracked) {
      if (event.kind !== 'snmp.metric' && event.kind !== 'rmon.sample') return;
      const group = sampleGroup(event.payload.samples, name);
      if (!group) return;
      for (const s of group.samples) {
        const active = compare(s.value, threshold);
        if ((!active && !tracked) || !labelsMatch(s.labels)) continue;
        out(seriesLabelSet(s.labels, rule.by), active, s.value);
      }
    },
  };
};
