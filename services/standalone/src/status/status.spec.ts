import { EventRateTracker } from './event-rate-tracker';
import { formatTable } from './format-table';
import { renderStatus } from './render-status';

describe('EventRateTracker', () => {
  it('reports totals and a per-second rate over complete seconds', () => {
    let now = 1_000_000;
    const t = new EventRateTracker(5, () => now);
    for (let s = 0; s < 4; s++) {
      t.record('snmp.metric', 10);
      t.record('syslog.message', 2);
      now += 1000;
    }
    const byKind = Object.fromEntries(t.rates().map((r) => [r.kind, r]));
    expect(byKind['snmp.metric']).toEqual({ kind: 'snmp.metric', total: 40, perSecond: 10 });
    expect(byKind['syslog.message']?.perSecond).toBe(2);
    expect(byKind['icmp.probe']).toEqual({ kind: 'icmp.probe', total: 0, perSecond: 0 });
  });

  it('forgets what fell out of the window', () => {
    let now = 0;
    const t = new EventRateTracker(3, () => now);
    t.record('snmp.trap', 30);
    now += 60_000;
    expect(t.rates().find((r) => r.kind === 'snmp.trap')).toEqual({ kind: 'snmp.trap', total: 30, perSecond: 0 });
  });
});

describe('renderStatus', () => {
  it('shows rates, drops and alerts', () => {
    const text = renderStatus({
      startedAt: 0, now: 65_000, site: 'lab', stored: 12,
      rates: [{ kind: 'snmp.metric', total: 100, perSecond: 2.5 }],
      drops: [{ what: 'bus', count: 3 }, { what: 'syslog', count: 0 }],
      activeAlerts: [{ name: 'Device down', device: 'r1', since: 5_000 }],
      snmpVersions: [{ version: 'v2c', securityLevel: 'noAuthNoPriv', devices: 3 }, { version: 'v1', securityLevel: 'noAuthNoPriv', devices: 0 }],
      notes: [],
    });
    expect(text).toContain('up 1m05s');
    expect(text).toMatch(/snmp\.metric\s+2\.5\s+100/);
    expect(text).toContain('drops: bus=3');
    expect(text).toContain('Device down on r1 for 1m00s');
    expect(text).toContain('snmp versions: v2c/noAuthNoPriv=3');
  });

  it('shows the last notifications the log notifier sent', () => {
    const text = renderStatus({
      startedAt: 0, now: 65_000, site: 'lab', stored: 0, rates: [], drops: [], activeAlerts: [], snmpVersions: [], notes: [],
      notifications: [{ at: Date.UTC(2026, 11, 1, 10, 0, 5), receiver: 'log', title: '[FIRING:2] LinkDownTrap (r1)' }],
    });
    expect(text).toContain('last notifications:\n  10:00:05  log  [FIRING:2] LinkDownTrap (r1)');
  });
});

describe('formatTable', () => {
  it('aligns columns and counts rows', () => {
    expect(formatTable([{ kind: 'a', n: 1 }, { kind: 'bbb', n: 22 }])).toBe(
      ['kind  n', '----  --', 'a     1', 'bbb   22', '(2 rows)'].join('\n'),
    );
    expect(formatTable([])).toBe('(0 rows)');
  });
});
