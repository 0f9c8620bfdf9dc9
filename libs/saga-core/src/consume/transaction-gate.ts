/**
 * How many consuming transactions of one process may be open at once (`consumer.concurrentTransactions`,
 * default 1). A batch transaction holds the row locks of every record it applied until it commits; two of
 * them touching the same hot rows (a stock row, an account) in different orders deadlock, and PostgreSQL
 * breaks a deadlock only after `deadlock_timeout` (1 s by default): measured, 68 deadlocks in one
 * bench:sagas run of inventory-service with four partition transactions at once. One at a time, the
 * batches themselves carry the throughput (docs/decisions/0039).
 */
export class TransactionGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly permits: number) {}

  /** Runs `work` once a permit is free; the permit is given back when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.permits) await new Promise<void>((go) => this.waiting.push(go));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
