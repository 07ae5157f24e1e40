import { describe, expect, it } from '@jest/globals';
import { createEvent } from '@sonde/events/create-event';
import fc from 'fast-check';
import { partitionKeyOf } from './partition-key';

const origin = { site: 'lab', collector: 'c1' };

function alertEvent(deviceId: string, groupKey: string | undefined) {
  const payload = {
    ruleId: 'r',
    ruleName: 'r',
    state: 'firing' as const,
    severity: 'warning' as const,
    fingerprint: 'f',
    since: 0,
    summary: '',
    labels: {},
    ...(groupKey === undefined ? {} : { groupKey }),
  };
  return createEvent('alert.state', origin, { id: deviceId, address: '10.0.0.1' }, payload);
}

describe('partitionKeyOf', () => {
  it('keys collector events by device id', () => {
    const e = createEvent('icmp.probe', origin, { id: 'r1', address: '10.0.0.1' }, {
      target: '10.0.0.1',
      family: 4,
      sent: 1,
      received: 1,
      lossPct: 0,
      rttMinMs: 1,
      rttAvgMs: 1,
      rttMaxMs: 1,
      rttStddevMs: 0,
      errors: {},
      reachability: 'up',
    });
    expect(partitionKeyOf(e)).toBe('r1');
  });

  it('keys alert.state by its group key, so a notification group lives on one partition', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (device, groupKey) => {
        expect(partitionKeyOf(alertEvent(device, groupKey))).toBe(groupKey);
      }),
    );
  });

  it('falls back to the device id for alert.state without a group key', () => {
    expect(partitionKeyOf(alertEvent('r2', undefined))).toBe('r2');
    expect(partitionKeyOf(alertEvent('r3', ''))).toBe('r3');
  });
});
