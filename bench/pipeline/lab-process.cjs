// The lab's SNMP agents (libs/lab) in their own process, so the bench measures their CPU apart:
// prints one JSON line with the inventory entries, then serves until stdin closes or SIGTERM.
//   node lab-process.cjs <devices> <interfaces>
const { Lab } = require('@sonde/lab/lab');

(async () => {
  const [devices, interfaces] = process.argv.slice(2).map(Number);
  const lab = await Lab.start({ devices, interfaces, distinctAddresses: true });
  process.stdout.write(`${JSON.stringify({ community: lab.config.community, devices: lab.devices })}\n`);
  const stop = async () => {
    await lab.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
