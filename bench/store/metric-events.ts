// The snmp.metric events every store benchmark writes: `samples` interface counters per event,
// 500 devices, one event every `stepMs` from `ts`.
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';

export function metricEvents(count: number, ts: number, samples = 10, stepMs = 1): SondeEvent[] {
  const origin = { site: 'bench', collector: 'bench-1' };
  return Array.from({ length: count }, (_, i) =>
    createEvent('snmp.metric', origin, { id: `dev-${i % 500}`, address: `10.0.${(i >> 8) & 255}.${i & 255}` }, {
      group: 'if',
      samples: Array.from({ length: samples }, (_, j) => ({
        name: j % 2 ? 'ifHCInOctets' : 'ifHCOutOctets',
        labels: { ifName: `eth${j >> 1}`, ifIndex: String(j >> 1) },
        value: i * 1000 + j,
        unit: 'By',
        type: 'counter' as const,
      })),
    }, ts + i * stepMs),
  );
}
