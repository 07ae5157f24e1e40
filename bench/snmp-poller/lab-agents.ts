// Lab agents for the SNMP poller benchmark, in their own process so the poller's CPU figures
// do not include the agents'. Prints one JSON line with the devices, then serves until killed.
//   node bench/snmp-poller/lab-agents.ts <devices> <interfaces> [offset]
import { Lab } from '@sonde/lab/lab';

const devices = Number(process.argv[2] ?? 10);
const interfaces = Number(process.argv[3] ?? 48);

async function main(): Promise<void> {
  const lab = await Lab.start({ devices, interfaces, profiles: ['router', 'switch'] }, { startConcurrency: 64 });
  process.stdout.write(JSON.stringify(lab.devices.map((d) => ({ id: d.id, address: d.address, port: d.port, community: d.community, v3User: d.v3User }))) + '\n');
  const stop = async () => {
    await lab.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
