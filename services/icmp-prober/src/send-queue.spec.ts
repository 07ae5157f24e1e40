import fc from 'fast-check';
import { SendQueue } from './send-queue';

describe('SendQueue', () => {
  it('pops in due order for any pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }), (dues) => {
        const q = new SendQueue<number>();
        dues.forEach((d, i) => q.push(d, i));
        const out: number[] = [];
        while (q.size > 0) {
          const before = q.peekDue();
          const i = q.pop();
          if (i === undefined) break;
          expect(dues[i]).toBe(before);
          out.push(before);
        }
        expect(out).toEqual([...dues].sort((a, b) => a - b));
        expect(q.peekDue()).toBe(Infinity);
      }),
    );
  });
});
