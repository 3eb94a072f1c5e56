/**
 * Hands the worker threads to island batches, the island with the most work left first.
 *
 * Piscina serves its queue in arrival order, which runs islands in turns: fine for a search that
 * runs until stopped, but a search with a fixed amount of work per island (a benchmark, a pool's
 * work unit) then ends with the costliest island running alone while the other threads idle.
 * Islands differ in cost by 10× and more, so the orchestrator keeps no more batches in flight than
 * there are threads and, whenever one frees, starts the waiting island whose remaining work is
 * largest (longest processing time first). Equal priorities keep arrival order.
 */
export class BatchSlots {
  private free: number;
  private capacity: number;
  private readonly waiting: Array<{ priority: number; order: number; start: () => void }> = [];
  private arrivals = 0;

  constructor(slots: number) {
    this.free = slots;
    this.capacity = slots;
  }

  /**
   * Changes how many batches may run at once. Fewer: batches in flight finish, and no new one
   * starts until the count is below the new limit. More: waiting batches start at once.
   */
  resize(slots: number): void {
    this.free += slots - this.capacity;
    this.capacity = slots;
    this.next();
  }

  /** Resolves when a slot is this caller's; call the returned function to give it back. */
  acquire(priority: number): Promise<() => void> {
    return new Promise((resolve) => {
      const start = () => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.free++;
          this.next();
        });
      };
      this.waiting.push({ priority, order: this.arrivals++, start });
      this.next();
    });
  }

  private next(): void {
    while (this.free > 0 && this.waiting.length > 0) {
      let pick = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const a = this.waiting[i]!;
        const b = this.waiting[pick]!;
        if (a.priority > b.priority || (a.priority === b.priority && a.order < b.order)) pick = i;
      }
      const [chosen] = this.waiting.splice(pick, 1);
      this.free--;
      chosen!.start();
    }
  }
}
