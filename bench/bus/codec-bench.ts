// Codec benchmark (not a test, not run by run.sh): what one event costs to encode and decode on
// one thread, JSON as the bus does it (event-codec.ts) against MessagePack (msgpackr, the fastest
// maintained JavaScript MessagePack codec) in its three modes, on the same ~1 KB events as
// bench/bus (6 interface samples with labels). ADR 0005 weighs the result.
//   node bench/bus/codec-bench.ts          (BENCH_EVENTS=50000, BENCH_ROUNDS=5; libs built first:
//                                           node node_modules/typescript/bin/tsc -b libs/events)
// Prints, per codec and direction, the median over the rounds of CPU µs per event
// (process.cpuUsage: user + system, GC included) and the bytes of one event.
import { isDeepStrictEqual } from 'node:util';
import { isNativeAccelerationEnabled, Packr, Unpackr } from 'msgpackr';
import { createEvent } from '@sonde/events/create-event';
import { decodeEvent, decodeTrustedEvent, encodeEvent } from '@sonde/events/event-codec';
import type { SondeEvent } from '@sonde/events/sonde-event';

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const samples = Array.from({ length: 6 }, (_, i) => ({ name: 'ifHCInOctets', labels: { ifName: `GigabitEthernet0/${i}`, ifAlias: 'uplink to core' }, value: i * 1000, unit: 'By', type: 'counter' as const }));
const events: SondeEvent[] = Array.from({ length: N }, (_, i) => createEvent('snmp.metric', { site: 'bench', collector: 'bench-1' }, { id: `dev-${i % 100}`, address: `10.0.${i % 100}.1` }, { group: 'if', samples }));

interface Codec {
  name: string;
  /** What a consumer in another process needs beyond the bytes. */
  needs: string;
  encode: (e: SondeEvent) => Buffer | Uint8Array;
  decode: (b: Buffer | Uint8Array) => unknown;
}

const plainPack = new Packr({ useRecords: false });
const plainUnpack = new Unpackr({ useRecords: false });
const recordPack = new Packr({ useRecords: true });
const recordUnpack = new Unpackr({ useRecords: true });
// Shared structures: the key lists are learned by the encoder and must reach every decoder
// (msgpackr's getStructures/saveStructures, i.e. a registry beside the topic). Here both sides
// share the array in one process: the best case such a registry could give.
const structures: object[] = [];
const sharedPack = new Packr({ structures, maxSharedStructures: 64 });
const sharedUnpack = new Unpackr({ structures, maxSharedStructures: 64 });

const codecs: Codec[] = [
  { name: 'JSON, decodeTrustedEvent (the bus, ADR 0005)', needs: 'nothing', encode: encodeEvent, decode: (b) => decodeTrustedEvent(b as Buffer) },
  { name: 'JSON, decodeEvent (zod, records without the header)', needs: 'nothing', encode: encodeEvent, decode: (b) => decodeEvent(b as Buffer) },
  { name: 'msgpackr, plain maps', needs: 'nothing', encode: (e) => plainPack.pack(e), decode: (b) => plainUnpack.unpack(b) },
  { name: 'msgpackr, records (key lists inside each message)', needs: 'nothing', encode: (e) => recordPack.pack(e), decode: (b) => recordUnpack.unpack(b) },
  { name: 'msgpackr, shared structures', needs: 'the structures registry', encode: (e) => sharedPack.pack(e), decode: (b) => sharedUnpack.unpack(b) },
];

function cpuMicrosPerEvent(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / N;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(`${N.toLocaleString('en-US')} snmp.metric events (${encodeEvent(events[0] as SondeEvent).length} bytes as JSON), ${ROUNDS} rounds each, median CPU µs per event; Node ${process.version}; msgpackr native string decoding: ${isNativeAccelerationEnabled ? 'on' : 'off'}\n`);
console.log('| codec | needs beside the bytes | bytes per event | encode µs | decode µs | decode vs the bus |');
console.log('|---|---|---:|---:|---:|---:|');
let busDecode = 0;
for (const codec of codecs) {
  const enc: number[] = [];
  const dec: number[] = [];
  let encoded: (Buffer | Uint8Array)[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // msgpackr's pack() reuses its buffer: copy out what a producer would send
    enc.push(cpuMicrosPerEvent(() => { encoded = events.map((e) => Buffer.from(codec.encode(e))); }));
    dec.push(cpuMicrosPerEvent(() => { for (const b of encoded) codec.decode(b); }));
  }
  const back = codec.decode(encoded[0] as Buffer) as SondeEvent;
  if (!isDeepStrictEqual(back, events[0])) throw new Error(`${codec.name}: the decoded event differs from the original`);
  const d = median(dec);
  if (!busDecode) busDecode = d;
  console.log(`| ${codec.name} | ${codec.needs} | ${(encoded[0] as Buffer).length} | ${median(enc).toFixed(2)} | ${d.toFixed(2)} | ${(busDecode / d).toFixed(2)}× |`);
}
