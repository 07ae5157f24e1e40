import fc from 'fast-check';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { didYouMean } from './did-you-mean';
import { loadConfig } from './load-config';
import { findUnknownKeys } from './unknown-keys';

/** A section written the way most are: plain z.object, not strict. */
const receiver = z.object({
  udp: z.object({ enabled: z.boolean().default(true), port: z.number().default(514), hosts: z.array(z.string()).default([]) }).prefault({}),
  rateLimit: z.object({ messagesPerSecond: z.number().default(5000) }).prefault({}),
  sources: z.record(z.string(), z.object({ zone: z.string().optional() })).default({}),
  listen: z.array(z.object({ address: z.string(), port: z.number() })).default([]),
  notifier: z
    .discriminatedUnion('type', [z.object({ type: z.literal('email'), to: z.string() }), z.object({ type: z.literal('webhook'), url: z.string() })])
    .optional(),
  tuning: z.preprocess((v) => v ?? {}, z.object({ depth: z.number().default(1) })),
  extra: z.looseObject({ anything: z.number().optional() }).optional(),
});
const writer = z.object({ families: z.array(z.string()).default([]) });

function messageOf(text: string): string {
  try {
    loadConfig({ text, env: {}, sections: { receiver, writer } });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
}

describe('every section is strict', () => {
  it('rejects the misspellings that used to fall back to defaults, with what was meant', () => {
    expect(messageOf('receiver:\n  udp: { prot: 5514 }\n  ratelimit: { messagesPerSecond: 1 }\nwriter:\n  familes: [syslog]\n').split('\n')).toEqual([
      '(config text): receiver: unknown key "ratelimit" (did you mean "rateLimit"?)',
      '(config text): receiver.udp: unknown key "prot" (did you mean "port"?)',
      '(config text): writer: unknown key "familes" (did you mean "families"?)',
    ]);
    expect(messageOf('receiver:\n  rateLimt: {}\n')).toBe('(config text): receiver: unknown key "rateLimt" (did you mean "rateLimit"?)');
  });

  it('looks into lists, records, unions, preprocessed sections, and leaves loose objects open', () => {
    const text = [
      'receiver:',
      '  sources: { 10.0.0.1: { zones: UTC } }',
      '  listen: [{ address: 0.0.0.0, port: 1, host: x }]',
      '  notifier: { type: webhook, url: "http://x", to: y }',
      '  tuning: { dept: 2 }',
      '  extra: { whatever: 1 }',
    ].join('\n');
    expect(messageOf(text).split('\n')).toEqual([
      '(config text): receiver.sources.10.0.0.1: unknown key "zones" (did you mean "zone"?)',
      '(config text): receiver.listen[0]: unknown key "host"',
      '(config text): receiver.notifier: unknown key "to"',
      '(config text): receiver.tuning: unknown key "dept" (did you mean "depth"?)',
    ]);
  });

  it('suggests a section name at the top level and names the env variable an unknown key came from', () => {
    expect(messageOf('recevier: {}\n')).toBe(
      '(config text): unknown top-level key "recevier" (did you mean "receiver"?) (expected one of: credentials, devices, instance, receiver, site, sites, writer)',
    );
    let message = '';
    try {
      loadConfig({ env: { SONDE_RECEIVER__UDP: '{prot: 1}' }, sections: { receiver } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('(no config file): receiver.udp: unknown key "prot" (did you mean "port"?) (from SONDE_RECEIVER__UDP)');
  });

  it('still accepts a config with every key right', () => {
    const config = loadConfig({ text: 'receiver:\n  udp: { port: 5514 }\n  extra: { anything: 1, more: 2 }\n', env: {}, sections: { receiver, writer } });
    expect(config.receiver.udp.port).toBe(5514);
  });

  it('suggests only near misses', () => {
    expect(didYouMean('prot', ['port', 'hosts'])).toBe('port');
    expect(didYouMean('familes', ['families'])).toBe('families');
    expect(didYouMean('ratelimit', ['rateLimit', 'logIntervalMs'])).toBe('rateLimit');
    expect(didYouMean('colour', ['port', 'hosts'])).toBeUndefined();
  });

  it('never throws on any value against any of these schemas (fast-check)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const u of findUnknownKeys(receiver, value)) expect(u.keys.length).toBeGreaterThan(0);
      }),
    );
  });
});
