import { OrderPlaced, ReserveStock } from '@sagaflow/contracts';
import {
  type AvroRegistryCodec,
  ContentType,
  Header,
  newMessageId,
  type AnyMessageType,
} from '@sagaflow/outbox-relay';
import { SagaTransitions, type SagaTransitionEntry, type SagaTransitionsEvent } from '@sagaflow/saga-core';
import type { Message } from 'kafkajs';

/** The bench's topics under one prefix. */
export interface BenchTopics {
  lifecycle: string;
  definitions: string;
  orderEvents: string;
  inventoryCommands: string;
}

/** Records of one saga, grouped by topic. */
export type SagaBatch = Map<string, Message[]>;

/**
 * The records of one made-up saga as the framework writes them: OrderPlaced, the saga's ReserveStock,
 * and its lifecycle, Avro through the registry with the contract headers. The lifecycle is what
 * saga-core publishes: one `sagaflow.SagaTransitions` record per transaction, [Started] when the order is
 * placed, then [StepCompleted, Completed] (or [StepCompleted, Compensated]) in the transaction that
 * handles the step's reply; three transitions per ended saga, as before. 90% complete, 5% compensate,
 * 5% are still running.
 */
export async function benchSaga(
  codec: AvroRegistryCodec,
  topics: BenchTopics,
  i: number,
  startedAt: number,
): Promise<SagaBatch> {
  const sagaId = newMessageId();
  const correlationId = newMessageId();
  const orderId = `order-${i}`;
  const out: SagaBatch = new Map();
  let clock = startedAt;
  let cause: string | undefined;
  const push = async (topic: string, type: AnyMessageType, payload: unknown, key: string) => {
    const id = newMessageId();
    const headers: Record<string, string> = {
      [Header.messageId]: id,
      [Header.messageType]: type.name,
      [Header.correlationId]: correlationId,
      [Header.source]: 'bench',
      [Header.occurredAt]: new Date((clock += 50)).toISOString(),
      [Header.contentType]: ContentType.avro,
      [Header.sagaType]: 'BenchSaga',
    };
    if (cause) headers[Header.causationId] = cause;
    const list = out.get(topic) ?? [];
    list.push({ key, value: await codec.encode(type, payload), headers });
    out.set(topic, list);
    cause = id;
  };
  const entry = (
    transition: SagaTransitionEntry['transition'],
    status: SagaTransitionEntry['status'],
    step: string | null,
  ): SagaTransitionEntry => ({
    transition,
    status,
    step,
    reason: status === 'COMPENSATED' ? 'declined' : null,
    at: new Date(clock + 1).toISOString(),
  });
  const lifecycle = (v: number, transitions: SagaTransitionEntry[]) =>
    push(
      topics.lifecycle,
      SagaTransitions,
      {
        sagaId,
        sagaType: i % 2 === 0 ? 'BenchOrder' : 'BenchShipment',
        definitionVersion: 1,
        correlationKey: orderId,
        instanceVersion: v,
        transitions,
      } satisfies SagaTransitionsEvent,
      sagaId,
    );
  await push(
    topics.orderEvents,
    OrderPlaced,
    { orderId, customerId: 'c', items: [{ sku: 'S', quantity: 1, unitPrice: 100 }], total: 100 },
    orderId,
  );
  await lifecycle(1, [entry('Started', 'RUNNING', null)]);
  await push(
    topics.inventoryCommands,
    ReserveStock,
    { orderId, items: [{ sku: 'S', quantity: 1 }] },
    orderId,
  );
  if (i % 20 === 19) return out;
  const reserved = entry('StepCompleted', 'RUNNING', 'reserveStock');
  const ending =
    i % 20 === 18 ? entry('Compensated', 'COMPENSATED', null) : entry('Completed', 'COMPLETED', null);
  await lifecycle(2, [reserved, ending]);
  return out;
}
