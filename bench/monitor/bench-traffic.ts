import { OrderPlaced, ReserveStock } from '@sagaflow/contracts';
import {
  type AvroRegistryCodec,
  ContentType,
  Header,
  newMessageId,
  type AnyMessageType,
} from '@sagaflow/outbox-relay';
import { SagaTransition, type SagaTransitionEvent } from '@sagaflow/saga-core';
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
 * and its lifecycle (Started, StepCompleted, and an ending), Avro through the registry with the
 * contract headers. 90% complete, 5% compensate, 5% are still running.
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
  const lifecycle = (
    transition: SagaTransitionEvent['transition'],
    status: SagaTransitionEvent['status'],
    step: string | null,
    v: number,
  ) =>
    push(
      topics.lifecycle,
      SagaTransition,
      {
        sagaId,
        sagaType: i % 2 === 0 ? 'BenchOrder' : 'BenchShipment',
        definitionVersion: 1,
        correlationKey: orderId,
        transition,
        status,
        step,
        reason: status === 'COMPENSATED' ? 'declined' : null,
        at: new Date(clock + 1).toISOString(),
        instanceVersion: v,
      } satisfies SagaTransitionEvent,
      sagaId,
    );
  await push(
    topics.orderEvents,
    OrderPlaced,
    { orderId, customerId: 'c', items: [{ sku: 'S', quantity: 1, unitPrice: 100 }], total: 100 },
    orderId,
  );
  await lifecycle('Started', 'RUNNING', null, 1);
  await push(
    topics.inventoryCommands,
    ReserveStock,
    { orderId, items: [{ sku: 'S', quantity: 1 }] },
    orderId,
  );
  if (i % 20 === 19) return out;
  await lifecycle('StepCompleted', 'RUNNING', 'reserveStock', 2);
  if (i % 20 === 18) await lifecycle('Compensated', 'COMPENSATED', null, 3);
  else await lifecycle('Completed', 'COMPLETED', null, 3);
  return out;
}
