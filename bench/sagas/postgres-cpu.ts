import { Client } from 'pg';
import { cpuSeconds } from './cpu-meter';

/**
 * PostgreSQL's CPU split by who asked for it: each backend's CPU (`/proc/<pid>/stat`) accounted to its
 * database and `application_name` (the services' pools, their relays, the deadline scheduler), or to its
 * kind for the server's own processes (WAL writer, checkpointer, autovacuum). PostgreSQL is the largest
 * share of a saga's CPU, and this says which part of the system spends it. Sampled every `intervalMs`
 * from `pg_stat_activity`; a backend that lives less than one interval is missed (a lower bound).
 */
export class PostgresCpu {
  private readonly byPid = new Map<number, { label: string; first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private db: Client | undefined;
  private sampling: Promise<void> = Promise.resolve();
  private startedAt = 0;

  constructor(
    private readonly databaseUrl: string,
    /** Names a database for the table, e.g. its service; other databases are `other`. */
    private readonly nameOf: (database: string) => string | undefined,
    private readonly intervalMs = 500,
  ) {}

  async start(): Promise<void> {
    this.db = new Client({ connectionString: this.databaseUrl, application_name: 'bench-postgres-cpu' });
    await this.db.connect();
    this.byPid.clear();
    this.startedAt = performance.now();
    await this.sample();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, this.intervalMs);
  }

  /** Cores busy per label over the phase, largest first. */
  async stop(): Promise<{ label: string; cores: number }[]> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    await this.db?.end();
    const wall = (performance.now() - this.startedAt) / 1000;
    const byLabel = new Map<string, number>();
    for (const { label, first, last } of this.byPid.values())
      byLabel.set(label, (byLabel.get(label) ?? 0) + (last - first));
    return [...byLabel]
      .map(([label, seconds]) => ({ label, cores: seconds / wall }))
      .sort((a, b) => b.cores - a.cores);
  }

  private async sample(): Promise<void> {
    const { rows } = await this.db!.query<{
      pid: number;
      datname: string | null;
      application_name: string;
      backend_type: string;
    }>('select pid, datname, application_name, backend_type from pg_stat_activity');
    for (const r of rows) {
      const seconds = cpuSeconds(r.pid);
      if (seconds === 0) continue;
      const known = this.byPid.get(r.pid);
      if (known) {
        known.last = seconds;
        continue;
      }
      // a backend first seen now counts from now: its earlier CPU belongs to whatever it did before
      this.byPid.set(r.pid, { label: this.label(r), first: seconds, last: seconds });
    }
  }

  private label(r: { datname: string | null; application_name: string; backend_type: string }): string {
    if (r.backend_type !== 'client backend') return r.backend_type;
    const database = (r.datname && this.nameOf(r.datname)) ?? 'other';
    return `${database} ${r.application_name || '(no application_name)'}`;
  }
}
