import { DEVICE_PROFILES } from './device-profile';
import { LabAgent } from './lab-agent';
import { LabDevice } from './lab-device';
import { LabError } from './lab-error';
import type { LabFaultsInput } from './lab-faults';
import { LabMib } from './lab-mib';
import { LabOutages } from './lab-outages';
import { labAddresses } from './lab-network';
import { LabTraffic } from './lab-traffic';
import { labConfigSchema, type LabConfig, type LabConfigInput } from './lab.config';
import type { UsmUser } from './usm-user';

/** A lab device as the inventory needs it to poll: where, and with which credentials. */
export interface LabInventoryDevice {
  id: string;
  name: string;
  profile: string;
  sysObjectID: string;
  address: string;
  port: number;
  interfaces: number;
  community: string;
  /** The SNMPv3 user this device is polled with (the first of `lab.users`); all of them are accepted. */
  v3User: UsmUser;
  engineId: string;
}

export interface LabOptions {
  /** Milliseconds since the epoch; a fixed clock makes every value predictable. */
  clock?: () => number;
  /** Agents bound concurrently while starting. */
  startConcurrency?: number;
}

/**
 * A lab of simulated devices on loopback: one LabAgent per device (own UDP socket, kernel-chosen
 * port, optionally own 127.x address), one shared MIB layout cache, and optional trap/syslog traffic.
 *
 *   const lab = await Lab.start({ devices: 10, interfaces: 48, distinctAddresses: true });
 *   lab.devices   // → inventory entries: id, name, address, port, community, v3User…
 *   lab.setFaults('lab-router-1', { timeout: true });
 *   await lab.close();
 */
export class Lab {
  private readonly byId: Map<string, LabAgent>;
  /** The recurring demo outage, when `lab.outages.enabled`. */
  outages: LabOutages | undefined;

  private constructor(
    readonly config: LabConfig,
    readonly devices: readonly LabInventoryDevice[],
    private readonly agentList: readonly LabAgent[],
    private readonly traffic: LabTraffic,
  ) {
    this.byId = new Map(agentList.map((a) => [a.device.spec.id, a]));
  }

  static async start(input: LabConfigInput | LabConfig = {}, options: LabOptions = {}): Promise<Lab> {
    const parsed = labConfigSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ['lab', ...(issue?.path ?? []).map(String)].join('.');
      throw new LabError('config', `invalid lab config at ${path}: ${issue?.message ?? 'unknown'}`, { path });
    }
    const config = parsed.data;
    const clock = options.clock ?? Date.now;
    const count = config.enabled ? config.devices : 0;
    const addresses = labAddresses(count, config);
    const mib = new LabMib();
    const startedAt = clock() - config.initialUptimeSeconds * 1000;
    const operDown = new Set(config.operDownInterfaces);
    const v3User = config.users[0] as UsmUser;

    const devices: LabDevice[] = [];
    for (let i = 0; i < count; i++) {
      const profile = DEVICE_PROFILES[config.profiles[i % config.profiles.length] as string];
      if (!profile) throw new LabError('config', `lab.profiles[${i % config.profiles.length}] is not a known profile`, { path: 'lab.profiles' });
      const id = `lab-${profile.name}-${i + 1}`;
      const device = new LabDevice(
        {
          id,
          name: id,
          profile,
          interfaces: config.interfaces,
          rates: config.rates,
          counterOffset: config.counterOffset,
          operDown,
          sysContact: config.sysContact,
          sysLocation: config.sysLocation,
          ordinal: i + 1,
          ...(config.rmon.enabled ? { rmon: { historyIntervalSeconds: config.rmon.historyIntervalSeconds, historyBuckets: config.rmon.historyBuckets, burst: config.rmon.burst, alarm: config.rmon.alarm, rmon2: config.rmon.rmon2 } } : {}),
        },
        startedAt,
      );
      const faults = config.faults[id];
      if (faults) device.setFaults(faults);
      devices.push(device);
    }
    for (const id of Object.keys(config.faults)) {
      if (!devices.some((d) => d.spec.id === id)) {
        throw new LabError('config', `lab.faults.${id}: no such lab device`, { path: `lab.faults.${id}`, device: id });
      }
    }

    const agents: LabAgent[] = [];
    const concurrency = options.startConcurrency ?? 64;
    try {
      for (let i = 0; i < devices.length; i += concurrency) {
        const batch = devices.slice(i, i + concurrency).map((device, j) =>
          LabAgent.start({
            device,
            mib,
            address: addresses[i + j],
            community: config.community,
            users: config.users,
            usmTimeliness: config.usmTimeliness,
            clock,
          }),
        );
        const settled = await Promise.allSettled(batch);
        for (const s of settled) if (s.status === 'fulfilled') agents.push(s.value);
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (err) {
      await Promise.all(agents.map((a) => a.close()));
      throw err;
    }

    const entries: LabInventoryDevice[] = agents.map((a) => ({
      id: a.device.spec.id,
      name: a.device.spec.name,
      profile: a.device.spec.profile.name,
      sysObjectID: a.device.spec.profile.sysObjectID,
      address: a.address,
      port: a.port,
      interfaces: a.device.spec.interfaces,
      community: config.community,
      v3User,
      engineId: a.engineId,
    }));
    const traffic = new LabTraffic(
      agents.map((agent) => ({ agent, community: config.community, v3User })),
      clock,
    );
    if (config.traps.enabled) traffic.startTraps(config.traps);
    if (config.syslog.enabled) traffic.startSyslog(config.syslog);
    const lab = new Lab(config, entries, agents, traffic);
    if (config.outages.enabled && entries.length > 0) {
      const device = config.outages.device ?? (entries[0] as LabInventoryDevice).id;
      const interfaceDevice = config.outages.interfaceDevice ?? (entries[1] ?? entries[0] as LabInventoryDevice).id;
      for (const [key, id] of [['device', device], ['interfaceDevice', interfaceDevice]] as const) {
        if (!lab.byId.has(id)) {
          await lab.close();
          throw new LabError('config', `lab.outages.${key}: no such lab device "${id}"`, { path: `lab.outages.${key}`, device: id });
        }
      }
      lab.outages = new LabOutages(config.outages, lab, device, interfaceDevice);
      lab.outages.start();
    }
    return lab;
  }

  get agents(): readonly LabAgent[] {
    return this.agentList;
  }

  agent(id: string): LabAgent {
    const a = this.byId.get(id);
    if (!a) throw new LabError('not-found', `no lab device ${id}`, { device: id });
    return a;
  }

  setFaults(id: string, faults: LabFaultsInput): void {
    this.agent(id).setFaults(faults);
  }

  /** ifOperStatus of one interface down (true) or back up (lab outages, tests). */
  setLinkDown(id: string, ifIndex: number, down: boolean): void {
    this.agent(id).device.setLinkDown(ifIndex, down);
  }

  restart(id: string): void {
    this.agent(id).restart();
  }

  /** Counts of failed trap/syslog sends (the lab never throws from its timers). */
  get trafficErrors(): LabTraffic['errors'] {
    return this.traffic.errors;
  }

  async close(): Promise<void> {
    this.outages?.stop();
    await this.traffic.close();
    await Promise.all(this.agentList.map((a) => a.close()));
  }
}
