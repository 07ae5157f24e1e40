import { realService } from '@sonde/testing/real-services';
import { readCompressedBlocks, writeCompressedBlocks } from '../src/clickhouse-http/compressed-block';

// The block codec against a real ClickHouse server (Debian's 18.16, scripts/services.sh): its
// `compress=1` answers are CityHash128 v1.0.2-checked LZ4 blocks written by ClickHouse's own C++
// (CompressedWriteBuffer), and it checks and decompresses `decompress=1` bodies we frame — an
// oracle independent of the Go driver (clickhouse-go and ch-go share go-faster/city with us as a reference).
let url: string;
let auth: Record<string, string>;

beforeAll(() => {
  const ch = realService('clickhouse');
  url = ch.SONDE_TEST_CLICKHOUSE_URL ?? '';
  auth = { Authorization: `Basic ${Buffer.from(`${ch.SONDE_TEST_CLICKHOUSE_USER ?? ''}:${ch.SONDE_TEST_CLICKHOUSE_PASSWORD ?? ''}`).toString('base64')}` };
});

const ROWS = 300_000;

describe('ClickHouse block compression against a real ClickHouse server', () => {
  it("reads the server's compress=1 answer (several blocks) to the same bytes as its plain answer", async () => {
    const sql = encodeURIComponent(`SELECT number, toString(number * 7919) FROM system.numbers LIMIT ${ROWS} FORMAT TSV`);
    const framed = Buffer.from(await (await fetch(`${url}/?compress=1&query=${sql}`, { headers: auth })).arrayBuffer());
    const plain = Buffer.from(await (await fetch(`${url}/?query=${sql}`, { headers: auth })).arrayBuffer());
    const read = readCompressedBlocks(framed, 1 << 30);
    expect(read.length).toBe(plain.length);
    expect(read.equals(plain)).toBe(true);
    expect(framed.length).toBeLessThan(plain.length);
    expect(plain.toString().trim().split('\n')).toHaveLength(ROWS);
  });

  it.each(['LZ4', 'ZSTD', 'NONE'] as const)('is understood by the server in a decompress=1 body framed with %s', async (method) => {
    // a statement longer than one 1 MiB block, so the server checks several checksums
    const values = Array.from({ length: 200_000 }, (_, i) => String(i * 3)).join(',');
    const body = writeCompressedBlocks(Buffer.from(`SELECT length([${values}]), sum(arraySum([${values}])) FORMAT TSV`), method);
    expect(body.length).toBeGreaterThan(0);
    const res = await fetch(`${url}/?decompress=1&max_query_size=4000000`, { method: 'POST', headers: auth, body });
    const text = await res.text();
    expect([res.status, text.trim()]).toEqual([200, `200000\t${3 * ((200_000 * 199_999) / 2)}`]);
  });

  it('is refused by the server when we corrupt one payload byte (its checksum check is the one we mirror)', async () => {
    const body = writeCompressedBlocks(Buffer.from('SELECT 1 FORMAT TSV'), 'LZ4');
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0x10;
    const res = await fetch(`${url}/?decompress=1`, { method: 'POST', headers: auth, body });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/Code: 40\b.*Checksum doesn't match/s);
  });
});
