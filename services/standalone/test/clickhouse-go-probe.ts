import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SOURCE_DIR = path.join(__dirname, 'clickhouse-go');
/** Modules and build cache survive between runs (CI caches ~/.cache/sonde). */
const CACHE = path.join(homedir(), '.cache/sonde/go');

export interface ProbeQuery {
  id: string;
  sql: string;
  settings?: Record<string, string | number>;
  queryId?: string;
  exec?: boolean;
  /** Rows sent as one batch (`sql` is `INSERT INTO t (…)`): Native blocks in the body. */
  insert?: unknown[][];
}

export interface ProbeResult {
  id: string;
  columns?: { name: string; type: string }[];
  rows: unknown[][];
  error?: string;
  exception?: { code: number; name: string; message: string };
}

export interface ProbeOutput {
  ping: string;
  results: ProbeResult[];
}

export interface ProbeOptions {
  /** host:port */
  addr: string;
  database?: string;
  user?: string;
  password?: string;
  /** lz4 and zstd are ClickHouse's block compression (`compress=1`, `decompress=1` for batches). */
  compression?: 'none' | 'gzip' | 'deflate' | 'br' | 'lz4' | 'zstd';
  level?: number;
  httpCompression?: boolean;
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOMODCACHE: path.join(CACHE, 'mod'), GOCACHE: path.join(CACHE, 'build'), GOFLAGS: '-mod=readonly' };
}

/**
 * Builds test/clickhouse-go (github.com/ClickHouse/clickhouse-go/v2, the Grafana plugin's
 * driver, from the Go module proxy) once per source version; returns the binary.
 */
export async function buildClickhouseGoProbe(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(SOURCE_DIR, f)));
  const binary = path.join(CACHE, 'bin', `clickhouse-go-probe-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(path.dirname(binary), { recursive: true });
  await run('go', ['build', '-o', binary, '.'], { cwd: SOURCE_DIR, env: goEnv(), timeout: 900_000 });
  return binary;
}

/** Runs the queries through clickhouse-go over HTTP and returns what the driver decoded. */
export async function runClickhouseGo(binary: string, options: ProbeOptions, queries: readonly ProbeQuery[]): Promise<ProbeOutput> {
  const args = [
    '-addr', options.addr,
    '-database', options.database ?? 'sonde',
    '-user', options.user ?? 'default',
    '-password', options.password ?? '',
    '-compression', options.compression ?? 'gzip',
    ...(options.level === undefined ? [] : ['-level', String(options.level)]),
    ...(options.httpCompression ? ['-http-compression'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`clickhouse-go probe exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as ProbeOutput);
      } catch (e) {
        reject(new Error(`clickhouse-go probe printed no JSON (${String(e)}): ${out}\n${err}`));
      }
    });
    child.stdin.end(JSON.stringify({ queries }));
  });
}
