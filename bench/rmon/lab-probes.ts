// Lab RMON probes for bench/rmon, in their own process so the collector's CPU is measured alone.
// Prints one JSON line with the devices, then serves until killed.
//   node bench/rmon/lab-probes.ts <devices> <interfaces> [uptime seconds]
import { Lab } from '@sonde/lab/lab';

const devices = Number(process.argv[2] ?? 10);
const interfaces = Number(process.argv[3] ?? 8);
/** Seconds the probes have been up at start: 3600 = all 50 buckets held; less = fewer (the first read is lighter). */
const uptime = Number(process.argv[4] ?? 3600);

async function main(): Promise<void> {
  // 50 buckets of 30 s per data source, all held when up for an hour: a full history table per probe
  const lab = await Lab.start(
    { devices, interfaces, profiles: ['router', 'switch'], initialUptimeSeconds: uptime, rmon: { historyIntervalSeconds: 30, historyBuckets: 50 } },
    { startConcurrency: 64 },
  );
  process.stdout.write(JSON.stringify(lab.devices.map((d) => ({ id: d.id, address: d.address, port: d.port, community: d.community }))) + '\n');
  const stop = async () => {
    await lab.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
