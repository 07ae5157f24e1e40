import { LabOutages, labOutagesSchema, outageSteps } from './lab-outages';

describe('LabOutages', () => {
  afterEach(() => jest.useRealTimers());

  it('runs one cycle: interface down, device down, device up, interface up — and repeats', () => {
    jest.useFakeTimers();
    const log: string[] = [];
    const config = labOutagesSchema.parse({ enabled: true, firstAfterMs: 1000, everyMs: 300_000, deviceDownAfterMs: 60_000, deviceDownMs: 90_000, interfaceDownMs: 180_000, ifIndex: 2 });
    expect(outageSteps(config).map((s) => s.what)).toEqual(['interface-down', 'device-down', 'device-up', 'interface-up']);
    const outages = new LabOutages(config, {
      setFaults: (id, f) => log.push(`${id} timeout=${String(f.timeout)}`),
      setLinkDown: (id, ifIndex, down) => log.push(`${id} if${ifIndex} ${down ? 'down' : 'up'}`),
    }, 'r1', 's2');
    outages.start();
    jest.advanceTimersByTime(1000);
    expect(log).toEqual(['s2 if2 down']);
    jest.advanceTimersByTime(60_000);
    expect(log.slice(-1)).toEqual(['r1 timeout=true']);
    jest.advanceTimersByTime(90_000);
    expect(log.slice(-1)).toEqual(['r1 timeout=false']);
    jest.advanceTimersByTime(30_000);
    expect(log.slice(-1)).toEqual(['s2 if2 up']);
    jest.advanceTimersByTime(120_000);
    expect(log.slice(-1)).toEqual(['s2 if2 down']);
    outages.stop();
    // stopping leaves the lab healthy
    expect(log.slice(-2)).toEqual(['r1 timeout=false', 's2 if2 up']);
  });
});
