import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runningInstances, writeInstanceFile } from './instance-file';
import { explainStoreOpenError, locateStore } from './store-locator';

/** A pid that is certainly not running: beyond the kernel's pid_max. */
const DEAD_PID = 2 ** 22 + 1;

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'sonde-locate-'));
  return { root, registry: path.join(root, 'registry'), cwd: path.join(root, 'cwd') };
}

describe('where sonde query / sonde status read', () => {
  it('without --data: the one running `sonde up`, whatever its folder and port, and it says so', async () => {
    const { root, registry, cwd } = setup();
    const dataDir = path.join(root, 'elsewhere');
    writeInstanceFile({ pid: process.pid, state: 'ready', url: 'http://127.0.0.1:19464', dataDir, startedAt: 1 }, registry);
    const where = await locateStore(undefined, { registry, cwd });
    expect(where).toEqual({
      kind: 'running',
      instance: { pid: process.pid, state: 'ready', url: 'http://127.0.0.1:19464', dataDir, startedAt: 1 },
      note: `reading the running \`sonde up\` (pid ${process.pid}, data ${dataDir}, http://127.0.0.1:19464); no --data given`,
    });
  });

  it('with --data D: the `sonde up` of D, whatever its port', async () => {
    const { root, registry, cwd } = setup();
    const dataDir = path.join(root, 'D');
    writeInstanceFile({ pid: process.pid, state: 'ready', url: 'http://127.0.0.1:19464', dataDir, startedAt: 1 }, registry);
    const where = await locateStore(dataDir, { registry, cwd });
    expect(where.kind === 'running' && where.instance.url).toBe('http://127.0.0.1:19464');
  });

  it('no running `sonde up`: the folder itself (./.sonde-data by default); a dead one is ignored', async () => {
    const { root, registry, cwd } = setup();
    writeInstanceFile({ pid: DEAD_PID, state: 'ready', url: 'http://127.0.0.1:1', dataDir: path.join(root, 'gone'), startedAt: 1 }, registry);
    expect(runningInstances(registry)).toEqual([]);
    expect(await locateStore(undefined, { registry, cwd })).toEqual({ kind: 'folder', dataDir: path.join(cwd, '.sonde-data') });
  });

  it('with --data D while another folder runs: reads D and says the running one is elsewhere', async () => {
    const { root, registry, cwd } = setup();
    const other = path.join(root, 'other');
    writeInstanceFile({ pid: process.pid, state: 'ready', url: 'http://127.0.0.1:19464', dataDir: other, startedAt: 1 }, registry);
    const where = await locateStore('D', { registry, cwd });
    expect(where).toEqual({
      kind: 'folder',
      dataDir: path.join(cwd, 'D'),
      note: `no \`sonde up\` runs for ${path.join(cwd, 'D')} (running: pid ${process.pid}, data ${other}, http://127.0.0.1:19464); reading the folder itself`,
    });
  });

  it('a `sonde up` still starting is waited for (bounded), then explained, never opened under it', async () => {
    const { root, registry, cwd } = setup();
    const dataDir = path.join(root, 'D');
    writeInstanceFile({ pid: process.pid, state: 'starting', dataDir, startedAt: 1 }, registry);
    setTimeout(() => writeInstanceFile({ pid: process.pid, state: 'ready', url: 'http://127.0.0.1:2', dataDir, startedAt: 1 }, registry), 300);
    const found = await locateStore(dataDir, { registry, cwd, waitMs: 30_000 });
    expect(found.kind === 'running' && found.instance.url).toBe('http://127.0.0.1:2');
    writeInstanceFile({ pid: process.pid, state: 'starting', dataDir, startedAt: 1 }, registry);
    const waited = await locateStore(dataDir, { registry, cwd, waitMs: 0 });
    expect(waited).toEqual({ kind: 'error', message: expect.stringContaining(`the \`sonde up\` of ${dataDir} (pid ${process.pid}) is still starting`) });
  });

  it('two running and no --data: asks which, naming both', async () => {
    const { root, registry, cwd } = setup();
    writeInstanceFile({ pid: process.pid, state: 'ready', url: 'http://127.0.0.1:3', dataDir: path.join(root, 'A'), startedAt: 1 }, registry);
    writeInstanceFile({ pid: process.ppid, state: 'ready', url: 'http://127.0.0.1:4', dataDir: path.join(root, 'B'), startedAt: 2 }, registry);
    const where = await locateStore(undefined, { registry, cwd });
    expect(where.kind).toBe('error');
    expect(where.kind === 'error' && where.message).toMatch(/2 `sonde up` are running .*A.*B.*choose one with --data/);
  });

  it("explains chDB's raw error for a folder another process holds", () => {
    expect(explainStoreOpenError('/d/chdb', new Error('Failed to create connection for path: /d/chdb'))).toMatch(/^cannot open \/d\/chdb: another process holds it/);
  });
});
