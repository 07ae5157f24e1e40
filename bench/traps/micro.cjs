const path = require('node:path');
// In-process cost of each stage for one datagram (hex on argv), no sockets: where the CPU goes.
//   node bench/traps/micro.cjs <datagram hex>
const dist = path.join(__dirname, '../../services/trap-receiver/dist');
const { buildTrapReceiver } = require(path.join(dist, 'build-trap-receiver.js'));
const { trapReceiverConfigSchema } = require(path.join(dist, 'trap-receiver.config.js'));
const { decodeMessage } = require(path.join(__dirname, '../../libs/snmp/dist/ber/snmp-message.js'));
const { translateTrap } = require(path.join(dist, 'trap-translator.js'));
const { loadOidDictionary } = require(path.join(__dirname, '../../libs/snmp/dist/mib/mib-loader.js'));
const { createEvent } = require(path.join(__dirname, '../../libs/events/dist/create-event.js'));
const { Registry } = require(require.resolve('prom-client', { paths: [path.join(__dirname, '../..')] }));
const hex = process.argv[2];
const buf = Buffer.from(hex, 'hex');
const config = trapReceiverConfigSchema.parse({ rateLimit: { perSourcePerSecond: 1e9, perSourceBurst: 1e9, globalPerSecond: 1e9, globalBurst: 1e9, maxSources: 10 } });
const { dictionary } = loadOidDictionary();
const parts = buildTrapReceiver({ config, communities: ['public'], users: [], dictionary, registry: new Registry(), clock: { now: () => Date.now() }, origin: { site: 'b', collector: 'b' }, resolveDevice: (a) => ({ id: a, address: a }) });
const from = { address: '127.0.0.1', port: 1 };
function time(label, fn, n = 200000) { for (let i = 0; i < 20000; i++) fn(); const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) fn(); console.log(label, (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), 'us'); }
time('handle', () => parts.receiver.handle(buf, from));
time('decode', () => decodeMessage(buf));
const m = decodeMessage(buf);
time('translate', () => translateTrap(m.pdu, { version: 'v2c', source: from, security: {}, trustedRelay: false }, dictionary));
const p = translateTrap(m.pdu, { version: 'v2c', source: from, security: {}, trustedRelay: false }, dictionary).payload;
time('createEvent', () => createEvent('snmp.trap', { site: 'b', collector: 'b' }, { id: 'x', address: 'x' }, p, 1, 1));
time('metrics inc', () => parts.metrics.received.inc());
