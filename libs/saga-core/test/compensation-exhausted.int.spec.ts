import 'reflect-metadata';
import { Header } from '@sagaflow/outbox-relay';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import { startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  newOrderId,
  placeOrder,
  readTopic,
  transitionsOf,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

// Issue 11 item 20, on real Kafka and PostgreSQL: a compensation whose confirmation never comes is sent
// again after its timeout — as a new message (decision 0051: compensations are idempotent by business
// key, so the participant sees each send) — and when its attempts are used up the saga ends FAILED with
// the reason, instead of compensating forever.
describe('a compensation never confirmed: re-sent after its timeout, then the saga ends FAILED', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  const readers: Consumer[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'compensation_exhausted');
    participant = await startParticipantService(suite.env, { contracts: suite.contracts });
    orders = await startOrderService(suite.env, {
      contracts: suite.contracts,
      releaseTimeout: '1s',
      compensationAttempts: 3,
    });
  });
  afterAll(async () => {
    for (const r of readers) await r.disconnect();
    await orders?.stop();
    await participant?.stop();
    await suite?.teardown();
  });

  it('sends the release three times, each a new message, then ends FAILED naming the step', async () => {
    const orderId = newOrderId('silent-release');
    // the charge is declined, so the reservation is compensated; its release is never confirmed
    await placeOrder(suite, orders.transactions, orderId, 'fail-charge-silent-release');

    const failed = await waitForStatus(suite, orderId, 'FAILED', 60_000);

    const type = suite.contracts.ReleaseStock;
    const isRelease = (m: KafkaMessage) =>
      m.headers?.[Header.messageType]?.toString() === type.name && m.key?.toString() === orderId;
    const releases = (
      await readTopic(suite, readers, type.topic, (records) => records.filter(isRelease).length >= 3)
    ).filter(isRelease);
    expect(releases).toHaveLength(3);
    expect(new Set(releases.map((m) => m.headers?.[Header.messageId]?.toString())).size).toBe(3);
    // each send reached the participant (which is why a compensation must be idempotent by business key)
    expect(await effectsOf(suite.participantDb, orderId)).toEqual([
      'reserve',
      'release',
      'release',
      'release',
    ]);
    expect(failed.steps.reserveStock?.status).toBe('COMPENSATION_FAILED');
    const { rows } = await suite.orderDb.query<{ reason: string }>(
      'select reason from sagaflow.saga_instance where id = $1',
      [failed.id],
    );
    expect(rows[0]!.reason).toMatch(/reserveStock/);
    expect(await transitionsOf(suite, failed.id)).toContain('Failed');
  });
});
