/**
 * When each held message first met a version gap on this replica (docs/decisions/0069), so the bound
 * `consumer.versionGapTimeout` counts from the first gap even when a rebalance ends a hold and the same
 * replica fetches the message again. The oldest entries are forgotten past `capacity`: a forgotten one
 * only starts its bound again.
 */
export class VersionGapClock {
  private readonly first = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** The time `key` first met the gap, `now` when this is the first time. */
  since(key: string, now: number): number {
    const at = this.first.get(key);
    if (at !== undefined) return at;
    this.first.set(key, now);
    if (this.first.size > this.capacity) this.first.delete(this.first.keys().next().value!);
    return now;
  }

  /** The message was applied or given up: its next gap, if any, starts a new bound. */
  forget(key: string): void {
    this.first.delete(key);
  }

  get size(): number {
    return this.first.size;
  }
}
