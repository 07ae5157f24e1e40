import { createEvent } from '@sonde/events/create-event';
import { decodeEvent, encodeEvent } from '@sonde/events/event-codec';
import { partitionKeyOf } from '@sonde/bus/partition-key';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { AlertStateEvent } from './alert-transition-sink';
import { BusTransitionSink } from './bus-transition-sink';

const transition = (fingerprint: string, labels: Record<string, string>): AlertStateEvent =>
  createEvent('alert.state', { site: 'lab', collector: 'alert-engine' }, { id: 'r1', address: '127.0.0.2' }, {
    ruleId: 'device-unreachable', ruleName: 'DeviceUnreachable', state: 'firing', severity: 'critical', fingerprint,
    since: 1000, summary: 'r1 is unreachable', labels, annotations: { summary: 'r1 is unreachable' }, startsAt: 1000,
    inhibitedBy: [], flapping: false, transition: 'firing', transitionId: `${fingerprint}:1`,
  });

describe('BusTransitionSink', () => {
  it('publishes valid alert.state events keyed by the fingerprint when no routing resolver is given', async () => {
    const published: SondeEvent[] = [];
    await new BusTransitionSink({ publish: async (events) => void published.push(...events) }).emit([transition('f1', { device: 'r1' })]);
    expect(published).toHaveLength(1);
    const decoded = decodeEvent(encodeEvent(published[0]!));
    expect(decoded.kind === 'alert.state' && decoded.payload.groupKey).toBe('f1');
    expect(partitionKeyOf(decoded)).toBe('f1');
  });

  it('takes the group key from the resolver (the notification side’s routing tree)', async () => {
    const published: SondeEvent[] = [];
    const sink = new BusTransitionSink(
      { publish: async (events) => void published.push(...events) },
      { groupKeyOf: (labels) => `{}:{site="${labels.site ?? ''}"}` },
    );
    await sink.emit([transition('f1', { site: 'lab' }), transition('f2', { site: 'lab' })]);
    expect(published.map((e) => e.kind === 'alert.state' && e.payload.groupKey)).toEqual(['{}:{site="lab"}', '{}:{site="lab"}']);
  });

  it('publishes nothing for an empty batch', async () => {
    let calls = 0;
    await new BusTransitionSink({ publish: async () => void calls++ }).emit([]);
    expect(calls).toBe(0);
  });
});
