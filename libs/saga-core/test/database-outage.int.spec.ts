import { watchConnectionErrors } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import { memoryLogger, startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  newOrderId,
  placeOrder,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

// Issue 11 item 20: the saga service's PostgreSQL goes away mid-flow — every connection cut, new ones
// refused — and comes back. Nothing may be lost, applied twice, or dead-lettered for the outage: the
// consumers wait for the database (retried as an outage, not against the message's budget) and the
// relay resumes where it was.
describe('a PostgreSQL outage mid-saga is waited out (connections cut by a proxy the test controls)', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let proxy: TcpProxy;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  const log = memoryLogger();
  let proxiedUrl: string;

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'pg_outage');
    const db = new URL(suite.env.orderDbUrl);
    proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
    db.hostname = '127.0.0.1';
    db.port = String(proxy.port);
    proxiedUrl = db.toString();
    participant = await startParticipantService(suite.env, { contracts: suite.contracts });
    orders = await startOrderService(
      { ...suite.env, orderDbUrl: db.toString() },
      { logger: log, contracts: suite.contracts },
    );
  });
  afterAll(async () => {
    proxy?.restore();
    await orders?.stop();
    await participant?.stop();
    await proxy?.close();
    await suite?.teardown();
  });

  it('a connection cut while checked out between two queries is reported, not thrown as uncaught', async () => {
    const pool = new Pool({ connectionString: proxiedUrl, max: 1 });
    const seen: boolean[] = [];
    watchConnectionErrors(pool, (_message, _error, checkedOut) => seen.push(checkedOut));
    const client = await pool.connect();
    try {
      await client.query('select 1');
      // as a handler holds its transaction's connection while it works: no query is running
      proxy.cut();
      await waitFor(() => seen.length > 0, {
        timeoutMs: 10_000,
        description: 'the lost connection reported',
      });
      await expect(client.query('select 1')).rejects.toThrow();
    } finally {
      client.release(true);
      proxy.restore();
      await pool.end();
    }
    expect(seen).toEqual([true]);
  });

  it('every saga placed before the outage completes after it, each step applied once, nothing dead-lettered', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => newOrderId(`outage-${i}`));
    // 'slow' makes the participant take 100 ms a step, so replies keep arriving during the outage
    for (const id of ids) await placeOrder(suite, orders.transactions, id, 'slow');
    await waitFor(async () => (await instanceOf(suite, ids[0]!)) !== undefined, {
      timeoutMs: 30_000,
      description: 'the first saga started',
    });

    proxy.cut();
    // down until the service has tried to reach its database and been refused, more than once
    await waitFor(() => proxy.refused >= 3, {
      timeoutMs: 30_000,
      description: 'the order service to try its database during the outage',
    });
    proxy.restore();

    for (const id of ids) await waitForStatus(suite, id, 'COMPLETED', 120_000);
    for (const id of ids) {
      expect(await effectsOf(suite.participantDb, id)).toEqual(['reserve', 'charge', 'ship']);
      expect((await instanceOf(suite, id))!.stuck_code).toBeNull();
    }
    const deadLettered = log.lines.filter((l) => /dead-letter/i.test(String(l.msg)));
    expect(deadLettered).toEqual([]);
  });
});
