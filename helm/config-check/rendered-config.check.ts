import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '@sonde/inventory/load-config';

// Boots the config of every Deployment the chart renders, as the pod would: the sonde.yaml of its
// ConfigMap, read by libs/inventory's loadConfig with the real section schemas of the service
// and the env the Deployment sets (Secret references get a placeholder). A section whose schema
// does not exist yet (a service not written yet), and a per-device section (devices[].icmp),
// are accepted as any mapping and named in the test title; every other key is validated for real. Run by scripts/helm-check.sh (SONDE_HELM_RENDERED = the `helm template` output).

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown; fieldRef?: unknown } }
interface Deployment {
  kind: 'Deployment';
  metadata: { name: string };
  spec: { template: { spec: { containers: { name: string; env?: EnvVar[] }[]; volumes: { name: string; configMap?: { name: string } }[] } } };
}
interface ConfigMap { kind: 'ConfigMap'; metadata: { name: string }; data: Record<string, string> }

const rendered = process.env.SONDE_HELM_RENDERED;
if (!rendered) throw new Error('SONDE_HELM_RENDERED: the helm template output to check');
const objects = parseAllDocuments(fs.readFileSync(rendered, 'utf8')).map((d) => d.toJS() as Deployment | ConfigMap | null).filter((o) => o !== null);
const configMaps = new Map(objects.filter((o): o is ConfigMap => o.kind === 'ConfigMap').map((c) => [c.metadata.name, c]));
const deployments = objects.filter((o): o is Deployment => o.kind === 'Deployment');

const CORE = new Set(['site', 'instance', 'sites', 'credentials', 'devices']);
const CORE_DEVICE_KEYS = new Set(['id', 'name', 'address', 'site', 'tags', 'snmp']);
/** section → the module that exports `<section>ConfigSchema`, for sections owned by a lib */
const LIB_SECTIONS: Record<string, string> = {
  telemetry: '@sonde/telemetry/telemetry.config',
  bus: '@sonde/bus/bus.config',
  store: '@sonde/store/store.config',
  state: '@sonde/state/state.config',
  mib: '@sonde/snmp/mib/mib.config',
};
const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The section's zod schema from its owner (`@sonde/<lib>/<lib>.config` or `@sonde/<service>/<service>.config`). */
function sectionSchema(section: string): z.ZodType | undefined {
  const owner = kebab(section);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(LIB_SECTIONS[section] ?? `@sonde/${owner}/${owner}.config`) as Record<string, unknown>;
    const schema = mod[`${section}ConfigSchema`];
    return schema instanceof z.ZodType ? schema : undefined;
  } catch {
    return undefined;
  }
}

const cases = deployments.map((d) => {
  const container = d.spec.template.spec.containers[0];
  const cmName = d.spec.template.spec.volumes.find((v) => v.name === 'config')?.configMap?.name ?? '';
  const text = configMaps.get(cmName)?.data['sonde.yaml'] ?? '';
  const env: Record<string, string> = {};
  for (const e of container?.env ?? []) {
    env[e.name] = e.value ?? (e.valueFrom?.fieldRef ? `${d.metadata.name}-0` : 'placeholder-secret');
  }
  const doc = parseAllDocuments(text)[0]?.toJS() as Record<string, unknown> | null;
  const sections = Object.keys(doc ?? {}).filter((k) => !CORE.has(k));
  // per-device sections (devices[].icmp …): the chart passes a service only its own
  const devices = Array.isArray(doc?.devices) ? (doc.devices as Record<string, unknown>[]) : [];
  const deviceSections = [...new Set(devices.flatMap((dev) => Object.keys(dev).filter((k) => !CORE_DEVICE_KEYS.has(k))))];
  const missing = sections.filter((s) => !sectionSchema(s));
  const notChecked = [...missing, ...deviceSections.map((k) => `devices[].${k}`)];
  const title = `${d.metadata.name}${notChecked.length ? ` (accepted as any mapping, no schema here: ${notChecked.join(', ')})` : ''}`;
  return { title, text, env, sections, deviceSections, cmName };
});

describe('the chart boots every service config through loadConfig', () => {
  it('renders Deployments, each with its ConfigMap', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect({ deployment: c.title, configMap: configMaps.has(c.cmName) }).toEqual({ deployment: c.title, configMap: true });
  });

  it.each(cases)('$title', ({ text, env, sections, deviceSections }) => {
    const anyMapping = z.record(z.string(), z.unknown());
    const schemas = Object.fromEntries(sections.map((s) => [s, sectionSchema(s) ?? anyMapping]));
    const devices = Object.fromEntries(deviceSections.map((k) => [k, anyMapping]));
    const config = loadConfig({ text, env, sections: schemas, deviceSections: devices }) as Record<string, unknown> & { telemetry: { http: { host: string; port: number } }; instance: string };
    expect(config.telemetry.http.host).toBe('0.0.0.0');
    expect(config.telemetry.http.port).toBe(Number(env.SONDE_TELEMETRY__HTTP__PORT));
    expect(config.instance).toBe(env.SONDE_INSTANCE);
  });
});
