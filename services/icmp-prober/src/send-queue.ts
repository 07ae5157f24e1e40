/**
 * A binary min-heap of scheduled sends ordered by due time: O(log n) push/pop for thousands
 * of targets, where a timer per target would cost the event loop one timer each.
 */
export class SendQueue<T> {
  private readonly dues: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekDue(): number {
    return this.dues.length > 0 ? this.dues[0]! : Infinity;
  }

  push(due: number, item: T): void {
    const dues = this.dues;
    const items = this.items;
    let i = dues.length;
    dues.push(due);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (dues[parent]! <= due) break;
      dues[i] = dues[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    dues[i] = due;
    items[i] = item;
  }

  pop(): T | undefined {
    const dues = this.dues;
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const lastDue = dues.pop()!;
    const lastItem = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && dues[r]! < dues[l]! ? r : l;
        if (dues[c]! >= lastDue) break;
        dues[i] = dues[c]!;
        items[i] = items[c]!;
        i = c;
      }
      dues[i] = lastDue;
      items[i] = lastItem;
    }
    return top;
  }

  clear(): void {
    this.dues.length = 0;
    this.items.length = 0;
  }
}
