import { describe, expect, it } from '@jest/globals';
import { notifyConfigSchema } from './notify.config';

const issues = (raw: unknown) => {
  const r = notifyConfigSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('alertEngine.notify config', () => {
  it('defaults to the log receiver (sonde up)', () => {
    const c = notifyConfigSchema.parse({});
    expect(c.route.receiver).toBe('log');
    expect(c.route.group_by).toEqual(['alertname', 'device']);
    expect(c.receivers).toEqual([{ name: 'log', notifiers: [{ type: 'log' }] }]);
  });

  it('errors name the path: unknown receivers and time intervals, bad matchers, durations and notifier fields', () => {
    expect(
      issues({
        route: { receiver: 'noc', routes: [{ receiver: 'pager', matchers: ['severity=~"("'] }, { receiver: 'noc', mute_time_intervals: ['nights'], group_wait: '5 minutes' }] },
        receivers: [{ name: 'noc', notifiers: [{ type: 'webhook', url: 'not a url' }, { type: 'carrier-pigeon' }] }],
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^route\.routes\.0\.matchers: invalid regex in matcher severity=~/),
        expect.stringMatching(/^route\.routes\.1\.group_wait: /),
        expect.stringMatching(/^receivers\.0\.notifiers\.0\.url: /),
        expect.stringMatching(/^receivers\.0\.notifiers\.1\.type: /),
      ]),
    );
    expect(issues({ route: { receiver: 'noc', routes: [{ receiver: 'pager' }, { mute_time_intervals: ['nights'] }] }, receivers: [{ name: 'noc' }] })).toEqual([
      'route.routes.0.receiver: unknown receiver "pager"',
      'route.routes.1.mute_time_intervals.0: unknown time interval "nights"',
    ]);
    expect(issues({ receivers: [{ name: 'log' }, { name: 'log' }] })).toEqual(['receivers.1.name: duplicate receiver "log"']);
  });

  it('refuses unknown keys (strict), as every Sonde section', () => {
    expect(issues({ route: { receiver: 'log', group_by_labels: ['x'] } })).toEqual([expect.stringMatching(/^route: Unrecognized key/)]);
  });
});
