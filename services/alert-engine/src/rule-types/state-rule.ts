import type { RuleBehaviourFactory } from '../compiled-rule';
import { NO_LABELS } from '../label-set';
import { cachedRows, rowLabelSet, sampleGroup, samplesNamed } from './sample-rows';

const INTERFACE_LABELS: readonly string[] = ['ifIndex', 'ifName'];

/** IF-MIB ifOperStatus/ifAdminStatus values (RFC 2863 §6): up(1), down(2), lowerLayerDown(7). */
const IF_UP = 1;
const OPER_DOWN = new Set([2, 7]);

/**
 * `type: state`: the states collectors report —
 * `icmp-unreachable`: icmp.probe reachability down (the prober's own transition logic);
 * `interface-down`: ifOperStatus down while ifAdminStatus is up, per interface row;
 * `poll-failing`: `snmp_poll_reachable` 0 for `cycles` consecutive polls (the count is the value).
 */
export const stateRule: RuleBehaviourFactory<'state'> = (rule) => {
  switch (rule.state) {
    case 'icmp-unreachable':
      return {
        kinds: ['icmp.probe'],
        flappable: true,
        // untracked, only a down probe opens a series
        mayObserve: (event, tracked) => event.kind === 'icmp.probe' && event.payload.reachability !== 'unknown' && (tracked || event.payload.reachability === 'down'),
        observe(event, out) {
          if (event.kind !== 'icmp.probe' || event.payload.reachability === 'unknown') return;
          out(NO_LABELS, event.payload.reachability === 'down', event.payload.lossPct);
        },
      };
    case 'interface-down':
      return {
        kinds: ['snmp.metric'],
        metrics: ['ifOperStatus'],
        flappable: true,
        // no row can be down while admin up unless some ifOperStatus is down (2, 7): untracked, the rows are not read
        mayObserve(event, tracked) {
          if (event.kind !== 'snmp.metric') return false;
          const oper = sampleGroup(event.payload.samples, 'ifOperStatus');
          return oper !== undefined && (tracked || oper.samples.some((s) => OPER_DOWN.has(s.value)));
        },
        observe(event, out, tracked) {
          if (event.kind !== 'snmp.metric') return;
          for (const row of cachedRows(event.payload.samples)) {
            const oper = row.values.ifOperStatus;
            const admin = row.values.ifAdminStatus;
            if (oper === undefined || admin === undefined) continue;
            const active = admin === IF_UP && OPER_DOWN.has(oper);
            if (active || tracked) out(rowLabelSet(row, rule.by ?? INTERFACE_LABELS), active, oper);
          }
        },
      };
    case 'poll-failing':
      return {
        kinds: ['snmp.metric'],
        metrics: ['snmp_poll_reachable'],
        flappable: true,
        threshold: rule.cycles,
        // consecutive failed cycles are counted by the series (its streak); active once it reaches `cycles`
        streak: rule.cycles,
        // untracked, only a failed poll (0) opens a series
        mayObserve(event, tracked) {
          if (event.kind !== 'snmp.metric') return false;
          const reachable = sampleGroup(event.payload.samples, 'snmp_poll_reachable');
          return reachable !== undefined && (tracked || (reachable.min <= 0 && reachable.max >= 0));
        },
        observe(event, out) {
          if (event.kind !== 'snmp.metric') return;
          for (const s of samplesNamed(event.payload.samples, 'snmp_poll_reachable')) {
            out(NO_LABELS, s.value === 0, s.value);
          }
        },
      };
  }
};
