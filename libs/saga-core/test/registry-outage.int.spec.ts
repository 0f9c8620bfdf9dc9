import { waitFor } from '@sagaflow/stack';
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

// Issue 11 item 20: the schema registry is away when the services start and orders arrive. Writing needs
// no registry (payloads are checked against their schemas in process), so orders are taken; publishing
// waits, retried as an outage, with every event held in the outbox; when the registry answers again every
// saga runs to its end, each step once, nothing dead-lettered.
describe('a schema registry outage holds publishing, loses nothing (registry behind a proxy the test controls)', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let proxy: TcpProxy;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  const log = memoryLogger();

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'registry_outage');
    const registry = new URL(stack.schemaRegistryUrl);
    proxy = await startTcpProxy(registry.hostname, Number(registry.port || 80));
    proxy.cut();
    registry.hostname = '127.0.0.1';
    registry.port = String(proxy.port);
    const env = { ...suite.env, registryUrl: registry.toString().replace(/\/$/, '') };
    participant = await startParticipantService(env, { contracts: suite.contracts });
    orders = await startOrderService(env, { logger: log, contracts: suite.contracts });
  });
  afterAll(async () => {
    proxy?.restore();
    await orders?.stop();
    await participant?.stop();
    await proxy?.close();
    await suite?.teardown();
  });

  it('orders are taken while it is away, held in the outbox, and every saga completes once it is back', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => newOrderId(`registry-${i}`));
    for (const id of ids) await placeOrder(suite, orders.transactions, id);
    await waitFor(() => proxy.refused >= 3, {
      timeoutMs: 30_000,
      description: 'the relays to try the registry during the outage',
    });
    // nothing could be published: no saga started, every OrderPlaced still waits in the outbox
    for (const id of ids) expect(await instanceOf(suite, id)).toBeUndefined();
    const pending = await suite.orderDb.query<{ n: number }>(
      `select count(*)::int as n from sagaflow.outbox where published_at is null and message_type like '%OrderPlaced'`,
    );
    expect(pending.rows[0]!.n).toBe(ids.length);

    proxy.restore();

    for (const id of ids) await waitForStatus(suite, id, 'COMPLETED', 120_000);
    for (const id of ids) {
      expect(await effectsOf(suite.participantDb, id)).toEqual(['reserve', 'charge', 'ship']);
      expect((await instanceOf(suite, id))!.stuck_code).toBeNull();
    }
    expect(log.lines.filter((l) => /dead-letter/i.test(String(l.msg)))).toEqual([]);
  });
});
