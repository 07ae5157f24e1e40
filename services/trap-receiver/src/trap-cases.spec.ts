import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { buildTrapReceiver } from './build-trap-receiver';
import { trapReceiverConfigSchema } from './trap-receiver.config';

// Style rule 10: test/cases/<case>/{input.hex, config.yaml, expected.jsonl}, one it.each.
// input.hex: one datagram a line (captured from Debian's snmptrap/snmpinform), all from
// 127.0.0.1:40000. expected.jsonl: per datagram, {device, payload} of the event, {dropped} or
// {reply} (the PDU tag of the answer). A new case adds files, not code. Review, then refresh with
// SONDE_UPDATE_GENERATED=1 when the expected output changes on purpose.
const CASES = join(__dirname, '..', 'test', 'cases');
const caseConfig = z.object({ communities: z.array(z.string()).default([]), trapReceiver: z.unknown() });
const { dictionary } = loadOidDictionary();

describe('trap-receiver cases', () => {
  it.each(readdirSync(CASES).sort())('%s', async (name) => {
    const dir = join(CASES, name);
    const cfg = caseConfig.parse(parse(readFileSync(join(dir, 'config.yaml'), 'utf8')));
    const parts = buildTrapReceiver({
      config: trapReceiverConfigSchema.parse(cfg.trapReceiver ?? {}),
      communities: cfg.communities,
      users: [],
      dictionary,
      registry: new Registry(),
      clock: { now: () => 1_764_000_000_000 },
      origin: { site: 'lab', collector: 'cases' },
      resolveDevice: (address) => ({ id: address === '127.0.0.1' ? 'relay-1' : `dev-${address}`, address }),
    });
    const lines: string[] = [];
    for (const hex of readFileSync(join(dir, 'input.hex'), 'utf8').split('\n').filter((l) => l.trim())) {
      const before = (await parts.metrics.droppedTotal.get()).values.map((v) => ({ ...v.labels, value: v.value }));
      const r = parts.receiver.handle(Buffer.from(hex.trim(), 'hex'), { address: '127.0.0.1', port: 40000 });
      // an inform's Response goes out once the bus accepted its event: accepted here at once
      const reply = r.reply ?? (r.inform === undefined ? undefined : parts.receiver.settleInform(r.inform, true));
      if (reply) lines.push(JSON.stringify({ reply: `0x${reply[reply.indexOf(0xa2)]?.toString(16)}` }));
      if (r.event) lines.push(JSON.stringify({ device: r.event.device, payload: r.event.payload }));
      else {
        const after = (await parts.metrics.droppedTotal.get()).values;
        const hit = after.find((v) => v.value > (before.find((b) => b.reason === v.labels.reason && b.stage === v.labels.stage && b.detail === v.labels.detail)?.value ?? 0));
        lines.push(JSON.stringify({ dropped: hit?.labels ?? null }));
      }
    }
    const actual = `${lines.join('\n')}\n`;
    const file = join(dir, 'expected.jsonl');
    if (process.env.SONDE_UPDATE_GENERATED === '1' || !existsSync(file)) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
