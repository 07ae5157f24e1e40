// Starts the built IcmpProberService once (as the Nest listener does at bootstrap) against a
// collecting bus, probes for DURATION_MS, prints the published payloads as JSON and exits 0;
// if start() throws, prints the error message to stderr and exits 3. Used by
// privileges.int-spec.ts to run the prober under reduced capabilities (setpriv), which a jest
// worker cannot do to itself.
//
//   node start-prober.js '<icmpProber config JSON>' DURATION_MS
'use strict';
const path = require('node:path');
const { Registry } = require('prom-client');
const dist = path.join(__dirname, '..', 'dist');
const { IcmpProberService } = require(path.join(dist, 'icmp-prober-service.js'));
const { icmpProberConfigSchema } = require(path.join(dist, 'icmp-prober.config.js'));
const { IcmpProberMetrics } = require(path.join(dist, 'icmp-prober.metrics.js'));

const config = icmpProberConfigSchema.parse(JSON.parse(process.argv[2] || '{}'));
const published = [];
const service = new IcmpProberService(config, {
  bus: { publish: async (events) => void published.push(...events) },
  inventory: { devicesAt: () => [] },
  metrics: new IcmpProberMetrics(new Registry()),
  log: { info() {}, warn: (fields, msg) => process.stderr.write(`${msg}\n`) },
  origin: { site: 'lab', collector: 'privileges-test' },
});
try {
  service.start();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(3);
}
setTimeout(async () => {
  await service.stop();
  process.stdout.write(JSON.stringify(published.map((e) => e.payload)));
}, Number(process.argv[3] || 1000));
