import { CORE_DEVICE_KEYS, coreDeviceSchema, type Device } from './device';

/**
 * A device record read back from `sonde.targets.<site>` (what `sonde inventory apply` published:
 * the validated device entry as JSON). Bytes from the bus are untrusted: it is parsed again with
 * the strict core device schema. Only the core keys are read — a per-device section of another
 * service (`rmon:` …) was validated by `sonde inventory apply` and is not this reader's business.
 * Returns the device at `site`, or the reason it is refused (naming the device and the path).
 */
export function parsePublishedDevice(raw: unknown, site: string): { device: Device } | { problem: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'expected a device entry (a JSON object)' };
  const entry = raw as Record<string, unknown>;
  const core = Object.fromEntries(CORE_DEVICE_KEYS.filter((k) => k in entry).map((k) => [k, entry[k]]));
  const parsed = coreDeviceSchema.safeParse(core);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `device ${String(entry.id ?? '?')}: ${issue?.path.join('.') || '(entry)'}: ${issue?.message ?? 'invalid'}` };
  }
  const device = parsed.data;
  if (device.site !== undefined && device.site !== site) return { problem: `device ${device.id}: site "${device.site}" published to the targets topic of site "${site}"` };
  return { device: { ...device, site } };
}
