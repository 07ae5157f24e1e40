import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runValidate } from './validate-command';

async function validate(text: string): Promise<{ code: number; stderr: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sonde-validate-')), 'sonde.yaml');
  writeFileSync(file, text);
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runValidate({ config: file });
    return { code, stderr: stderr.replaceAll(`${file}: `, '') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('sonde validate', () => {
  it('reports the misspelt keys that used to fall back to defaults in silence, with what was meant', async () => {
    const r = await validate(
      [
        'syslogReceiver:',
        '  udp: { prot: 5514 }',
        '  ratelimit: { messagesPerSecond: 10 }',
        'trapReceiver:',
        '  rateLimt: { perSourcePerSecond: 10 }',
        'eventWriter:',
        '  familes: [syslog]',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').sort()).toEqual(
      [
        'eventWriter: unknown key "familes" (did you mean "families"?)',
        'syslogReceiver: unknown key "ratelimit" (did you mean "rateLimit"?)',
        'syslogReceiver.udp: unknown key "prot" (did you mean "port"?)',
        'trapReceiver: unknown key "rateLimt" (did you mean "rateLimit"?)',
      ].sort(),
    );
  });

  it('takes the documented secret form for the store password', async () => {
    process.env.SONDE_TEST_CH_PASSWORD = 'documented';
    try {
      const r = await validate('store: { type: clickhouse, clickhouse: { password: { env: SONDE_TEST_CH_PASSWORD } } }\n');
      expect(r).toEqual({ code: 0, stderr: '' });
    } finally {
      delete process.env.SONDE_TEST_CH_PASSWORD;
    }
  });
});
