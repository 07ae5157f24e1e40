import { HOST_RESOURCES } from './host-resources-mib';
import { IF_NUMBER, IF_TABLE, IFX_TABLE } from './if-mib';
import type { LabDevice } from './lab-device';
import type { DynamicMibObject, MibObject, MibValue } from './mib-object';
import { RMON_DYNAMIC_OBJECTS, RMON_OBJECTS } from './rmon-mib';
import { RMON2_OBJECTS } from './rmon2-mib';
import { RMON2_NL_OBJECTS } from './rmon2-nl-mib';
import { compareOids, formatOid, oidStartsWith, type Oid } from './oid-order';
import { SYSTEM_GROUP } from './system-group';

/** Every object a lab device serves. */
export const LAB_MIB_OBJECTS: readonly MibObject[] = [...SYSTEM_GROUP, IF_NUMBER, ...IF_TABLE, ...IFX_TABLE, ...HOST_RESOURCES, ...RMON_OBJECTS];
/** Objects whose instances move with the clock (RMON history buckets, log entries). */
export const LAB_DYNAMIC_OBJECTS: readonly DynamicMibObject[] = [...RMON_DYNAMIC_OBJECTS, ...RMON2_OBJECTS, ...RMON2_NL_OBJECTS];

/** The instances of a device shape in GETNEXT order: parallel arrays, shared by every device of that shape. */
interface Layout {
  oids: Oid[];
  texts: string[];
  objects: MibObject[];
  indexes: number[];
}

export interface MibInstance {
  oid: Oid;
  text: string;
  value: MibValue;
}

/**
 * The MIB a lab device answers from. Instance OIDs depend only on the device's shape (profile,
 * interface count), so one sorted layout is built per shape and shared; values are computed from
 * the device and the clock when asked. GET is a binary search, GETNEXT the first instance after.
 */
export class LabMib {
  private readonly layouts = new Map<string, Layout>();
  private readonly objects: readonly MibObject[];
  private readonly dynamic: readonly DynamicMibObject[];

  constructor(objects: readonly MibObject[] = LAB_MIB_OBJECTS, dynamic: readonly DynamicMibObject[] = LAB_DYNAMIC_OBJECTS) {
    this.objects = [...objects].sort((a, b) => compareOids(a.oid, b.oid));
    this.dynamic = [...dynamic].sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** The value of exactly this instance, or undefined when the device has no such instance. */
  get(device: LabDevice, oid: Oid, nowMs: number): MibValue | undefined {
    const layout = this.layoutFor(device);
    const i = firstIndex(layout.oids, (e) => compareOids(e, oid) >= 0);
    if (i >= layout.oids.length || compareOids(layout.oids[i] as Oid, oid) !== 0) {
      const d = this.dynamic.find((o) => oid.length > o.oid.length && oidStartsWith(oid, o.oid));
      return d?.value(device, oid.slice(d.oid.length), nowMs);
    }
    return this.valueAt(layout, i, device, nowMs);
  }

  /** The first instance after `oid` (RFC 3416 §4.2.2), or undefined at the end of the MIB. */
  next(device: LabDevice, oid: Oid, nowMs: number): MibInstance | undefined {
    const layout = this.layoutFor(device);
    const fixed = this.instanceAt(layout, firstIndex(layout.oids, (e) => compareOids(e, oid) > 0), device, nowMs);
    return this.earlier(fixed, this.nextDynamic(device, oid, nowMs, false, fixed?.oid));
  }

  /** The first instance after everything under `prefix`. */
  nextAfterSubtree(device: LabDevice, prefix: Oid, nowMs: number): MibInstance | undefined {
    const layout = this.layoutFor(device);
    const i = firstIndex(layout.oids, (e) => compareOids(e, prefix) > 0 && !oidStartsWith(e, prefix));
    const fixed = this.instanceAt(layout, i, device, nowMs);
    return this.earlier(fixed, this.nextDynamic(device, prefix, nowMs, true, fixed?.oid));
  }

  /** True when `oid` names an instance position of an object this MIB implements (→ noSuchInstance rather than noSuchObject). */
  implementsObject(oid: Oid): boolean {
    const under = (o: { oid: Oid }) => oid.length > o.oid.length && oidStartsWith(oid, o.oid);
    return this.objects.some(under) || this.dynamic.some(under);
  }

  /**
   * The first dynamic instance after `oid` (or after its whole subtree): objects are disjoint and
   * sorted, so the first object that yields an instance yields the smallest one.
   */
  private nextDynamic(device: LabDevice, oid: Oid, nowMs: number, skipSubtree: boolean, bound: Oid | undefined): MibInstance | undefined {
    for (const o of this.dynamic) {
      // every instance of this object (and of the later ones) sorts after the fixed candidate
      if (bound && compareOids(o.oid, bound) > 0) break;
      let suffix: Oid | undefined;
      if (oidStartsWith(oid, o.oid)) {
        if (skipSubtree && oid.length === o.oid.length) continue;
        const after = oid.slice(o.oid.length);
        suffix = o.nextInstance(device, skipSubtree ? [...after, 0xffffffff] : after.length === 0 ? undefined : after, nowMs);
      } else if (compareOids(o.oid, oid) > 0 && !(skipSubtree && oidStartsWith(o.oid, oid))) {
        suffix = o.nextInstance(device, undefined, nowMs);
      } else continue;
      if (!suffix) continue;
      const full = [...o.oid, ...suffix];
      const value = o.value(device, suffix, nowMs);
      if (value) return { oid: full, text: formatOid(full), value };
    }
    return undefined;
  }

  private earlier(a: MibInstance | undefined, b: MibInstance | undefined): MibInstance | undefined {
    if (!a) return b;
    if (!b) return a;
    return compareOids(a.oid, b.oid) <= 0 ? a : b;
  }

  /** Number of instances a device answers (for the benchmark and the README). */
  size(device: LabDevice): number {
    return this.layoutFor(device).oids.length;
  }

  private instanceAt(layout: Layout, i: number, device: LabDevice, nowMs: number): MibInstance | undefined {
    if (i >= layout.oids.length) return undefined;
    return { oid: layout.oids[i] as Oid, text: layout.texts[i] as string, value: this.valueAt(layout, i, device, nowMs) };
  }

  private valueAt(layout: Layout, i: number, device: LabDevice, nowMs: number): MibValue {
    return (layout.objects[i] as MibObject).value(device, layout.indexes[i] as number, nowMs);
  }

  private layoutFor(device: LabDevice): Layout {
    const { profile, interfaces } = device.spec;
    const key = `${profile.name}/${interfaces}/${device.spec.rmon ? 'rmon' : ''}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = buildLayout(this.objects, device);
      this.layouts.set(key, layout);
    }
    return layout;
  }
}

function buildLayout(objects: readonly MibObject[], device: LabDevice): Layout {
  const entries: { oid: Oid; object: MibObject; index: number }[] = [];
  for (const object of objects) {
    for (const index of object.rows(device)) entries.push({ oid: [...object.oid, index], object, index });
  }
  entries.sort((a, b) => compareOids(a.oid, b.oid));
  return {
    oids: entries.map((e) => e.oid),
    texts: entries.map((e) => formatOid(e.oid)),
    objects: entries.map((e) => e.object),
    indexes: entries.map((e) => e.index),
  };
}

/** Binary search: the first position where the monotone predicate holds (length when none). */
function firstIndex(oids: readonly Oid[], holds: (oid: Oid) => boolean): number {
  let lo = 0;
  let hi = oids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(oids[mid] as Oid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
