/**
 * Every clause's leaf ids, `[positive count, ...positive ids, ...negative ids]`, back to back in one typed
 * array rather than one small array per clause: a million topics then cost the garbage collector nothing
 * to trace. Removed clauses leave holes that are squeezed out once they make up half the space.
 */
export class ClauseArena {
  private data = new Int32Array(4096);
  private used = 0;
  private wasted = 0;
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];

  store(id: number, leaves: readonly number[]): void {
    if (this.used + leaves.length > this.data.length) this.makeRoom(leaves.length);
    this.data.set(leaves, this.used);
    this.starts[id] = this.used;
    this.lengths[id] = leaves.length;
    this.used += leaves.length;
  }

  /** A view that is only valid until the next `store`. */
  leaves(id: number): Int32Array {
    const start = this.starts[id] ?? 0;
    return this.data.subarray(start, start + (this.lengths[id] ?? 0));
  }

  release(id: number): void {
    this.wasted += this.lengths[id] ?? 0;
    this.lengths[id] = 0;
  }

  private makeRoom(needed: number): void {
    const live = this.used - this.wasted;
    const data = new Int32Array(Math.max(4096, 2 * (live + needed)));
    let used = 0;
    this.lengths.forEach((length, id) => {
      if (length === 0) return;
      const start = this.starts[id] ?? 0;
      data.set(this.data.subarray(start, start + length), used);
      this.starts[id] = used;
      used += length;
    });
    this.data = data;
    this.used = used;
    this.wasted = 0;
  }
}
