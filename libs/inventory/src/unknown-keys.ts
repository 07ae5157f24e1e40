import type { z } from 'zod';

/** One mapping in the raw config that has keys its schema does not know. */
export interface UnknownKeys {
  /** Path of the mapping (`['syslogReceiver', 'udp']`). */
  path: (string | number)[];
  keys: string[];
  /** Keys the schema knows there, for "did you mean …". */
  known: string[];
}

/** The parts of a zod 4 definition this walk reads (zod's `_zod.def`, typed loosely on purpose). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Wrappers whose inner schema sees the same value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional', 'success']);

/** The object shape a schema ends in (through wrappers), for unions and intersections. */
function shapeOf(schema: z.ZodType): Def | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def;
  if (WRAPPERS.has(def.type) && def.innerType) return shapeOf(def.innerType);
  if (def.type === 'pipe' && def.in && def.out) return defOf(def.in).type === 'transform' ? shapeOf(def.out) : shapeOf(def.in);
  if (def.type === 'lazy' && def.getter) return shapeOf(def.getter());
  return undefined;
}

/**
 * Every mapping in `value` with keys that `schema` does not declare, whether or not the schema
 * was written strict: a section author's `z.object` rejects misspelt keys like `z.strictObject`
 * does, so a typo never falls back to a default in silence. A mapping whose schema declares a
 * catch-all (`z.looseObject`, `.catchall(…)`) or is a `z.record` takes any key on purpose.
 */
export function findUnknownKeys(schema: z.ZodType, value: unknown, path: (string | number)[] = []): UnknownKeys[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isMapping(value) || !def.shape) return [];
      const shape = def.shape;
      const out: UnknownKeys[] = [];
      const open = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
      const unknown = open ? [] : Object.keys(value).filter((k) => !Object.hasOwn(shape, k));
      if (unknown.length) out.push({ path, keys: unknown, known: Object.keys(shape) });
      for (const [key, field] of Object.entries(shape)) {
        if (Object.hasOwn(value, key)) out.push(...findUnknownKeys(field, value[key], [...path, key]));
      }
      return out;
    }
    case 'pipe':
      // z.preprocess(fn, schema) is pipe(transform, schema): the raw value is (about) what the
      // schema sees; x.transform(fn) is pipe(x, transform): x sees the raw value
      if (!def.in || !def.out) return [];
      return findUnknownKeys(defOf(def.in).type === 'transform' ? def.out : def.in, value, path);
    case 'lazy':
      return def.getter ? findUnknownKeys(def.getter(), value, path) : [];
    case 'array': {
      const element = def.element;
      if (!Array.isArray(value) || !element) return [];
      return value.flatMap((item, i) => findUnknownKeys(element, item, [...path, i]));
    }
    case 'tuple':
      if (!Array.isArray(value)) return [];
      return value.flatMap((item, i) => {
        const item_ = def.items?.[i] ?? def.rest ?? undefined;
        return item_ ? findUnknownKeys(item_, item, [...path, i]) : [];
      });
    case 'record': {
      const valueType = def.valueType;
      if (!isMapping(value) || !valueType) return [];
      return Object.entries(value).flatMap(([k, v]) => findUnknownKeys(valueType, v, [...path, k]));
    }
    case 'union':
      return unionUnknownKeys(def, value, path);
    case 'intersection': {
      const left = def.left ? shapeOf(def.left) : undefined;
      const right = def.right ? shapeOf(def.right) : undefined;
      if (!left?.shape || !right?.shape || !isMapping(value)) return [];
      const known = [...Object.keys(left.shape), ...Object.keys(right.shape)];
      const unknown = Object.keys(value).filter((k) => !known.includes(k));
      return unknown.length ? [{ path, keys: unknown, known }] : [];
    }
    default:
      if (WRAPPERS.has(def.type) && def.innerType) return findUnknownKeys(def.innerType, value, path);
      return [];
  }
}

/** A union: the option the value was meant for (its discriminator, else the one that fits best). */
function unionUnknownKeys(def: Def, value: unknown, path: (string | number)[]): UnknownKeys[] {
  const options = def.options ?? [];
  const discriminator = def.discriminator;
  if (discriminator && isMapping(value)) {
    const tag = value[discriminator];
    const chosen = options.find((o) => {
      const literal = shapeOf(o)?.shape?.[discriminator];
      return literal !== undefined && literal.safeParse(tag).success;
    });
    // an unknown tag is reported by zod itself ("expected one of …"); nothing to add
    return chosen ? findUnknownKeys(chosen, value, path) : [];
  }
  // a mapping was meant for one of the mapping options, not for `z.string()` beside them
  const shaped = isMapping(value) ? options.filter((o) => shapeOf(o) !== undefined) : [];
  let best: UnknownKeys[] | undefined;
  for (const option of shaped.length ? shaped : options) {
    const found = findUnknownKeys(option, value, path);
    if (!found.length) return [];
    if (!best || count(found) < count(best)) best = found;
  }
  return best ?? [];
}

const count = (found: UnknownKeys[]): number => found.reduce((n, f) => n + f.keys.length, 0);
