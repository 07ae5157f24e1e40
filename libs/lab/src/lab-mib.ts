import { HOST_RESOURCES } from './host-resources-mib';
import { IF_NUMBER, IF_TABLE, IFX_TABLE } from './if-mib';
import type { LabDevice } from './lab-device';
import type { MibObject, MibValue } from './mib-object';
import { compareOids, formatOid, oidStartsWith, type Oid } from './oid-order';
import { SYSTEM_GROUP } from './system-group';

/** Every object a lab device serves. */
export const LAB_MIB_OBJECTS: readonly MibObject[] = [...SYSTEM_GROUP, IF_NUMBER, ...IF_TABLE, ...IFX_TABLE, ...HOST_RESOURCES];

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

  constructor(objects: readonly MibObject[] = LAB_MIB_OBJECTS) {
    this.objects = [...objects].sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** The value of exactly this instance, or undefined when the device has no such instance. */
  get(device: LabDevice, oid: Oid, nowMs: number): MibValue | undefined {
    const layout = this.layoutFor(device);
    const i = firstIndex(layout.oids, (e) => compareOids(e, oid) >= 0);
    if (i >= layout.oids.length || compareOids(layout.oids[i] as Oid, oid) !== 0) return undefined;
    return this.valueAt(layout, i, device, nowMs);
  }

  /** The first instance after `oid` (RFC 3416 §4.2.2), or undefined at the end of the MIB. */
  next(device: LabDevice, oid: Oid, nowMs: number): MibInstance | undefined {
    const layout = this.layoutFor(device);
    return this.instanceAt(layout, firstIndex(layout.oids, (e) => compareOids(e, oid) > 0), device, nowMs);
  }

  /** The first instance after everything under `prefix`. */
  nextAfterSubtree(device: LabDevice, prefix: Oid, nowMs: number): MibInstance | undefined {
    const layout = this.layoutFor(device);
    const i = firstIndex(layout.oids, (e) => compareOids(e, prefix) > 0 && !oidStartsWith(e, prefix));
    return this.instanceAt(layout, i, device, nowMs);
  }

  /** True when `oid` names an instance position of an object this MIB implements (→ noSuchInstance rather than noSuchObject). */
  implementsObject(oid: Oid): boolean {
    return this.objects.some((o) => oid.length > o.oid.length && oidStartsWith(oid, o.oid));
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
    const key = `${profile.name}/${interfaces}`;
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
