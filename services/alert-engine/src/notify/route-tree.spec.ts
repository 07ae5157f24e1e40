import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { routeConfigSchema, type RouteConfigInput } from './notify.config';
import { RouteTree } from './route-tree';

const tree = (input: RouteConfigInput) => new RouteTree(routeConfigSchema.parse(input));

describe('routing tree (Alertmanager dispatch/route.go semantics)', () => {
  const t = tree({
    receiver: 'default',
    group_by: ['alertname'],
    routes: [
      { matchers: ['severity="critical"'], receiver: 'pager', continue: true, group_wait: '0s' },
      { matchers: ['site=~"par.*"'], receiver: 'paris', group_by: ['...'], routes: [{ matchers: ['device="r1"'], receiver: 'r1-team' }] },
      { matchers: ['site!="lab"'], receiver: 'ops' },
    ],
  });

  it('first matching child wins; continue goes on; a node without matching children is the match', () => {
    expect(t.match({ alertname: 'A', site: 'lab' }).map((r) => r.receiver)).toEqual(['default']);
    expect(t.match({ alertname: 'A', site: 'paris' }).map((r) => r.receiver)).toEqual(['paris']);
    expect(t.match({ alertname: 'A', site: 'paris', device: 'r1' }).map((r) => r.receiver)).toEqual(['r1-team']);
    expect(t.match({ alertname: 'A', site: 'paris', severity: 'critical' }).map((r) => r.receiver)).toEqual(['pager', 'paris']);
    expect(t.match({ alertname: 'A', site: 'nyc' }).map((r) => r.receiver)).toEqual(['ops']);
  });

  it('children inherit receiver, group_by and timers; `...` groups by every label', () => {
    const [pager] = t.match({ severity: 'critical', site: 'lab' });
    expect(pager?.groupWait).toBe(0);
    expect(pager?.groupInterval).toBe(300_000);
    expect(pager?.groupBy).toEqual(['alertname']);
    const [r1] = t.match({ alertname: 'A', site: 'paris', device: 'r1' });
    expect(r1?.groupBy).toBeNull();
    expect(r1?.groupKey({ alertname: 'A', site: 'paris', device: 'r1' })).toMatch(/:\{alertname="A", device="r1", site="paris"\}$/);
  });

  it('group keys look like Alertmanager’s and depend only on the group_by labels', () => {
    expect(t.groupKeyOf({ alertname: 'LinkDown', site: 'lab', device: 'r9' })).toBe('{}:{alertname="LinkDown"}');
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (d1, d2) => {
        expect(t.groupKeyOf({ alertname: 'X', site: 'lab', device: d1 })).toBe(t.groupKeyOf({ alertname: 'X', site: 'lab', device: d2 }));
      }),
    );
  });

  it('every label set matches at least one route, and only routes whose matchers hold', () => {
    const labels = fc.record({ alertname: fc.constantFrom('A', 'B'), site: fc.constantFrom('lab', 'paris', 'nyc', ''), severity: fc.constantFrom('critical', 'warning'), device: fc.constantFrom('r1', 'r2') }, { requiredKeys: [] });
    fc.assert(
      fc.property(labels, (l) => {
        const routes = t.match(l);
        expect(routes.length).toBeGreaterThan(0);
        for (const r of routes) for (const m of r.matchers) expect(m.test(l)).toBe(true);
        // Without continue, at most one non-continue sibling path is taken.
        expect(routes.filter((r) => !r.continue).length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
