import type { Pool } from 'pg';
import { outboxNotifyChannel } from '../migrations/outbox-migrations';

/** Options of {@link OutboxNotifier}. */
export interface OutboxNotifierOptions {
  /** Called when a notification could not be sent (the relay's poll still finds the rows). Must not throw. */
  onError?: (error: Error) => void;
}

/**
 * Wakes a relay in another process after a writer committed, with a NOTIFY sent on a connection of its
 * own, outside the business transaction. A NOTIFY inside the writer's transaction would make its commit
 * take PostgreSQL's single notify lock and serialise every writer (docs/decisions/0040); sent afterwards,
 * only this small statement takes it. Calls are coalesced: while one NOTIFY is on its way, any number of
 * further calls cause exactly one more, so a busy writer costs one statement per round trip, not per commit.
 * A lost notification delays publishing by at most the relay's `pollIntervalMs`; it never loses a row.
 * @example
 * const notifier = new OutboxNotifier(pool);
 * await client.query('commit');
 * notifier.notify();
 */
export class OutboxNotifier {
  private sending = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly options: OutboxNotifierOptions = {},
  ) {}

  /** Asks for a NOTIFY soon; returns at once. */
  notify(): void {
    if (this.closed) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  /** Stops sending; a NOTIFY on its way still completes. */
  close(): void {
    this.closed = true;
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pool.query(/* sql */ `select pg_notify($1, '')`, [outboxNotifyChannel]);
      } catch (error) {
        this.options.onError?.(error as Error);
      }
    } while (this.again && !this.closed);
    this.sending = false;
  }
}
