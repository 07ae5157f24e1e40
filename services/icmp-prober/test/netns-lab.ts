import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';

/**
 * A small routed network built from network namespaces and veth pairs (iproute2), for the
 * integration tests and the benchmark. Only RFC 2544 benchmarking addresses (198.18.0.0/15)
 * and a ULA prefix are used, with a random third octet per run so parallel runs do not
 * collide. The test process (root namespace) reaches everything through one veth to a
 * router namespace:
 *
 *   root ns  198.18.X.1 ──veth── 198.18.X.2  router ns ──veth── 198.19.X.2   up (kernel echo)
 *   fd53:de:X::1                 fd53:de:X::2           ──veth── 198.19.X.6   silent (echo ignored)
 *                                                        ──veth── 198.19.X.10  lossy (50 ms, 20 % loss)
 *   router: nft reject host-unreachable 198.19.X.200, admin-prohibited 198.19.X.201,
 *           IPv6 addr-unreachable fd53:df:X:ff::1; blackhole 198.19.X.220;
 *           198.19.X.210 via the silent host, which has no route for it (net unreachable)
 *   IPv6 up host: fd53:df:X:1::2
 *   root ns route: unreachable 198.19.X.250 (sendto fails locally)
 */
export interface NetnsLabAddresses {
  up: string;
  up6: string;
  silent: string;
  lossy: string;
  routerUnreachable: string;
  routerProhibit: string;
  routerNoRoute: string;
  routerBlackhole: string;
  router6Unreachable: string;
  localUnreachable: string;
  router: string;
  router6: string;
}

export interface LossyHost {
  delayMs: number;
  loss: number;
  /** How delay and loss are applied: `netem` (tc qdisc) or `responder` (userspace, no sch_netem). */
  mechanism: 'netem' | 'responder';
  /** Why netem was not used, when it was not. */
  reason?: string;
}

const RESPONDER = path.join(__dirname, 'peers', 'delayed-echo-responder.py');

export class NetnsLab {
  readonly addresses: NetnsLabAddresses;
  lossy: LossyHost | null = null;
  private readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];
  private readonly rootRoutes: string[][] = [];
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly id: string,
    readonly octet: number,
  ) {
    const x = octet;
    const h = octet.toString(16);
    this.addresses = {
      up: `198.19.${x}.2`,
      up6: `fd53:df:${h}:1::2`,
      silent: `198.19.${x}.6`,
      lossy: `198.19.${x}.10`,
      routerUnreachable: `198.19.${x}.200`,
      routerProhibit: `198.19.${x}.201`,
      routerNoRoute: `198.19.${x}.210`,
      routerBlackhole: `198.19.${x}.220`,
      router6Unreachable: `fd53:df:${h}:ff::1`,
      localUnreachable: `198.19.${x}.250`,
      router: `198.18.${x}.2`,
      router6: `fd53:de:${h}::2`,
    };
  }

  /** Builds the network; on any failure, tears down what was built and rethrows. */
  static async create(options: { lossy?: { delayMs: number; loss: number; seed: number } } = {}): Promise<NetnsLab> {
    const used = run('ip', ['-4', '-o', 'addr']);
    let octet = randomInt(1, 255);
    for (let i = 0; i < 50 && used.includes(`198.18.${octet}.`); i++) octet = randomInt(1, 255);
    const lab = new NetnsLab(`${process.pid.toString(36)}${randomInt(36 ** 3).toString(36)}`, octet);
    try {
      await lab.build(options.lossy);
      return lab;
    } catch (err) {
      lab.destroy();
      throw err;
    }
  }

  private ns(role: string): string {
    return `sonde-icmp-${this.id}-${role}`;
  }

  private addNamespace(role: string): string {
    const name = this.ns(role);
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  private async build(lossy?: { delayMs: number; loss: number; seed: number }): Promise<void> {
    const x = this.octet;
    const h = x.toString(16);
    const router = this.addNamespace('router');
    // Router: forwards, and answers every error at once (no ICMP rate limit, RFC 1812 §4.3.2.8
    // allows limiting; the test wants every probe accounted for).
    for (const [k, v] of [
      ['net.ipv4.ip_forward', '1'],
      ['net.ipv6.conf.all.forwarding', '1'],
      ['net.ipv4.icmp_ratelimit', '0'],
      ['net.ipv6.icmp.ratelimit', '0'],
    ] as const) {
      run('ip', ['netns', 'exec', router, 'sysctl', '-qw', `${k}=${v}`]);
    }
    const rootIf = `si${this.id}`.slice(0, 15);
    run('ip', ['link', 'add', rootIf, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', router]);
    this.rootLinks.push(rootIf);
    run('ip', ['addr', 'add', `198.18.${x}.1/30`, 'dev', rootIf]);
    run('ip', ['-6', 'addr', 'add', `fd53:de:${h}::1/64`, 'dev', rootIf, 'nodad']);
    run('ip', ['link', 'set', rootIf, 'up']);
    run('ip', ['-n', router, 'addr', 'add', `198.18.${x}.2/30`, 'dev', 'uplink']);
    run('ip', ['-n', router, '-6', 'addr', 'add', `fd53:de:${h}::2/64`, 'dev', 'uplink', 'nodad']);
    run('ip', ['-n', router, 'link', 'set', 'uplink', 'up']);
    this.addRootRoute(['route', 'add', `198.19.${x}.0/24`, 'via', `198.18.${x}.2`]);
    this.addRootRoute(['-6', 'route', 'add', `fd53:df:${h}::/48`, 'via', `fd53:de:${h}::2`]);
    this.addRootRoute(['route', 'add', 'unreachable', `${this.addresses.localUnreachable}/32`]);

    const hosts: [string, number][] = [['up', 0], ['silent', 4], ['lossy', 8]];
    for (const [role, base] of hosts) {
      const host = this.addNamespace(role);
      const link = `to-${role}`; // not the bare role: `ip link add up …` would parse `up` as a flag
      run('ip', ['-n', router, 'link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host]);
      run('ip', ['-n', router, 'addr', 'add', `198.19.${x}.${base + 1}/30`, 'dev', link]);
      run('ip', ['-n', router, 'link', 'set', link, 'up']);
      run('ip', ['-n', host, 'addr', 'add', `198.19.${x}.${base + 2}/30`, 'dev', 'eth0']);
      run('ip', ['-n', host, 'link', 'set', 'eth0', 'up']);
      if (role === 'silent') {
        // The silent host also routes 198.19.X.210 onwards but has no route for it (only one back
        // to the test): it answers net-unreachable from its own namespace, whose ICMP rate-limit
        // state is not shared with the router's rejects.
        run('ip', ['-n', host, 'route', 'add', `198.18.${x}.0/30`, 'via', `198.19.${x}.${base + 1}`]);
        run('ip', ['netns', 'exec', host, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
        // icmp_send() would otherwise rate-limit again on the same per-source token bucket.
        run('ip', ['netns', 'exec', host, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0']);
        run('ip', ['-n', router, 'route', 'add', `${this.addresses.routerNoRoute}/32`, 'via', `198.19.${x}.${base + 2}`]);
      } else {
        run('ip', ['-n', host, 'route', 'add', 'default', 'via', `198.19.${x}.${base + 1}`]);
      }
      if (role === 'up') {
        run('ip', ['-n', router, '-6', 'addr', 'add', `fd53:df:${h}:1::1/64`, 'dev', link, 'nodad']);
        run('ip', ['-n', host, '-6', 'addr', 'add', `fd53:df:${h}:1::2/64`, 'dev', 'eth0', 'nodad']);
        run('ip', ['-n', host, '-6', 'route', 'add', 'default', 'via', `fd53:df:${h}:1::1`]);
      }
      if (role === 'silent') run('ip', ['netns', 'exec', host, 'sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    }
    // REJECT on the router (nftables; icmp_send honours the per-namespace icmp_ratelimit we
    // zeroed). Routes of type unreachable/prohibit would answer through ip_error(), limited by
    // the host-global net.ipv4.route.error_cost (1/s after a burst of 5) which a test must not
    // change; the route-less address below shows that limit instead.
    run('ip', ['netns', 'exec', router, 'nft', '-f', '-'], [
      'table inet sonde_probe_lab {',
      '  chain forward_reject {',
      '    type filter hook forward priority 0; policy accept;',
      `    ip daddr ${this.addresses.routerUnreachable} reject with icmp type host-unreachable`,
      `    ip daddr ${this.addresses.routerProhibit} reject with icmp type admin-prohibited`,
      `    ip6 daddr ${this.addresses.router6Unreachable} reject with icmpv6 type addr-unreachable`,
      '  }',
      '}',
    ].join('\n'));
    // Routes exist for the rejected addresses (towards the up host's link) so packets reach the
    // forward hook instead of failing the route lookup.
    run('ip', ['-n', router, 'route', 'add', `198.19.${x}.200/31`, 'dev', 'to-up']);
    run('ip', ['-n', router, 'route', 'add', 'blackhole', `${this.addresses.routerBlackhole}/32`]);
    run('ip', ['-n', router, '-6', 'route', 'add', `fd53:df:${h}:ff::/64`, 'dev', 'to-up']);
    if (lossy) this.lossy = await this.impair(lossy);
    this.waitReachable([this.addresses.up, this.addresses.up6]);
  }

  /** Until fping gets a reply from each (IPv6 neighbour discovery takes a moment on new links). */
  private waitReachable(addresses: string[]): void {
    for (const a of addresses) run('fping', ['-q', '-r', '20', '-t', '250', a]);
  }

  /** 50 ms / 20 % on the lossy host's replies: netem when the kernel has it, else the responder. */
  private async impair(opts: { delayMs: number; loss: number; seed: number }): Promise<LossyHost> {
    const host = this.ns('lossy');
    try {
      run('ip', ['netns', 'exec', host, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', `${opts.delayMs}ms`, 'loss', `${opts.loss * 100}%`]);
      return { delayMs: opts.delayMs, loss: opts.loss, mechanism: 'netem' };
    } catch (err) {
      const reason = `tc qdisc netem unavailable (${firstLine(err)}): this kernel lacks sch_netem; delay and loss are applied by ${path.basename(RESPONDER)} in the host namespace instead`;
      run('ip', ['netns', 'exec', host, 'sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
      const child = spawn('ip', ['netns', 'exec', host, 'python3', RESPONDER, String(opts.delayMs), String(opts.loss), String(opts.seed)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      this.children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`delayed-echo-responder exited with ${code}`)));
        child.stdout?.once('data', () => resolve());
      });
      return { delayMs: opts.delayMs, loss: opts.loss, mechanism: 'responder', reason };
    }
  }

  private addRootRoute(args: string[]): void {
    run('ip', args);
    this.rootRoutes.push(args.map((a) => (a === 'add' ? 'del' : a)));
  }

  /** Removes everything this lab created; safe to call twice and after a partial build. */
  destroy(): void {
    for (const c of this.children.splice(0)) c.kill('SIGKILL');
    for (const r of this.rootRoutes.splice(0)) tryRun('ip', r);
    for (const l of this.rootLinks.splice(0)) tryRun('ip', ['link', 'del', l]);
    for (const n of this.namespaces.splice(0).reverse()) tryRun('ip', ['netns', 'del', n]);
  }
}

function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${firstLine(err)}`);
  }
}

function tryRun(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer | string; message?: string };
  const text = (e.stderr ? e.stderr.toString() : '') || e.message || String(err);
  return text.trim().split('\n')[0] ?? '';
}
