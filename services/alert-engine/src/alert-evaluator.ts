import { createEvent } from '@sonde/events/create-event';
import type { EventKind } from '@sonde/events/event-kind';
import type { AlertStatePayload, AlertTransition } from '@sonde/events/payloads/alert-state';
import type { DeviceRef, SondeEvent } from '@sonde/events/sonde-event';
import type { AlertStateEvent } from './alert-transition-sink';
import type { CompiledRule, ObservationSink } from './compiled-rule';
import { emptySeries, type AlertSeries, type DeviceAlertState, type SeriesKind } from './device-alert-state';
import { DeviceSeriesIndex, type RuleSeries } from './device-series-index';
import { fingerprint } from './fingerprint';
import { FLAP_HISTORY, nextFlapping, percentStateChange } from './flap-detector';
import { sameNames, type LabelSet } from './label-set';
import { matchesAll } from './notify/matcher';
import type { RuleSet } from './rule-set';
import { ThresholdGates } from './threshold-gates';
import { forgetTrapLabels } from './rule-types/event-selectors';
import { forgetSamples } from './rule-types/sample-rows';

/** A firing alert that mutes others (topology or inhibit_rules); shared between replicas. */
export interface Inhibitor {
  fingerprint: string;
  device: string;
  ruleId: string;
  labels: Record<string, string>;
  /** Topology: kinds muted on the same device (`all`), and whether children are muted. */
  sameDevice?: 'all' | readonly EventKind[];
  children?: boolean;
}

export interface EvaluatorOptions {
  /** Identity written into every transition (`collector` of the alert.state events). */
  collector: string;
  /** Inventory tags of a device (`match: { tags: … }`). */
  tagsOf(deviceId: string): readonly string[];
  /** Direct parents of a device (`devices[].parents`). */
  parentsOf(deviceId: string): readonly string[];
  /** A rule threw at run time: count and rate-limit-log; the engine goes on. */
  onRuleError(rule: CompiledRule, device: string, err: unknown): void;
  /** When this evaluator started: the baseline of absence for a device heard once. */
  startedAt: number;
}

interface QueuedTransition {
  state: DeviceAlertState;
  series: AlertSeries;
  rule: CompiledRule;
  transition: AlertTransition;
  now: number;
  seq: number;
  lifecycle: 'pending' | 'firing' | 'resolved';
  since: number;
  startsAt: number;
  value: number | undefined;
  flapping: boolean;
  inhibitedBy: string[];
}

const DEFAULT_FLAP = { enabled: true, low: 20, high: 30 };
const NO_ANCESTORS: readonly string[] = [];
const LIFECYCLE: ReadonlySet<AlertTransition> = new Set(['pending', 'firing', 'resolved', 'cancelled']);

/**
 * The evaluation half (issue 9 items 1–6): events in, alert transitions out. Pure and
 * synchronous — no clock of its own (event time, and `tick(now)` for timers), no I/O: the
 * consumer loads and saves device states and publishes the transitions. One instance owns the
 * devices of the partitions its consumer was given.
 */
export class AlertEvaluator {
  private rules: RuleSet;
  private readonly devices = new Map<string, DeviceAlertState>();
  /** Site or site/collector → last event time (collector silence). */
  private readonly collectors = new Map<string, { site: string; lastSeen: number }>();
  /** The two entries of `collectors` an event's site and collector update, by site and collector. */
  private readonly collectorEntries = new Map<string, Map<string, { site: { site: string; lastSeen: number }; collector: { site: string; lastSeen: number } }>>();
  private readonly dirty = new Set<string>();
  private remoteInhibitors: readonly Inhibitor[] = [];
  private inhibitorsChanged = true;
  private lastInhibitorKey = '';
  private readonly touched = new Set<AlertSeries>();
  /** Firing series that mute others (topology rules, inhibit_rules sources), kept as they change. */
  private readonly inhibiting = new Set<AlertSeries>();
  /** Per device: series by rule and labels, and how many each rule has (an inactive observation of a rule without series costs nothing). */
  private readonly seriesIndex = new WeakMap<DeviceAlertState, DeviceSeriesIndex>();
  /** What the rule running now observes for: one sink for every rule and event (no closure per call). */
  private current: { state: DeviceAlertState; index: DeviceSeriesIndex; rule: CompiledRule; entry: RuleSeries | undefined; now: number; kind: SeriesKind } | undefined;
  private readonly sink: ObservationSink = (labels, active, value) => this.observe(labels, active, value);
  /** Transitions of this call, built at flush so a series born muted carries its inhibitedBy. */
  private queued: QueuedTransition[] = [];
  private readonly bornThisCall = new Set<AlertSeries>();
  /** applyInhibition's scratch: the inhibitors muting the series it looks at. */
  private readonly muted = new Set<string>();

  constructor(
    rules: RuleSet,
    private readonly options: EvaluatorOptions,
  ) {
    this.rules = rules;
  }

  get ruleSet(): RuleSet {
    return this.rules;
  }

  /** Replaces the rules (reload). Firing series of rules that are gone resolve; their state goes. */
  setRules(rules: RuleSet, now: number): AlertStateEvent[] {
    this.rules = rules;
    for (const state of this.devices.values()) {
      for (const s of [...state.series.values()]) {
        if (rules.byId.has(s.ruleId)) continue;
        if (s.state === 'firing') {
          const rule = this.lookupRemoved(s);
          s.state = 'inactive';
          this.emit(state, s, rule, 'resolved', now);
        }
        this.dropSeries(state, s);
        this.dirty.add(state.device.id);
      }
    }
    this.rebuildInhibiting();
    this.inhibitorsChanged = true;
    return this.flush();
  }

  private indexOf(state: DeviceAlertState): DeviceSeriesIndex {
    let index = this.seriesIndex.get(state);
    if (!index) this.seriesIndex.set(state, (index = new DeviceSeriesIndex(state)));
    return index;
  }

  private dropSeries(state: DeviceAlertState, s: AlertSeries): void {
    if (state.series.get(s.fingerprint) !== s) return;
    state.series.delete(s.fingerprint);
    const index = this.indexOf(state);
    index.of(s.ruleId).live--;
  }

  private rebuildInhibiting(): void {
    this.inhibiting.clear();
    for (const state of this.devices.values()) for (const s of state.series.values()) this.trackInhibiting(s);
  }

  private trackInhibiting(s: AlertSeries): void {
    const rule = this.rules.byId.get(s.ruleId);
    if (s.state === 'firing' && rule && (rule.config.inhibits || this.rules.inhibitRules.some((ir) => matchesAll(ir.source, s.labels)))) this.inhibiting.add(s);
    else this.inhibiting.delete(s);
  }

  /** Takes over a device from a checkpoint (partition assigned, restart). Memory wins only if newer. */
  restore(state: DeviceAlertState): void {
    const current = this.devices.get(state.device.id);
    if (current && current.rev >= state.rev) return;
    if (current) for (const s of current.series.values()) this.inhibiting.delete(s);
    this.devices.set(state.device.id, state);
    for (const s of state.series.values()) this.trackInhibiting(s);
    this.inhibitorsChanged = true;
  }

  /** Drops devices from memory (a batch whose state could not be saved is replayed from the checkpoint). */
  forget(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) {
      this.devices.delete(id);
      this.dirty.delete(id);
    }
    this.rebuildInhibiting();
    this.inhibitorsChanged = true;
  }

  has(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  deviceState(deviceId: string): DeviceAlertState | undefined {
    return this.devices.get(deviceId);
  }

  /** Devices changed since the last call, with their revision bumped: what to checkpoint. */
  takeDirty(): DeviceAlertState[] {
    const out: DeviceAlertState[] = [];
    for (const id of this.dirty) {
      const state = this.devices.get(id);
      if (!state) continue;
      state.rev++;
      out.push(state);
    }
    this.dirty.clear();
    return out;
  }

  /** Series currently pending or firing (status, metrics). */
  activeCounts(): { pending: number; firing: number; series: number } {
    let pending = 0;
    let firing = 0;
    let series = 0;
    for (const d of this.devices.values()) {
      for (const s of d.series.values()) {
        series++;
        if (s.state === 'pending') pending++;
        else if (s.state === 'firing') firing++;
      }
    }
    return { pending, firing, series };
  }

  /** Runs every event through the rules of its kind; returns the transitions, in order. */
  evaluate(events: readonly SondeEvent[]): AlertStateEvent[] {
    for (const event of events) {
      if (event.kind === 'alert.state') continue;
      forgetSamples();
      forgetTrapLabels();
      const state = this.stateOf(event);
      state.lastSeen[event.kind] = event.ts;
      this.dirty.add(state.device.id);
      this.seeCollector(event);
      const rules = this.rules.select(event);
      if (rules.length === 0) continue;
      const tags = this.options.tagsOf(event.device.id);
      const index = this.indexOf(state);
      const all = this.rules.rules;
      // plain thresholds no value of this event can pass are skipped on devices without their series
      const gates = ThresholdGates.of(rules);
      const cuts = gates.empty ? undefined : gates.cutsFor(event);
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as CompiledRule;
        if (!rule.behaviour.observe) continue;
        const entry = index.inSet(rule, all);
        if (cuts !== undefined) {
          const family = gates.family[i] as number;
          if (family >= 0 && (gates.rank[i] as number) >= (cuts[family] as number) && (entry === undefined || entry.live === 0)) continue;
        }
        this.runRule(rule, event, state, index, entry, tags);
      }
    }
    this.current = undefined;
    this.applyInhibition(events.length > 0 ? (events[events.length - 1] as SondeEvent).ts : 0);
    return this.flush();
  }

  /** Timers at `now`: for:, keep_firing_for:, event expiry, windows, absence, collector silence. */
  tick(now: number): AlertStateEvent[] {
    for (const state of this.devices.values()) {
      // a series tickSeries drops is the one visited: Map iteration goes on past it
      for (const s of state.series.values()) {
        const rule = this.rules.byId.get(s.ruleId);
        if (!rule) continue;
        this.tickSeries(state, s, rule, now);
      }
      if (!state.device.id.startsWith('collector:')) for (const rule of this.rules.absence) this.tickAbsence(state, rule, now);
    }
    for (const rule of this.rules.silence) this.tickSilence(rule, now);
    this.applyInhibition(now);
    return this.flush();
  }

  /** Firing alerts of this evaluator that mute others: the consumer shares them with the other replicas. */
  localInhibitors(): Inhibitor[] {
    const out: Inhibitor[] = [];
    for (const s of this.inhibiting) {
      const rule = this.rules.byId.get(s.ruleId);
      if (!rule || s.state !== 'firing') continue;
      const topology = rule.config.inhibits;
      out.push({
        fingerprint: s.fingerprint,
        device: s.labels.device ?? '',
        ruleId: s.ruleId,
        labels: s.labels,
        ...(topology ? { sameDevice: topology.sameDevice, children: topology.children } : {}),
      });
    }
    return out;
  }

  /** Inhibitors from the other replicas (the consumer reads them from the StateStore). */
  setRemoteInhibitors(inhibitors: readonly Inhibitor[]): void {
    this.remoteInhibitors = inhibitors;
    this.inhibitorsChanged = true;
  }

  private stateOf(event: SondeEvent): DeviceAlertState {
    let state = this.devices.get(event.device.id);
    if (!state) {
      state = { device: event.device, site: event.site, firstSeen: event.ts, lastSeen: {}, series: emptySeries(), rev: 0 };
      this.devices.set(event.device.id, state);
    } else if (event.device.name && state.device.name !== event.device.name) {
      state.device = event.device;
    }
    return state;
  }

  private seeCollector(event: SondeEvent): void {
    // found by site, then collector: no `site/collector` key string per event
    let bySite = this.collectorEntries.get(event.site);
    if (!bySite) this.collectorEntries.set(event.site, (bySite = new Map()));
    let pair = bySite.get(event.collector);
    if (!pair) {
      const entry = (key: string) => {
        let c = this.collectors.get(key);
        if (!c) this.collectors.set(key, (c = { site: event.site, lastSeen: event.ts }));
        return c;
      };
      pair = { site: entry(event.site), collector: entry(`${event.site}/${event.collector}`) };
      bySite.set(event.collector, pair);
    }
    if (event.ts > pair.site.lastSeen) pair.site.lastSeen = event.ts;
    if (event.ts > pair.collector.lastSeen) pair.collector.lastSeen = event.ts;
  }

  private runRule(rule: CompiledRule, event: SondeEvent, state: DeviceAlertState, index: DeviceSeriesIndex, entry: RuleSeries | undefined, tags: readonly string[]): void {
    const b = rule.behaviour;
    try {
      const tracked = entry !== undefined && entry.live > 0;
      // cheap type-specific test first: a rule that would observe nothing builds no CEL activation
      if (b.mayObserve && !b.mayObserve(event, tracked)) return;
      if (!rule.selects(event, tags)) return;
      const current = this.current;
      if (current) {
        current.state = state;
        current.index = index;
        current.rule = rule;
        current.entry = entry;
        current.now = event.ts;
        current.kind = event.kind;
      } else {
        this.current = { state, index, rule, entry, now: event.ts, kind: event.kind };
      }
      (b.observe as NonNullable<typeof b.observe>)(event, this.sink, tracked);
    } catch (err) {
      this.options.onRuleError(rule, event.device.id, err);
    }
  }

  private seriesFor(state: DeviceAlertState, rule: CompiledRule, extra: Readonly<Record<string, string>>, kind: SeriesKind): AlertSeries {
    const labels: Record<string, string> = {
      ...rule.config.labels,
      ...extra,
      alertname: rule.name,
      rule: rule.id,
      device: state.device.id,
      site: state.site,
      severity: rule.severity,
    };
    const fp = fingerprint(labels);
    let s = state.series.get(fp);
    if (!s) {
      s = { fingerprint: fp, ruleId: rule.id, labels, kind, state: 'inactive', active: false, startsAt: 0, since: 0, lastActiveAt: 0, streak: 0, seq: 0, history: [], flapping: false, inhibitedBy: [], hits: [] };
      state.series.set(fp, s);
      this.indexOf(state).of(rule.id, rule.slot).live++;
    }
    return s;
  }

  /** One observation of the running rule (`current`): find or open its series, then the lifecycle. */
  private observe(labels: LabelSet, observedActive: boolean, observedValue: number | undefined): void {
    const current = this.current as NonNullable<AlertEvaluator['current']>;
    const { state, index, rule, now, kind } = current;
    let entry = current.entry;
    let s = entry?.cached(labels);
    if (s && state.series.get(s.fingerprint) !== s) s = undefined;
    if (!s) {
      // nothing to track: the condition does not hold for a series that does not exist
      if (!observedActive) return;
      s = this.seriesFor(state, rule, labels.labels, kind);
      entry = current.entry = index.of(rule.id, rule.slot);
      entry.cache(labels, s);
    }
    const b = rule.behaviour;
    let active = observedActive;
    let value = observedValue;
    if (b.streak !== undefined) {
      s.streak = active ? s.streak + 1 : 0;
      active = s.streak >= b.streak;
      value = s.streak;
    }
    if (b.window) {
      s.hits.push(now);
      const from = now - b.window.windowMs;
      while (s.hits.length > 0 && (s.hits[0] as number) <= from) s.hits.shift();
      active = s.hits.length > b.window.count;
      value = s.hits.length;
    }
    if (value !== undefined) s.value = value;
    if (b.flappable) this.recordFlap(state, s, rule, active, now);
    this.apply(state, s, rule, active, now);
    // inhibition looks at pending and firing series only; a series that becomes so passes transition(), which adds it
    if (s.state !== 'inactive') this.touched.add(s);
    // a quiet series (inactive, no state changes left in its history) is forgotten
    if (s.state === 'inactive' && !s.flapping && s.streak === 0 && s.hits.length === 0 && state.series.get(s.fingerprint) === s && percentStateChange(s.history) === 0) {
      this.dropSeries(state, s);
      (entry as RuleSeries).uncache(labels);
    }
  }

  private recordFlap(state: DeviceAlertState, s: AlertSeries, rule: CompiledRule, active: boolean, now: number): void {
    const flap = rule.config.flap ?? DEFAULT_FLAP;
    s.history.push(active ? 1 : 0);
    if (s.history.length > FLAP_HISTORY) s.history.shift();
    if (!flap.enabled) return;
    const flapping = nextFlapping(s.flapping, percentStateChange(s.history), flap.low, flap.high);
    if (flapping === s.flapping) return;
    s.flapping = flapping;
    this.emit(state, s, rule, flapping ? 'flapping-start' : 'flapping-stop', now);
  }

  /** The lifecycle (issue 9 item 4): inactive → pending → firing → resolved, with for / keep_firing_for. */
  private apply(state: DeviceAlertState, s: AlertSeries, rule: CompiledRule, active: boolean, now: number, forMs = rule.forMs): void {
    s.active = active;
    if (active) s.lastActiveAt = now;
    switch (s.state) {
      case 'inactive':
        if (!active) return;
        s.startsAt = now;
        s.since = now;
        if (forMs <= 0) this.transition(state, s, rule, 'firing', now);
        else this.transition(state, s, rule, 'pending', now);
        return;
      case 'pending':
        if (active) {
          if (now - s.startsAt >= forMs) this.transition(state, s, rule, 'firing', now);
        } else if (rule.behaviour.resolveAfterMs === undefined) {
          this.transition(state, s, rule, 'cancelled', now);
        }
        return;
      case 'firing':
        if (active || rule.behaviour.resolveAfterMs !== undefined) return;
        if (now - s.lastActiveAt >= rule.keepFiringForMs) this.transition(state, s, rule, 'resolved', now);
    }
  }

  private transition(state: DeviceAlertState, s: AlertSeries, rule: CompiledRule, t: 'pending' | 'firing' | 'resolved' | 'cancelled', now: number): void {
    s.state = t === 'pending' ? 'pending' : t === 'firing' ? 'firing' : 'inactive';
    s.since = now;
    if (t === 'resolved' || t === 'cancelled') s.inhibitedBy = [];
    this.trackInhibiting(s);
    this.dirty.add(state.device.id);
    this.touched.add(s);
    this.emit(state, s, rule, t, now);
    if (s.state === 'inactive' && !s.flapping && s.hits.length === 0 && percentStateChange(s.history) === 0) this.dropSeries(state, s);
  }

  private tickSeries(state: DeviceAlertState, s: AlertSeries, rule: CompiledRule, now: number): void {
    const b = rule.behaviour;
    if (b.window && s.hits.length > 0) {
      const from = now - b.window.windowMs;
      const before = s.hits.length;
      while (s.hits.length > 0 && (s.hits[0] as number) <= from) s.hits.shift();
      if (s.hits.length !== before) {
        s.value = s.hits.length;
        this.apply(state, s, rule, s.hits.length > b.window.count, now);
      }
      if (s.state === 'inactive' && s.hits.length === 0) this.dropSeries(state, s);
      return;
    }
    if (b.resolveAfterMs !== undefined) {
      const expired = now - s.lastActiveAt >= b.resolveAfterMs;
      if (s.state === 'pending') {
        if (expired) this.transition(state, s, rule, 'cancelled', now);
        else if (now - s.startsAt >= rule.forMs) this.transition(state, s, rule, 'firing', now);
      } else if (s.state === 'firing' && now - s.lastActiveAt >= b.resolveAfterMs + rule.keepFiringForMs) {
        s.active = false;
        this.transition(state, s, rule, 'resolved', now);
      }
      return;
    }
    if (s.state === 'pending' && s.active && now - s.startsAt >= rule.forMs) this.transition(state, s, rule, 'firing', now);
    else if (s.state === 'firing' && !s.active && now - s.lastActiveAt >= rule.keepFiringForMs) this.transition(state, s, rule, 'resolved', now);
  }

  /** `type: absence`: the device was heard (any kind), but not this kind for `for`. */
  private tickAbsence(state: DeviceAlertState, rule: CompiledRule, now: number): void {
    if (rule.config.type !== 'absence') return;
    const kind = rule.config.kind;
    const probe = { kind, device: state.device, site: state.site, collector: '', payload: {}, ts: now } as unknown as SondeEvent;
    try {
      if (!rule.selects(probe, this.options.tagsOf(state.device.id))) return;
    } catch (err) {
      this.options.onRuleError(rule, state.device.id, err);
      return;
    }
    const last = state.lastSeen[kind] ?? Math.max(state.firstSeen, this.options.startedAt);
    const silentMs = now - last;
    // no series of this rule on the device and not silent long enough: nothing to create (and drop)
    if (silentMs < rule.forMs && (this.indexOf(state).get(rule.id)?.live ?? 0) === 0) return;
    const s = this.seriesFor(state, rule, {}, kind);
    s.value = Math.round(silentMs / 1000);
    if (s.state === 'inactive' && silentMs < rule.forMs) {
      this.dropSeries(state, s);
      return;
    }
    this.apply(state, s, rule, silentMs >= rule.forMs, now, 0);
  }

  /** `type: silence`: no event at all from a site / a collector for `for`. */
  private tickSilence(rule: CompiledRule, now: number): void {
    if (rule.config.type !== 'silence') return;
    const scope = rule.config.scope;
    for (const [key, c] of this.collectors) {
      if (key.includes('/') !== (scope === 'collector')) continue;
      const id = `collector:${key}`;
      let state = this.devices.get(id);
      if (!state) {
        state = { device: { id, name: key, address: '' }, site: c.site, firstSeen: now, lastSeen: {}, series: emptySeries(), rev: 0 };
        this.devices.set(id, state);
      }
      const silentMs = now - c.lastSeen;
      const extra: Record<string, string> = scope === 'collector' ? { collector: key.slice(key.indexOf('/') + 1) } : {};
      const s = this.seriesFor(state, rule, extra, 'none');
      s.value = Math.round(silentMs / 1000);
      if (s.state === 'inactive' && silentMs < rule.forMs) {
        this.dropSeries(state, s);
        continue;
      }
      this.apply(state, s, rule, silentMs >= rule.forMs, now, 0);
      this.dirty.add(id);
    }
  }

  /**
   * Topology and explicit inhibition (issue 9 item 6). A muted alert is still an alert: it keeps
   * its lifecycle and carries `inhibitedBy`; a firing one emits `inhibited` / `uninhibited`.
   * Everything is recomputed only when the set of inhibitors changed; otherwise only the series
   * this batch touched are.
   */
  private applyInhibition(now: number): void {
    const local = this.localInhibitors();
    const all = [...local, ...this.remoteInhibitors.filter((r) => !local.some((l) => l.fingerprint === r.fingerprint))];
    const key = all.map((i) => i.fingerprint).sort().join(',');
    if (key !== this.lastInhibitorKey) {
      this.lastInhibitorKey = key;
      this.inhibitorsChanged = true;
    }
    const byDevice = new Map<string, Inhibitor[]>();
    for (const i of all) {
      const list = byDevice.get(i.device);
      if (list) list.push(i);
      else byDevice.set(i.device, [i]);
    }
    const visit = (state: DeviceAlertState, s: AlertSeries) => {
      if (s.state === 'inactive') return;
      // no inhibitor anywhere: nothing can mute it, and nothing does yet
      if (all.length === 0 && s.inhibitedBy.length === 0) return;
      // one Set for every visit: most series are muted by nothing, and were not before either
      const muted = this.muted;
      muted.clear();
      for (const i of byDevice.get(state.device.id) ?? []) {
        if (!i.sameDevice || i.fingerprint === s.fingerprint || i.ruleId === s.ruleId) continue;
        if (i.sameDevice === 'all' || (s.kind !== 'none' && i.sameDevice.includes(s.kind))) muted.add(i.fingerprint);
      }
      for (const ancestor of this.ancestorsOf(state.device.id)) {
        for (const i of byDevice.get(ancestor) ?? []) if (i.children) muted.add(i.fingerprint);
      }
      for (const ir of this.rules.inhibitRules) {
        if (!matchesAll(ir.target, s.labels)) continue;
        for (const i of all) {
          if (i.fingerprint === s.fingerprint || !matchesAll(ir.source, i.labels)) continue;
          if (ir.equal.every((l) => (i.labels[l] ?? '') === (s.labels[l] ?? ''))) muted.add(i.fingerprint);
        }
      }
      if (muted.size === 0 && s.inhibitedBy.length === 0) return;
      const next = [...muted].sort();
      if (sameNames(next, s.inhibitedBy)) return;
      const was = s.inhibitedBy.length > 0;
      s.inhibitedBy = next;
      this.dirty.add(state.device.id);
      // a series that went pending/firing in this call is born muted: its transition carries inhibitedBy
      if (this.bornThisCall.has(s)) return;
      const rule = this.rules.byId.get(s.ruleId);
      if (rule && s.state === 'firing' && was !== next.length > 0) this.emit(state, s, rule, next.length > 0 ? 'inhibited' : 'uninhibited', now);
    };
    if (this.inhibitorsChanged) {
      for (const state of this.devices.values()) for (const s of state.series.values()) visit(state, s);
      this.inhibitorsChanged = false;
    } else {
      for (const s of this.touched) {
        const state = this.devices.get(s.labels.device ?? '');
        if (state) visit(state, s);
      }
    }
    this.touched.clear();
  }

  private ancestorsOf(deviceId: string): readonly string[] {
    const parents = this.options.parentsOf(deviceId);
    // most devices have no parent: nothing to walk, nothing to allocate
    if (parents.length === 0) return NO_ANCESTORS;
    const out: string[] = [];
    const seen = new Set([deviceId]);
    const queue = [...parents];
    while (queue.length > 0) {
      const p = queue.shift() as string;
      if (seen.has(p)) continue;
      seen.add(p);
      out.push(p);
      queue.push(...this.options.parentsOf(p));
    }
    return out;
  }

  private lookupRemoved(s: AlertSeries): CompiledRule {
    return {
      id: s.ruleId,
      name: s.labels.alertname ?? s.ruleId,
      severity: (s.labels.severity as CompiledRule['severity']) ?? 'warning',
      config: { type: 'silence', id: s.ruleId, severity: 'warning', labels: {}, annotations: {}, match: {}, for: 0, keep_firing_for: 0, scope: 'site' },
      origin: 'removed on reload',
      behaviour: { kinds: [], flappable: false },
      selects: () => false,
      annotations: () => ({ summary: `${s.labels.alertname ?? s.ruleId}: rule removed on reload` }),
      forMs: 0,
      keepFiringForMs: 0,
      slot: -1,
    };
  }

  private emit(state: DeviceAlertState, s: AlertSeries, rule: CompiledRule, transition: AlertTransition, now: number): void {
    // a flapping series keeps its lifecycle but says so once (flapping-start/stop), not per change
    if (s.flapping && LIFECYCLE.has(transition)) return;
    s.seq++;
    this.dirty.add(state.device.id);
    if (transition === 'pending' || transition === 'firing') this.bornThisCall.add(s);
    this.queued.push({
      state,
      series: s,
      rule,
      transition,
      now,
      seq: s.seq,
      lifecycle: s.state === 'inactive' ? 'resolved' : s.state,
      since: s.since,
      startsAt: s.startsAt,
      value: s.value,
      flapping: s.flapping,
      inhibitedBy: s.inhibitedBy,
    });
  }

  private build(q: QueuedTransition): AlertStateEvent {
    const { state, series: s, rule } = q;
    const device: DeviceRef = state.device;
    const annotations = rule.annotations({
      labels: s.labels,
      device: device.id,
      deviceName: device.name ?? device.id,
      site: state.site,
      rule: rule.name,
      value: q.value,
      threshold: rule.behaviour.threshold,
    });
    const born = q.transition === 'pending' || q.transition === 'firing';
    // two literals (with and without endsAt) and value/threshold (the last keys) assigned: the same
    // JSON as conditional spreads, without V8's slow spread path once per transition
    const summary = annotations.summary ?? `${rule.name} on ${device.name ?? device.id}`;
    const inhibitedBy = born && s.state !== 'inactive' ? s.inhibitedBy : q.inhibitedBy;
    const transitionId = `${s.fingerprint}:${q.seq}`;
    const { id: ruleId, name: ruleName, severity } = rule;
    const { fingerprint: fp, labels } = s;
    const payload: AlertStatePayload =
      q.lifecycle === 'resolved'
        ? { ruleId, ruleName, state: q.lifecycle, severity, fingerprint: fp, since: q.since, summary, labels, annotations, startsAt: q.startsAt, endsAt: q.now, inhibitedBy, flapping: q.flapping, transition: q.transition, transitionId }
        : { ruleId, ruleName, state: q.lifecycle, severity, fingerprint: fp, since: q.since, summary, labels, annotations, startsAt: q.startsAt, inhibitedBy, flapping: q.flapping, transition: q.transition, transitionId };
    if (q.value !== undefined) payload.value = q.value;
    if (rule.behaviour.threshold !== undefined) payload.threshold = rule.behaviour.threshold;
    return createEvent('alert.state', { site: state.site, collector: this.options.collector }, device, payload, q.now);
  }

  private flush(): AlertStateEvent[] {
    const out = this.queued.map((q) => this.build(q));
    this.queued = [];
    this.bornThisCall.clear();
    return out;
  }
}
