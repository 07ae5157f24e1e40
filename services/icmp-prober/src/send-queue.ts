interface Entry<T> {
  due: number;
  item: T;
}

/**
 * A binary min-heap of scheduled sends ordered by due time: O(log n) push/pop for thousands
 * of targets, where a timer per target would cost the event loop one timer each.
 */
export class SendQueue<T> {
  private readonly heap: Entry<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekDue(): number {
    return this.heap[0]?.due ?? Infinity;
  }

  push(due: number, item: T): void {
    const heap = this.heap;
    const entry = { due, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (!parent || parent.due <= due) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = entry;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last) return undefined;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const left = heap[l];
        if (!left) break;
        const right = heap[l + 1];
        const [c, child] = right && right.due < left.due ? [l + 1, right] : [l, left];
        if (child.due >= last.due) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top.item;
  }

  clear(): void {
    this.heap.length = 0;
  }
}
