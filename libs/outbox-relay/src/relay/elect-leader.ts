import { Client } from 'pg';
import { outboxNotifyChannel } from '../migrations/outbox-migrations';

/** Name hashed into the advisory lock key: one leader per database. */
export const relayLockName = 'sagaflow.outbox-relay';

/** Options of {@link LeaderLock}. */
export interface LeaderLockOptions {
  databaseUrl: string;
  /** Called once when a held lock is lost (its connection died). */
  onLost: (reason: string) => void;
  /** Called on every outbox NOTIFY while leading. */
  onNotify: () => void;
  /** How often the leader proves its lock connection alive. */
  checkIntervalMs: number;
}

/**
 * Leadership through a session advisory lock on a dedicated connection: Postgres releases the lock the
 * moment that session ends, so a killed leader frees it for a standby, and a leader whose connection dies
 * learns it from the same connection and stops. The connection also LISTENs for outbox commits.
 */
export class LeaderLock {
  private client: Client | undefined;
  private held = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaderLockOptions) {}

  /** Whether the lock is held and its connection has not been seen to fail. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Tries once to become leader; never waits for the current leader. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const client = this.client ?? (await this.connect());
    const result = await client.query<{ ok: boolean }>(
      /* sql */ `select pg_try_advisory_lock(hashtextextended($1, 0)) as ok`,
      [relayLockName],
    );
    if (!result.rows[0]?.ok) return false;
    await client.query(/* sql */ `listen ${outboxNotifyChannel}`);
    this.held = true;
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
    return true;
  }

  /** Gives the lock up and closes its connection. */
  async release(): Promise<void> {
    const client = this.client;
    this.drop();
    if (!client) return;
    // ending the session releases the advisory lock and the LISTEN
    await client.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      keepAlive: true,
      application_name: 'sagaflow-relay-leader',
    });
    client.on('error', (error) => this.lose(`lock connection failed: ${error.message}`));
    client.on('end', () => this.lose('lock connection ended'));
    client.on('notification', () => this.options.onNotify());
    try {
      await client.connect();
    } catch (error) {
      client.removeAllListeners();
      throw error;
    }
    this.client = client;
    return client;
  }

  private async check(): Promise<void> {
    if (!this.held || !this.client) return;
    try {
      await this.client.query(/* sql */ `select 1`);
    } catch (error) {
      this.lose(`lock connection check failed: ${(error as Error).message}`);
    }
  }

  private lose(reason: string): void {
    const client = this.client;
    const wasHeld = this.held;
    this.drop();
    client?.end().catch(() => undefined);
    if (wasHeld) this.options.onLost(reason);
  }

  private drop(): void {
    this.held = false;
    this.client = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
