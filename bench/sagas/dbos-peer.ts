import { DBOS } from '@dbos-inc/dbos-sdk';
import { PostgresDataSource } from '@dbos-inc/postgres-datasource';
import { Client } from 'pg';
import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { benchOrder, benchSeed, expectedOutcome, type BenchOrder, type ExpectedOutcome } from './order-mix';
import { percentile } from './percentile';

/** What the peer measured. */
export interface DbosPeerResult {
  sagasPerSec: number;
  latencyP50MsAt50: number;
  latencyP99MsAt50: number;
  latencyP50MsIdle: number;
  latencyP99MsIdle: number;
  outcomes: Record<string, number>;
  /** Sagas that did not end as the mix says; must be empty. */
  wrongOutcomes: { orderId: string; expected: ExpectedOutcome; actual: string }[];
}

/**
 * The order-fulfilment saga on DBOS Transact, as a user who does not need Kafka would write it: one
 * durable workflow, each step (reserve, charge, approve, and the compensations release / reject) one
 * PostgreSQL transaction checkpointed by DBOS in the same transaction. Same steps, compensations and
 * outcome mix as the Sagaflow demo.
 */
export async function runDbosPeer(options: {
  adminDatabaseUrl: string;
  saturationSagas: number;
  saturationConcurrency: number;
  latencyRatePerSec: number;
  latencySeconds: number;
  warmupSagas: number;
  idleSagas: number;
}): Promise<DbosPeerResult> {
  const appDb = uniqueDatabaseName('bench_dbos_app');
  const sysDb = uniqueDatabaseName('bench_dbos_sys');
  const appUrl = await createDatabase(options.adminDatabaseUrl, appDb);
  const sysUrl = await createDatabase(options.adminDatabaseUrl, sysDb);
  try {
    await seed(appUrl);
    const url = new URL(appUrl);
    const pgOptions = {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: appDb,
      username: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password) || undefined,
      max: 20,
      // postgres.js 3.4.9 can send a transaction's BEGIN without reserving its connection when the BEGIN
      // fills a connection's pipeline (porsager/postgres#1189, #823): with 128 workflows on 20
      // connections the run failed with UNSAFE_TRANSACTION. A pipeline this deep is never full here.
      max_pipeline: 100_000,
    };
    await PostgresDataSource.initializeDBOSSchema(pgOptions);
    const ds = new PostgresDataSource('bench-app', pgOptions);

    const reserve = ds.registerTransaction(
      async (order: BenchOrder): Promise<boolean> => {
        const sql = ds.client;
        // returning normally commits, so nothing is changed until every item is known to be in stock
        const items = [...order.items].sort((a, b) => a.sku.localeCompare(b.sku));
        for (const item of items) {
          const [row] = await sql`select available from stock where sku = ${item.sku} for update`;
          if (!row || Number(row.available) < item.quantity) return false;
        }
        for (const item of items)
          await sql`update stock set available = available - ${item.quantity} where sku = ${item.sku}`;
        await sql`insert into reservation (order_id) values (${order.orderId})`;
        return true;
      },
      { name: 'reserveStock' },
    );
    const release = ds.registerTransaction(
      async (order: BenchOrder): Promise<void> => {
        const sql = ds.client;
        const gone = await sql`delete from reservation where order_id = ${order.orderId} returning order_id`;
        if (gone.length === 0) return;
        for (const item of order.items)
          await sql`update stock set available = available + ${item.quantity} where sku = ${item.sku}`;
      },
      { name: 'releaseStock' },
    );
    const charge = ds.registerTransaction(
      async (order: BenchOrder): Promise<boolean> => {
        const sql = ds.client;
        const amount = order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
        const rows =
          await sql`update account set charged = charged + ${amount} where customer_id = ${order.customerId} and charged + ${amount} <= credit_limit returning customer_id`;
        if (rows.length === 0) return false;
        await sql`insert into payment (order_id, amount) values (${order.orderId}, ${amount})`;
        return true;
      },
      { name: 'chargePayment' },
    );
    const finish = ds.registerTransaction(
      async (orderId: string, status: string, reason: string | null): Promise<void> => {
        await ds.client`insert into orders (id, status, reason) values (${orderId}, ${status}, ${reason})`;
      },
      { name: 'finishOrder' },
    );
    const saga = DBOS.registerWorkflow(
      async (order: BenchOrder): Promise<string> => {
        if (!(await reserve(order))) {
          await finish(order.orderId, 'REJECTED', 'out of stock');
          return 'rejected_out_of_stock';
        }
        if (!(await charge(order))) {
          await release(order);
          await finish(order.orderId, 'REJECTED', 'payment declined');
          return 'rejected_payment_declined';
        }
        await finish(order.orderId, 'APPROVED', null);
        return 'approved';
      },
      { name: 'orderFulfilment' },
    );

    DBOS.setConfig({ name: 'sagaflow-bench-dbos', systemDatabaseUrl: sysUrl, logLevel: 'error' });
    await DBOS.launch();
    try {
      const outcomes: Record<string, number> = {};
      const wrongOutcomes: DbosPeerResult['wrongOutcomes'] = [];
      const runOne = async (order: BenchOrder, i: number) => {
        const handle = await DBOS.startWorkflow(saga, { workflowID: order.orderId })(order);
        const outcome = await handle.getResult();
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome !== expectedOutcome(i))
          wrongOutcomes.push({ orderId: order.orderId, expected: expectedOutcome(i), actual: outcome });
      };

      // the same warm-up as the Sagaflow side: same count, same concurrency
      let warm = 0;
      await Promise.all(
        Array.from({ length: options.saturationConcurrency }, async () => {
          while (warm < options.warmupSagas) {
            const i = warm++;
            await runOne(benchOrder('warm', i), i);
          }
        }),
      );

      // idle: one saga at a time
      const idle: number[] = [];
      for (let i = 0; i < options.idleSagas; i++) {
        const start = performance.now();
        await runOne(benchOrder('idle', i), i);
        idle.push(performance.now() - start);
      }

      // saturation: a fixed number of sagas with a bounded number in flight
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: options.saturationConcurrency }, async () => {
          while (next < options.saturationSagas) {
            const i = next++;
            await runOne(benchOrder('sat', i), i);
          }
        }),
      );
      const sagasPerSec = options.saturationSagas / ((performance.now() - started) / 1000);

      // latency at a fixed offered rate
      const latencies: number[] = [];
      const total = options.latencyRatePerSec * options.latencySeconds;
      const t0 = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / options.latencyRatePerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const start = performance.now();
        inFlight.push(
          runOne(benchOrder('lat', i), i).then(() => void latencies.push(performance.now() - start)),
        );
      }
      await Promise.all(inFlight);
      return {
        sagasPerSec,
        latencyP50MsAt50: percentile(latencies, 50),
        latencyP99MsAt50: percentile(latencies, 99),
        latencyP50MsIdle: percentile(idle, 50),
        latencyP99MsIdle: percentile(idle, 99),
        outcomes,
        wrongOutcomes,
      };
    } finally {
      await DBOS.shutdown();
    }
  } finally {
    await dropDatabase(options.adminDatabaseUrl, appDb).catch(() => undefined);
    await dropDatabase(options.adminDatabaseUrl, sysDb).catch(() => undefined);
  }
}

async function seed(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(/* sql */ `
      create table stock (sku text primary key, available bigint not null check (available >= 0));
      create table reservation (order_id text primary key);
      create table account (customer_id text primary key, credit_limit bigint not null, charged bigint not null default 0);
      create table payment (order_id text primary key, amount bigint not null);
      create table orders (id text primary key, status text not null, reason text);
    `);
    for (const sku of benchSeed.plentifulSkus)
      await c.query('insert into stock values ($1, $2)', [sku, benchSeed.plentifulQuantity]);
    await c.query('insert into stock values ($1, 0)', [benchSeed.scarceSku]);
    await c.query('insert into account values ($1, $2), ($3, $4)', [
      benchSeed.richCustomer,
      benchSeed.richLimitCents,
      benchSeed.poorCustomer,
      benchSeed.poorLimitCents,
    ]);
  } finally {
    await c.end();
  }
}
