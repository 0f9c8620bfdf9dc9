import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';

/** Whether one dependency answers. `not-used` when the configuration does not need it (the registry with the JSON codec). */
export interface DependencyHealth {
  status: 'up' | 'down' | 'not-used';
  /** Why it is down. */
  error?: string;
}

/**
 * Where the service's consumer stands in its group: `joining` until the first assignment (after a kill -9
 * that can take the dead member's session timeout), `not-used` when the service consumes nothing.
 */
export type ConsumerGroupState = 'joining' | 'joined' | 'not-used';

/** What {@link SagaflowHealth.check} reports. */
export interface SagaflowHealthReport {
  /** `up` when every used dependency is up; a group still `joining` does not make it `down`. */
  status: 'up' | 'down';
  database: DependencyHealth;
  kafka: DependencyHealth;
  registry: DependencyHealth;
  consumerGroup: ConsumerGroupState;
}

/** Probes the database, the broker and (for Avro) the registry, each within `timeoutMs`. */
export async function checkHealth(
  pool: Pool,
  kafka: Kafka,
  registryUrl: string | undefined,
  timeoutMs = 3_000,
): Promise<Omit<SagaflowHealthReport, 'consumerGroup'>> {
  const [database, broker, registry] = await Promise.all([
    probe(timeoutMs, async () => {
      await pool.query('select 1');
    }),
    probe(timeoutMs, async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }),
    registryUrl === undefined
      ? Promise.resolve<DependencyHealth>({ status: 'not-used' })
      : probe(timeoutMs, async () => {
          const response = await fetch(`${registryUrl.replace(/\/+$/, '')}/subjects`, {
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        }),
  ]);
  const all = [database, broker, registry];
  return { status: all.every((d) => d.status !== 'down') ? 'up' : 'down', database, kafka: broker, registry };
}

async function probe(timeoutMs: number, check: () => Promise<void>): Promise<DependencyHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error)?.message ?? String(error) };
  } finally {
    clearTimeout(timer);
  }
}
