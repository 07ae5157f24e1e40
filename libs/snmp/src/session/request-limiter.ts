/**
 * Bounds SNMP requests in flight: at most `perDevice` to one agent (small agents drop
 * requests they cannot queue) and `overall` across the process (bounds socket buffers and
 * memory). FIFO per device, FIFO globally; a waiting request costs one closure.
 */
export class RequestLimiter {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly devices = new Map<string, { inFlight: number; waiting: Array<() => void> }>();

  constructor(
    readonly perDevice: number,
    readonly overall: number,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(device: string, fn: () => Promise<T>): Promise<T> {
    await this.acquireDevice(device);
    try {
      await this.acquireGlobal();
      try {
        return await fn();
      } finally {
        this.releaseGlobal();
      }
    } finally {
      this.releaseDevice(device);
    }
  }

  private acquireDevice(device: string): Promise<void> | void {
    let d = this.devices.get(device);
    if (!d) this.devices.set(device, (d = { inFlight: 0, waiting: [] }));
    if (d.inFlight < this.perDevice) {
      d.inFlight++;
      return;
    }
    const slot = d;
    return new Promise<void>((resolve) => slot.waiting.push(resolve));
  }

  private releaseDevice(device: string): void {
    const d = this.devices.get(device);
    if (!d) return;
    const next = d.waiting.shift();
    if (next) next(); // the slot passes to the next waiter
    else if (--d.inFlight === 0) this.devices.delete(device);
  }

  private acquireGlobal(): Promise<void> | void {
    if (this.inFlight < this.overall) {
      this.inFlight++;
      return;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseGlobal(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
