import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SerialSends } from './serial-sends';

const rejected = (err: unknown) => (err as Error).message === 'MESSAGE_TOO_LARGE';
const tick = () => new Promise((r) => setImmediate(r));

describe('SerialSends', () => {
  it('hands the client one request at a time, in call order', async () => {
    const sends = new SerialSends(rejected);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        sends.run(async () => {
          most = Math.max(most, ++running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect({ most, order }).toEqual({ most: 1, order: [0, 1, 2, 3, 4] });
  });

  it('after a failure, fails the requests behind it unsent (with the failure as cause) until reset()', async () => {
    const sends = new SerialSends(rejected);
    const sent: number[] = [];
    const outcomes = await Promise.allSettled(
      [0, 1, 2].map((i) =>
        sends.run(async () => {
          sent.push(i);
          if (i === 0) throw new Error('REQUEST_TIMED_OUT');
        }),
      ),
    );
    expect(sent).toEqual([0]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as Error).cause).toEqual(new Error('REQUEST_TIMED_OUT'));
    sends.reset();
    await sends.run(async () => void sent.push(3));
    expect(sent).toEqual([0, 3]);
  });

  it('a request the broker rejected for good does not hold up the ones behind it', async () => {
    const sends = new SerialSends(rejected);
    const sent: number[] = [];
    const first = sends.run(async () => {
      sent.push(0);
      throw new Error('MESSAGE_TOO_LARGE');
    });
    const second = sends.run(async () => void sent.push(1));
    await expect(first).rejects.toThrow('MESSAGE_TOO_LARGE');
    await second;
    expect(sent).toEqual([0, 1]);
  });

  it('property: whatever fails, what reached the broker before a failure is a prefix of the calls, and nothing after it until reset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('ok', 'fail', 'reject'), { minLength: 1, maxLength: 20 }), async (plan) => {
        const sends = new SerialSends(rejected);
        const reached: number[] = [];
        await Promise.allSettled(
          plan.map((p, i) =>
            sends.run(async () => {
              reached.push(i);
              await tick();
              if (p === 'fail') throw new Error('NETWORK');
              if (p === 'reject') throw new Error('MESSAGE_TOO_LARGE');
            }),
          ),
        );
        const firstFail = plan.indexOf('fail');
        const expected = plan.map((_, i) => i).filter((i) => firstFail === -1 || i <= firstFail);
        expect(reached).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
