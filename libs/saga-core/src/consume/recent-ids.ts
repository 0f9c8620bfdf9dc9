/**
 * The last `capacity` ids added, oldest forgotten first: what this process applied in process, so their
 * Kafka copies are passed over without decoding or a transaction. Forgetting is safe — a forgotten copy
 * meets its inbox row and is a duplicate — so the memory stays bounded whatever the traffic.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`RecentIds capacity must be a positive integer (got ${capacity})`);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Forgets `id`: its copy has been passed over, and no second copy is expected. */
  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
