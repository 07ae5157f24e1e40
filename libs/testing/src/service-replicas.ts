import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './real-services';

/** One built service process (`services/<name>/dist/main.js --config <file>`), its output kept. */
export interface Replica {
  name: string;
  child: ChildProcess;
  out: () => string;
  /** its HTTP API once it logged `started` */
  url?: string;
}

/** A replica's last `target assignment changed` log line: the partitions it owns, and when. */
export interface AssignmentLine {
  owned: number[];
  time: number;
}

/**
 * The replicas of one service in a failover spec (design.md §5: the snmp-poller's and the
 * icmp-prober's target-failover int-specs): start built processes, wait until they serve, read
 * their assignment log lines and /metrics, wait for a condition with every replica's recent
 * output in the timeout message, SIGKILL what is left at the end.
 */
export class ServiceReplicas {
  readonly replicas: Replica[] = [];

  /** `describe` adds the spec's own state (events seen…) to a timeout message. */
  constructor(
    private readonly service: string,
    private readonly options: { pollMs?: number; describe?: () => string } = {},
  ) {}

  start(name: string, configFile: string): Replica {
    const main = path.join(REPO_ROOT, `services/${this.service}/dist/main.js`);
    const child = spawn(process.execPath, [main, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const r: Replica = { name, child, out: () => out };
    this.replicas.push(r);
    return r;
  }

  /**
   * Writes `<dir>/<name>.json` and starts a replica on it: the config file as an operator writes
   * one (JSON is YAML), with this replica's instance name and its own bus spool beside `common`.
   */
  startWith(name: string, dir: string, common: { site: string; bus: { kafka: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>): Replica {
    const file = path.join(dir, `${name}.json`);
    const bus = { ...common.bus, kafka: { ...common.bus.kafka, spool: { dir: path.join(dir, `spool-${name}`) } } };
    writeFileSync(file, JSON.stringify({ ...common, instance: name, telemetry: { http: { port: 0 }, logLevel: 'info' }, bus }));
    return this.start(name, file);
  }

  /** Waits until every replica logged `started` with its URL (fails at once if one exited). */
  async started(timeoutMs = 60_000): Promise<void> {
    for (const r of this.replicas) {
      r.url = await this.until(`${r.name} to start`, () => {
        if (r.child.exitCode !== null) throw new Error(`${r.name} exited ${r.child.exitCode}:\n${r.out()}`);
        return /"url":"([^"]+)"[^\n]*started/.exec(r.out())?.[1]?.replace('[::1]', '127.0.0.1');
      }, timeoutMs);
    }
  }

  async until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) {
        const state = this.options.describe ? `; ${this.options.describe()}` : '';
        throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}${state}\n${this.replicas.map((r) => `--- ${r.name}\n${r.out().slice(-3000)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 200));
    }
  }

  /** The replica's last `target assignment changed` line. */
  lastAssignmentLine(r: Replica): AssignmentLine | undefined {
    let last: AssignmentLine | undefined;
    for (const line of r.out().split('\n')) if (line.includes('target assignment changed')) last = JSON.parse(line) as AssignmentLine;
    return last;
  }

  lastAssignment(r: Replica): number[] | undefined {
    return this.lastAssignmentLine(r)?.owned;
  }

  /** Whether these replicas hold all `partitions` between them, each one once. */
  shareDisjointly(among: readonly Replica[], partitions: number): boolean {
    const owned = among.map((r) => this.lastAssignment(r));
    if (owned.some((o) => !o)) return false;
    const flat = owned.flatMap((o) => o ?? []);
    return new Set(flat).size === partitions && flat.length === partitions;
  }

  /** One unlabelled (or first-labelled) value from the replica's /metrics. */
  async metric(r: Replica, name: string): Promise<number> {
    const text = await (await fetch(`${r.url}/metrics`)).text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    if (!m?.[1]) throw new Error(`${r.name}: ${name} missing from /metrics`);
    return Number(m[1]);
  }

  killAll(): void {
    for (const r of this.replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  }
}

/**
 * The failover time: when the last of `ids` was first handled by one of `survivors` after
 * `killedAt`, by the events' own ts (the poll or probe itself, not its delivery to the test).
 */
export function failoverMs(handledAt: ReadonlyMap<string, ReadonlyArray<{ by: string; ts: number }>>, ids: readonly string[], survivors: readonly string[], killedAt: number): number {
  const first = ids.map((id) => Math.min(...(handledAt.get(id) ?? []).filter((p) => survivors.includes(p.by) && p.ts >= killedAt).map((p) => p.ts)));
  return Math.max(...first) - killedAt;
}
