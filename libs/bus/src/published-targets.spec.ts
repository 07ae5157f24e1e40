import { INVENTORY_MARKER_KEY, PublishedTargets } from './published-targets';
import { partitionOf } from './target-assignment';

const P = 12;
const dev = (id: string) => ({ id, address: `10.0.0.${id.length}` });
const rec = (id: string, value: unknown) => ({ partition: partitionOf(id, P), key: id, value: value === null ? null : JSON.stringify(value) });
const marker = (p: number) => ({ partition: p, key: INVENTORY_MARKER_KEY, value: JSON.stringify({ appliedAt: 1, devices: 0 }) });
const parse = (raw: unknown) => raw as { id: string; address: string };
const ids = (list: { id: string }[]) => list.map((d) => d.id).sort();

describe('PublishedTargets', () => {
  it('without a marker the config file\'s devices apply', () => {
    const t = new PublishedTargets();
    expect(t.apply([rec('new-1', dev('new-1'))])).toBe(true);
    expect(ids(t.devices([dev('a'), dev('b')], P, parse))).toEqual(['a', 'b']);
  });

  it('a marked partition holds exactly its published devices; tombstones remove', () => {
    const t = new PublishedTargets();
    const file = [dev('a'), dev('b'), dev('c')];
    const pa = partitionOf('a', P);
    t.apply([rec('x', dev('x')), rec('a', dev('a')), ...Array.from({ length: P }, (_, p) => marker(p))]);
    // every partition marked: the file is ignored, the topic is the list
    expect(ids(t.devices(file, P, parse))).toEqual(['a', 'x']);
    expect(t.apply([rec('a', null)])).toBe(true);
    expect(ids(t.devices(file, P, parse))).toEqual(['x']);
    // unchanged record: no change reported
    expect(t.apply([rec('x', dev('x'))])).toBe(false);
    // only partition of `a` marked: other partitions keep the file's devices
    const u = new PublishedTargets();
    u.apply([marker(pa)]);
    expect(ids(u.devices(file, P, parse))).toEqual(file.filter((d) => partitionOf(d.id, P) !== pa).map((d) => d.id).sort());
  });

  it('forgets partitions no longer owned, and skips entries the parser refuses', () => {
    const t = new PublishedTargets();
    t.apply([rec('x', dev('x')), ...Array.from({ length: P }, (_, p) => marker(p))]);
    t.retain(new Set([partitionOf('x', P) === 0 ? 1 : 0]));
    expect(t.appliedPartitions).toHaveLength(1);
    expect(ids(t.devices([dev('a')], P, parse))).toEqual(partitionOf('a', P) === t.appliedPartitions[0] ? [] : ['a']);
    const v = new PublishedTargets();
    v.apply([rec('x', dev('x')), { partition: 0, key: 'bad', value: '{not json' }, ...Array.from({ length: P }, (_, p) => marker(p))]);
    expect(v.rejected.get('bad')).toMatch(/not JSON/);
    expect(ids(v.devices([], P, () => undefined))).toEqual([]);
  });
});
