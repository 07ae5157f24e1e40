import { hostname } from 'node:os';
import { z } from 'zod';
import { credentialsSchema } from './credential';
import { deviceSchema, type DeviceSectionSchemas, type DeviceWith } from './device';
import { secretRefSchema, type SecretContext } from './secret-ref';
import { siteNameSchema, sitesSchema } from './site';

/** Top-level keys owned by libs/inventory; callers add theirs (`bus`, `store`, `syslogReceiver` …). */
export const CORE_SECTIONS = ['site', 'instance', 'sites', 'credentials', 'devices'] as const;

export type SectionSchemas = Record<string, z.ZodType>;

function coreShape<D extends DeviceSectionSchemas>(ctx: SecretContext, deviceSections: D) {
  return {
    /** The site this process collects for. */
    site: siteNameSchema.default('default'),
    /** This replica's name (metric label, Kafka client id); the pod name in Kubernetes. */
    instance: z.string().min(1).default(hostname()),
    sites: sitesSchema,
    credentials: credentialsSchema(secretRefSchema(ctx)),
    devices: z.array(deviceSchema(deviceSections)).default([]),
  };
}

/** A missing or empty (`bus:` with nothing after it) section is all defaults. */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === undefined || v === null ? {} : v), schema);
}

export function rootSchema<S extends SectionSchemas, D extends DeviceSectionSchemas>(ctx: SecretContext, sections: S, deviceSections: D) {
  const extra = Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, section(s)])) as {
    [K in keyof S]: z.ZodPipe<z.ZodTransform<unknown, unknown>, S[K]>;
  };
  return z.strictObject({ ...coreShape(ctx, deviceSections), ...extra });
}

type CoreParsed = z.output<z.ZodObject<ReturnType<typeof coreShape<Record<never, z.ZodType>>>>>;

/** The validated configuration: core sections, the caller's sections, devices with their settings. */
export type SondeConfig<S extends SectionSchemas = Record<never, z.ZodType>, D extends DeviceSectionSchemas = Record<never, z.ZodType>> = Omit<
  CoreParsed,
  'devices'
> & { devices: DeviceWith<D>[] } & { [K in keyof S]: z.output<S[K]> };
