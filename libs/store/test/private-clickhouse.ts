import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * A ClickHouse 18.16 server of this test's own (scripts/services/clickhouse.sh into a private
 * services folder), so the test can kill it and start it again without touching the shared one.
 */
export class PrivateClickHouse {
  private constructor(
    private readonly servicesDir: string,
    readonly env: Record<string, string>,
  ) {}

  private get dir(): string {
    return path.join(this.servicesDir, 'clickhouse');
  }

  static start(): PrivateClickHouse {
    const servicesDir = mkdtempSync(path.join(os.tmpdir(), 'sonde-private-ch-'));
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/services.sh'), 'start', 'clickhouse'], {
      env: { ...process.env, SONDE_SERVICES_DIR: servicesDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const env: Record<string, string> = {};
    for (const line of readFileSync(path.join(servicesDir, 'clickhouse.env'), 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return new PrivateClickHouse(servicesDir, env);
  }

  private pid(): number {
    return Number(readFileSync(path.join(this.dir, 'pid'), 'utf8').trim());
  }

  /** SIGKILL: a crash, not a clean shutdown. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const pid = this.pid();
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`clickhouse-server ${pid} did not die`);
  }

  /** Starts the server again on the same ports and data; resolves when /ping answers. */
  async restart(): Promise<void> {
    const child = spawn('clickhouse-server', [`--config-file=${path.join(this.dir, 'config.xml')}`], {
      detached: true,
      stdio: 'ignore',
    });
    child.unref();
    writeFileSync(path.join(this.dir, 'pid'), String(child.pid));
    for (let i = 0; i < 300; i++) {
      const ok = await fetch(`${this.env.SONDE_TEST_CLICKHOUSE_URL}/ping`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('private clickhouse-server did not come back');
  }

  async stop(): Promise<void> {
    try {
      await this.kill();
    } catch {
      // already gone
    }
    rmSync(this.servicesDir, { recursive: true, force: true });
  }
}
