import {
  AvroRegistryCodec,
  ContentType,
  DeadLetterHeader,
  Header,
  ensureTopics,
  newMessageId,
} from '@sagaflow/outbox-relay';
import { SagaTransition, operatorCommandTypes, type SagaTransitionEvent } from '@sagaflow/saga-core';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { SagaDetail } from '../src/query/get-saga';
import { getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { postAction } from './support/post-action';
import { SagaTraffic, type FakeSaga, type OutRecord } from './support/saga-traffic';
import { TopicRecorder } from './support/topic-recorder';

describe('operator actions: recorded, audited, shown in the timeline; resume and cancel travel over Kafka', () => {
  const stack = inject('stack');
  const readToken = `read-${newMessageId()}`;
  const operatorToken = `operate-${newMessageId()}`;
  const type = `Ops${newMessageId().slice(-8)}`;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  let recorder: TopicRecorder;
  let poisoned: FakeSaga;
  let running: FakeSaga;
  let ended: FakeSaga;
  let dlt: OutRecord;
  let dlt2: OutRecord;
  let auditTopic: string;
  let operatorTopic: string;
  const codec = new AvroRegistryCodec({ registryUrl: inject('stack').schemaRegistryUrl });
  const saga = (id: string) => getJson<SagaDetail>(`${monitor.url}/api/sagas/${id}`, readToken);

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'ops');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    auditTopic = `${env.topics.prefix}.sagaflow.audit`;
    operatorTopic = operatorCommandTypes('order-service', `${env.topics.prefix}.`).cancel.topic;
    poisoned = SagaTraffic.saga(type);
    running = SagaTraffic.saga(type);
    ended = SagaTraffic.saga(type);
    dlt = await traffic.deadLetter(poisoned, 'POISON_MESSAGE', '[POISON_MESSAGE] unknown SKU SKU-404');
    dlt2 = await traffic.deadLetter(poisoned, 'POISON_MESSAGE', '[POISON_MESSAGE] unknown SKU SKU-405');
    await traffic.send([
      await traffic.definition(type),
      ...(await traffic.sagaRecords(poisoned, 'running')),
      ...(await traffic.sagaRecords(running, 'running')),
      ...(await traffic.sagaRecords(ended, 'completed')),
    ]);
    // one at a time: the two dead letters get offsets in this order on their partition
    await traffic.send([dlt]);
    await traffic.send([dlt2]);
    await ensureTopics(env.kafka, [{ topic: auditTopic }, { topic: operatorTopic }]);
    recorder = new TopicRecorder(env.kafka);
    await recorder.start([env.topics.inventoryCommands, auditTopic, operatorTopic]);
    monitor = await env.start({ MONITOR_TOKEN: readToken, MONITOR_OPERATOR_TOKEN: operatorToken });
    await waitFor(async () => (await saga(poisoned.id)).deadLetters.length === 2, {
      timeoutMs: 45_000,
      description: 'both dead letters projected',
    });
  });
  afterAll(async () => {
    await recorder?.stop();
    await traffic?.close();
    await env?.dispose();
  });

  it('retries a dead letter: the same bytes, headers and message-id go back to the original topic', async () => {
    const before = await saga(poisoned.id);
    expect(before.saga.stuckReason).toBe('dead-letter');
    const target = before.deadLetters.find((d) => d.messageId === dlt.message.headers![Header.messageId])!;
    const res = await postAction(
      monitor.url,
      poisoned.id,
      {
        action: 'retry-dead-letter',
        reason: 'SKU-404 added to the catalogue',
        operator: 'alice',
        deadLetter: { topic: target.topic, partition: target.partition, offset: target.offset },
      },
      operatorToken,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.action).toMatchObject({
      outcome: 'done',
      operator: 'alice',
      targetTopic: env.topics.inventoryCommands,
    });

    const messageId = String(dlt.message.headers![Header.messageId]);
    const republished = await recorder.next(
      'the retried record on the original topic',
      (r) => r.topic === env.topics.inventoryCommands && r.headers[Header.messageId] === messageId,
    );
    expect(republished.value!.equals(dlt.message.value as Buffer)).toBe(true);
    expect(republished.key).toBe(String(dlt.message.key));
    const expectedHeaders = Object.fromEntries(
      Object.entries(dlt.message.headers!).filter(
        ([k]) => !(Object.values(DeadLetterHeader) as string[]).includes(k),
      ),
    );
    expect(republished.headers).toEqual(expectedHeaders);

    const audit = await recorder.next(
      'the audit record',
      (r) => r.topic === auditTopic && r.key === poisoned.id,
    );
    expect(audit.headers[Header.contentType]).toBe(ContentType.avro);
    const row = await monitor.pool.query(
      `select operator, reason, action, outcome from monitor_ops.operator_action where saga_id = $1`,
      [poisoned.id],
    );
    expect(row.rows).toEqual([
      {
        operator: 'alice',
        reason: 'SKU-404 added to the catalogue',
        action: 'retry-dead-letter',
        outcome: 'done',
      },
    ]);

    const after = await saga(poisoned.id);
    expect(after.actions).toEqual([
      expect.objectContaining({
        action: 'retry-dead-letter',
        operator: 'alice',
        reason: 'SKU-404 added to the catalogue',
      }),
    ]);
    expect(after.deadLetters.find((d) => d.offset === target.offset)!.handledBy).toMatchObject({
      action: 'retry-dead-letter',
      operator: 'alice',
    });
  });

  it('refuses to act twice on one dead letter (409) and acts on an unknown one with 404', async () => {
    const d = await saga(poisoned.id);
    const done = d.deadLetters.find((x) => x.handledBy !== null)!;
    const again = await postAction(
      monitor.url,
      poisoned.id,
      {
        action: 'discard-dead-letter',
        reason: 'changed my mind',
        operator: 'bob',
        deadLetter: { topic: done.topic, partition: done.partition, offset: done.offset },
      },
      operatorToken,
    );
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(/already handled: retry-dead-letter by alice/);
    const missing = await postAction(
      monitor.url,
      poisoned.id,
      {
        action: 'discard-dead-letter',
        reason: 'no such thing',
        operator: 'bob',
        deadLetter: { topic: done.topic, partition: done.partition, offset: '999999' },
      },
      operatorToken,
    );
    expect(missing.status).toBe(404);
  });

  it('discards a dead letter with a reason; the saga is no longer stuck on it', async () => {
    const d = await saga(poisoned.id);
    const open = d.deadLetters.find((x) => x.handledBy === null)!;
    const res = await postAction(
      monitor.url,
      poisoned.id,
      {
        action: 'discard-dead-letter',
        reason: 'duplicate order, refunded by hand',
        operator: 'bob',
        deadLetter: { topic: open.topic, partition: open.partition, offset: open.offset },
      },
      operatorToken,
    );
    expect(res.status).toBe(200);
    const after = await saga(poisoned.id);
    expect(after.saga.stuckReason).not.toBe('dead-letter');
    expect(after.actions.map((a) => [a.action, a.operator, a.reason])).toEqual([
      ['retry-dead-letter', 'alice', 'SKU-404 added to the catalogue'],
      ['discard-dead-letter', 'bob', 'duplicate order, refunded by hand'],
    ]);
  });

  it('cancels a running saga with a command to its service, pending until the lifecycle shows it', async () => {
    const res = await postAction(
      monitor.url,
      running.id,
      { action: 'cancel', reason: 'customer called to cancel', operator: 'carol' },
      operatorToken,
    );
    expect(res.status).toBe(202);
    expect(res.body.action).toMatchObject({ outcome: 'pending', targetTopic: operatorTopic });
    const command = await recorder.next(
      'the cancel command on the service operator topic',
      (r) => r.topic === operatorTopic && r.key === running.id,
    );
    expect(command.headers[Header.messageType]).toBe('sagaflow.CancelSaga');
    expect(command.headers[Header.correlationId]).toBe(running.correlationId);
    const types = operatorCommandTypes('order-service', `${env.topics.prefix}.`);
    const decoded = await codec.decode(command.value!, types.cancel);
    expect(decoded).toMatchObject({
      sagaId: running.id,
      sagaType: type,
      operator: 'carol',
      reason: 'customer called to cancel',
      actionId: command.headers[Header.messageId],
    });
    expect((await saga(running.id)).actions[0]).toMatchObject({ action: 'cancel', outcome: 'pending' });

    // the owning service applies it (that side is saga-core's): its lifecycle shows Compensating
    const transition: SagaTransitionEvent = {
      sagaId: running.id,
      sagaType: type,
      definitionVersion: 1,
      correlationKey: running.orderId,
      transition: 'Compensating',
      status: 'COMPENSATING',
      step: null,
      reason: 'cancelled by carol: customer called to cancel',
      at: new Date(Date.now() + 1000).toISOString(),
      instanceVersion: 99,
    };
    await traffic.send([
      {
        topic: env.topics.lifecycle,
        message: {
          key: running.id,
          value: await codec.encode(SagaTransition, transition),
          headers: {
            [Header.messageId]: newMessageId(),
            [Header.messageType]: SagaTransition.name,
            [Header.correlationId]: running.correlationId,
            [Header.causationId]: String(command.headers[Header.messageId]),
            [Header.sagaType]: type,
            [Header.source]: 'order-service',
            [Header.occurredAt]: transition.at,
            [Header.contentType]: ContentType.avro,
          },
        },
      },
    ]);
    await waitFor(async () => (await saga(running.id)).actions[0]?.outcome === 'applied', {
      timeoutMs: 30_000,
      description: 'the cancel shows as applied',
    });
  });

  it('refuses to cancel an ended saga (409) and to act on an unknown saga (404)', async () => {
    await waitFor(async () => (await saga(ended.id)).saga.status === 'COMPLETED', {
      timeoutMs: 30_000,
      description: 'the ended saga projected',
    });
    const cancel = { action: 'cancel', reason: 'too late', operator: 'dave' };
    expect((await postAction(monitor.url, ended.id, cancel, operatorToken)).status).toBe(409);
    expect((await postAction(monitor.url, 'no-such-saga', cancel, operatorToken)).status).toBe(404);
    expect((await postAction(monitor.url, ended.id, cancel, readToken)).status).toBe(403);
  });
});
