import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadStackConfig, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  DemoSystem,
  ensureBuilt,
  freePort,
  readTopicRecords,
  sagaServices,
  type SystemClient,
  type SagaService,
} from '../src/index';
import './support/provided-context';

// Issue 11 item 15: each run of the demo system starts fresh databases; it used to keep the topics and
// the groups' committed offsets, so a run consumed the previous run's unfinished records against
// databases that never saw their sagas, and dead-lettered them.
describe('A run of the demo system starts from an empty broker, not from the previous run’s records', () => {
  const stack = inject('stack');
  const systems: DemoSystem[] = [];
  afterAll(async () => {
    for (const s of systems) await s.destroy().catch(() => undefined);
  });

  const start = async (label: string): Promise<{ system: DemoSystem; client: SystemClient }> => {
    const ports: Partial<Record<SagaService, number>> = {};
    const databases: Partial<Record<SagaService, string>> = {};
    for (const s of sagaServices) {
      ports[s] = await freePort();
      databases[s] = uniqueDatabaseName(`e2e_fresh_${label}_${s.split('-')[0]}`);
    }
    const system = await DemoSystem.start({
      stack,
      monitor: 'off',
      ports,
      databases,
      logDir: join(
        loadStackConfig().stackDir,
        'logs',
        'system',
        `e2e-fresh-${label}-${randomBytes(3).toString('hex')}`,
      ),
      purpose: `e2e fresh run (${label})`,
      log: (line) => console.log(line),
    });
    systems.push(system);
    const client = system.client();
    return { system, client };
  };

  const deadLettered = async (system: DemoSystem): Promise<number> => {
    let sum = 0;
    for (const s of sagaServices) {
      const text = await (await fetch(`${system.url(s)}/metrics`)).text();
      for (const m of text.matchAll(/^sagaflow_messages_dead_lettered_total\{[^}]*\} (\d+)/gm))
        sum += Number(m[1]);
    }
    return sum;
  };

  it('orders left mid-saga by one run are not consumed by the next one', async () => {
    ensureBuilt(sagaServices);
    const first = await start('first');
    await first.client.seedStock('fresh-A', 10);
    await first.client.openAccount('fresh-ann', 100_000);
    // payment-service is gone: the sagas stop at their ChargePayment commands, left on payment.commands
    await first.system.process('payment-service').stop();
    const left = await Promise.all(
      [1, 2, 3].map(() =>
        first.client.placeOrder('fresh-ann', [{ sku: 'fresh-A', quantity: 1, unitPrice: 100 }]),
      ),
    );
    await waitFor(
      async () => {
        const records = await readTopicRecords(stack.kafkaBrokers, ['payment.commands']);
        return left.every((id) =>
          records.some((r) => r.key === id && r.messageType === 'payment.ChargePayment'),
        );
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'the first run’s ChargePayment commands on payment.commands',
      },
    );
    await first.system.destroy();
    systems.length = 0;

    const second = await start('second');
    await second.client.seedStock('fresh-B', 10);
    await second.client.openAccount('fresh-bob', 100_000);
    const id = await second.client.placeOrder('fresh-bob', [{ sku: 'fresh-B', quantity: 1, unitPrice: 100 }]);
    await waitFor(async () => (await second.client.order(id)).status !== 'PENDING', {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: `order ${id} to end`,
    });
    expect((await second.client.order(id)).status).toBe('APPROVED');

    // every group of the second run has consumed its topics to the end: whatever it was given, it handled
    const kafka = new Kafka({
      clientId: 'fresh-run-spec',
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          for (const [group, topic] of [
            ['payment-service', 'payment.commands'],
            ['order-service', 'payment.events'],
          ] as const) {
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
            for (const end of ends) {
              const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
              if (BigInt(end.high) > 0n && BigInt(at) < BigInt(end.high)) return false;
            }
          }
          return true;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 500,
          description: 'the second run’s groups at the end of their topics',
        },
      );
    } finally {
      await admin.disconnect();
    }
    // what the old runs did: the first run's commands were consumed here and dead-lettered
    expect(await deadLettered(second.system)).toBe(0);
    const commands = await readTopicRecords(stack.kafkaBrokers, ['payment.commands']);
    expect(commands.filter((r) => left.includes(r.key))).toEqual([]);
  });
});
