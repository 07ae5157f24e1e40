import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { spoolConfigSchema } from '../bus.config';
import { BusMetrics } from '../bus.metrics';
import { SegmentSpool } from './segment-spool';
import type { SpoolRecord } from './spool-record';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sonde-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rec = (i: number, size = 10): SpoolRecord => ({ topic: 'sonde.snmp.v1', key: `dev-${i % 3}`, value: Buffer.alloc(size, i % 256) });
const openSpool = (over: Record<string, unknown> = {}, registry = new Registry()) =>
  SegmentSpool.open(spoolConfigSchema.parse({ dir, segmentBytes: 1_000, maxBytes: 10_000, fsync: 'never', ...over }), { metrics: new BusMetrics(registry) });

async function drain(spool: SegmentSpool, chunk = 7): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = [];
  for (;;) {
    const batch = await spool.read(chunk, 10_000);
    if (!batch.records.length) return out;
    out.push(...batch.records);
    await spool.ack(batch.next, batch.records.length);
  }
}

describe('SegmentSpool', () => {
  it('returns records in append order across segments, then deletes them', async () => {
    const registry = new Registry();
    const spool = await openSpool({}, registry);
    const records = Array.from({ length: 100 }, (_, i) => rec(i));
    for (let i = 0; i < 100; i += 10) await spool.append(records.slice(i, i + 10));
    expect(spool.depth).toBe(100);
    expect((await readdir(dir)).filter((n) => n.endsWith('.seg')).length).toBeGreaterThan(1);
    expect(await registry.getSingleMetricAsString('sonde_bus_spool_events')).toContain('sonde_bus_spool_events 100');
    expect(await drain(spool)).toEqual(records);
    expect(spool.depth).toBe(0);
    expect(spool.bytes).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.seg'))).toEqual([]);
    await spool.close();
  });

  it('rejects an append past maxBytes, naming the limit', async () => {
    const spool = await openSpool({ maxBytes: 500 });
    await spool.append([rec(1, 100), rec(2, 100)]);
    await expect(spool.append([rec(3, 300)])).rejects.toThrow('spool full');
    expect(spool.depth).toBe(2);
    await spool.close();
  });

  it('survives a restart: what was not acknowledged is read again, in order', async () => {
    const records = Array.from({ length: 40 }, (_, i) => rec(i));
    const first = await openSpool();
    await first.append(records);
    const partly = await first.read(15, 10_000);
    await first.ack(partly.next, partly.records.length);
    const unacked = await first.read(5, 10_000); // read but never acknowledged: resent
    expect(unacked.records).toEqual(records.slice(15, 20));
    await first.close();

    const second = await openSpool();
    expect(second.depth).toBe(25);
    expect(await drain(second)).toEqual(records.slice(15));
    await second.close();
  });

  it('cuts a torn tail left by a crash mid-append, and counts it', async () => {
    const registry = new Registry();
    const first = await openSpool({ segmentBytes: 100_000 });
    await first.append([rec(1), rec(2)]);
    await first.close();
    const seg = (await readdir(dir)).find((n) => n.endsWith('.seg'))!;
    const before = (await stat(path.join(dir, seg))).size;
    await appendFile(path.join(dir, seg), Buffer.from([0, 0, 0, 50, 1, 2, 3])); // half a record
    const second = await openSpool({ segmentBytes: 100_000 }, registry);
    expect(second.depth).toBe(2);
    expect((await stat(path.join(dir, seg))).size).toBe(before);
    expect(await registry.getSingleMetricAsString('sonde_bus_spool_corrupt_bytes_total')).toContain(' 7');
    await second.append([rec(3)]);
    expect((await drain(second)).map((r) => r.key)).toEqual(['dev-1', 'dev-2', 'dev-0']);
    await second.close();
  });

  it('refuses a folder another live process holds', async () => {
    const spool = await openSpool();
    await expect(openSpool()).rejects.toThrow('already open');
    await spool.close();
  });
});
