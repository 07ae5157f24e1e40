import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { BusMetrics } from '../bus.metrics';
import { MetricsRelay } from './metrics-relay';

describe('MetricsRelay', () => {
  it('adds what a thread counted since its last snapshot, sets its gauges, and takes a restarted thread whole', async () => {
    const threadRegistry = new Registry();
    const thread = new BusMetrics(threadRegistry);
    const mainRegistry = new Registry();
    const main = new BusMetrics(mainRegistry);
    main.published.inc({ adapter: 'kafka', via: 'broker' }, 7); // counted on the caller's thread itself
    const relay = new MetricsRelay(main);

    thread.published.inc({ adapter: 'kafka', via: 'broker' }, 100);
    thread.spoolEvents.set(40);
    relay.apply(await threadRegistry.getMetricsAsJSON());
    thread.published.inc({ adapter: 'kafka', via: 'broker' }, 20);
    thread.published.inc({ adapter: 'kafka', via: 'spool' }, 5);
    thread.spoolEvents.set(0);
    relay.apply(await threadRegistry.getMetricsAsJSON());
    relay.apply(await threadRegistry.getMetricsAsJSON()); // nothing new

    const restarted = new Registry();
    new BusMetrics(restarted).published.inc({ adapter: 'kafka', via: 'broker' }, 3);
    relay.apply(await restarted.getMetricsAsJSON());

    const text = await mainRegistry.metrics();
    expect(text).toContain('sonde_bus_published_total{adapter="kafka",via="broker"} 130');
    expect(text).toContain('sonde_bus_published_total{adapter="kafka",via="spool"} 5');
    expect(text).toContain('sonde_bus_spool_events 0');
  });
});
