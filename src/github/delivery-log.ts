/**
 * The delivery ids seen lately, so that a delivery GitHub (or anyone replaying it) sends again is
 * processed once. Bounded: the oldest ids are forgotten first.
 */
export class DeliveryLog {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is offered; false for a repeat. */
  offer(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
