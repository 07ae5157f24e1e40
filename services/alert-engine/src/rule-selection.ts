import type { EventKind } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { CompiledRule } from './compiled-rule';
import { trapNames } from './rule-types/event-selectors';
import { sampleGroups } from './rule-types/sample-rows';

const NONE: readonly CompiledRule[] = [];
/** Distinct selection keys kept per kind (sample-name sets, trap names); beyond, the cache starts over. */
const MAX_KEYS = 1024;

/**
 * Which rules an event can concern, before any rule runs: the rules of its kind, less those whose
 * cheapest test cannot pass — a metric rule whose samples the event lacks (an interface rule on a
 * CPU event), a trap rule naming another trap, a syslog rule for more severe messages than this
 * one. Each list keeps the rules' order, so transitions come out as if every rule of the kind had
 * run. Lists are cached by what decides them (the event's sample names, trap OID and name,
 * severity): a poller sends the same groups every cycle.
 */
export class RuleSelection {
  /** Per kind, per metric group: the sample names a list was made for, and the list. */
  private readonly metricLists = new Map<EventKind, Map<string, { names: string[]; list: readonly CompiledRule[] }>>();
  private readonly trapLists = new Map<string, readonly CompiledRule[]>();
  private readonly syslogLists = new Map<number, readonly CompiledRule[]>();

  constructor(private readonly byKind: ReadonlyMap<EventKind, readonly CompiledRule[]>) {}

  select(event: SondeEvent): readonly CompiledRule[] {
    const rules = this.byKind.get(event.kind);
    if (!rules || rules.length === 0) return NONE;
    switch (event.kind) {
      case 'snmp.metric':
      case 'rmon.sample':
        return this.forSamples(event.kind, rules, event);
      case 'snmp.trap':
        return this.forTrap(rules, event);
      case 'syslog.message':
        return this.forSeverity(rules, event.payload.severity);
      default:
        return rules;
    }
  }

  private forSamples(kind: EventKind, rules: readonly CompiledRule[], event: Extract<SondeEvent, { kind: 'snmp.metric' | 'rmon.sample' }>): readonly CompiledRule[] {
    const groups = sampleGroups(event.payload.samples);
    // a group (interfaces, host-cpu …) has the same sample names every poll: check them, do not rebuild a key
    const group = 'group' in event.payload ? event.payload.group : '';
    let byGroup = this.metricLists.get(kind);
    if (!byGroup) this.metricLists.set(kind, (byGroup = new Map()));
    const cached = byGroup.get(group);
    if (cached && cached.names.length === groups.size && cached.names.every((n) => groups.has(n))) return cached.list;
    const list = rules.filter((r) => r.behaviour.metrics === undefined || r.behaviour.metrics.some((m) => groups.has(m)));
    remember(byGroup, group, { names: [...groups.keys()], list });
    return list;
  }

  private forTrap(rules: readonly CompiledRule[], event: Extract<SondeEvent, { kind: 'snmp.trap' }>): readonly CompiledRule[] {
    const p = event.payload;
    const key = `${p.trapOid}\u0000${p.trapName ?? ''}`;
    let list = this.trapLists.get(key);
    if (!list) {
      const names = trapNames(p);
      list = rules.filter((r) => r.behaviour.trapNames === undefined || names.some((n) => (r.behaviour.trapNames as ReadonlySet<string>).has(n)));
      remember(this.trapLists, key, list);
    }
    return list;
  }

  private forSeverity(rules: readonly CompiledRule[], severity: number): readonly CompiledRule[] {
    let list = this.syslogLists.get(severity);
    if (!list) {
      list = rules.filter((r) => r.behaviour.maxSeverity === undefined || severity <= r.behaviour.maxSeverity);
      remember(this.syslogLists, severity, list);
    }
    return list;
  }
}

function remember<K, V>(cache: Map<K, V>, key: K, list: V): void {
  if (cache.size >= MAX_KEYS) cache.clear();
  cache.set(key, list);
}
