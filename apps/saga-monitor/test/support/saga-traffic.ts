import {
  AvroRegistryCodec,
  ContentType,
  Header,
  DeadLetterHeader,
  newMessageId,
  type AnyMessageType,
  type MessageType,
} from '@sagaflow/outbox-relay';
import {
  ChargePayment,
  OrderPlaced,
  PaymentCharged,
  PaymentDeclined,
  ReleaseStock,
  ReserveStock,
  StockReleased,
  StockReserved,
} from '@sagaflow/contracts';
import {
  DefinitionPublished,
  SagaTransition,
  SagaTransitions,
  type SagaTransitionEntry,
  type SagaTransitionEvent,
  type SagaTransitionsEvent,
} from '@sagaflow/saga-core';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { SuiteTopics } from './monitor-env';

/** One saga the tests make up. */
export interface FakeSaga {
  id: string;
  type: string;
  correlationId: string;
  orderId: string;
  /** Start time; each later record is 100 ms after the one before. */
  startedAt: Date;
}

/** How a made-up saga ends. */
export type Ending = 'completed' | 'compensated' | 'running' | 'failed';

/**
 * How the lifecycle is published: `single` is one `sagaflow.SagaTransition` per transition (saga-core
 * before decision 0040, still on the topic), `batched` one `sagaflow.SagaTransitions` per transaction.
 */
export type LifecycleFormat = 'single' | 'batched';

/** A record ready to send. */
export interface OutRecord {
  topic: string;
  message: Message;
}

/**
 * Produces what the services and saga runtime would: lifecycle transitions and the demo's commands and
 * events, Avro through the real registry, with the contract headers (correlation and causation ids).
 */
export class SagaTraffic {
  private readonly codec: AvroRegistryCodec;
  private producer: Producer | undefined;
  /** Records sent so far, by topic. */
  readonly sent = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    readonly topics: SuiteTopics,
    registryUrl: string,
  ) {
    this.codec = new AvroRegistryCodec({ registryUrl });
  }

  /** A saga of `type` starting at `startedAt`. */
  static saga(type: string, startedAt = new Date(), id = newMessageId()): FakeSaga {
    return { id, type, correlationId: newMessageId(), orderId: `order-${id.slice(-12)}`, startedAt };
  }

  /**
   * The records of one saga, from OrderPlaced to its ending. In the `batched` format the transitions
   * one transaction makes (same instance version) travel in one record.
   */
  async sagaRecords(s: FakeSaga, ending: Ending, format: LifecycleFormat = 'single'): Promise<OutRecord[]> {
    const out: OutRecord[] = [];
    let pending: {
      version: number;
      at: Date;
      cause: string | undefined;
      entries: SagaTransitionEntry[];
    } | null = null;
    const flush = async () => {
      if (pending === null) return;
      const p = pending;
      pending = null;
      const payload: SagaTransitionsEvent = {
        sagaId: s.id,
        sagaType: s.type,
        definitionVersion: 1,
        correlationKey: s.orderId,
        instanceVersion: p.version,
        transitions: p.entries,
      };
      out.push({
        topic: this.topics.lifecycle,
        message: await this.message(SagaTransitions, payload, s.id, s, newMessageId(), p.cause, p.at, true),
      });
    };
    let clock = s.startedAt.getTime();
    let version = 0;
    let cause: string | undefined;
    const tick = () => new Date((clock += 100));
    const push = async <T>(topic: string, type: MessageType<T>, payload: T, key: string, sagaType = true) => {
      await flush();
      const id = newMessageId();
      out.push({ topic, message: await this.message(type, payload, key, s, id, cause, tick(), sagaType) });
      return id;
    };
    const lifecycle = async (
      transition: SagaTransitionEvent['transition'],
      status: SagaTransitionEvent['status'],
      step: string | null,
      reason: string | null = null,
    ) => {
      const at = new Date(clock + 1);
      if (format === 'batched') {
        if (pending !== null && pending.version !== version) await flush();
        pending ??= { version, at, cause, entries: [] };
        pending.entries.push({ transition, status, step, reason, at: at.toISOString() });
        return;
      }
      const payload: SagaTransitionEvent = {
        sagaId: s.id,
        sagaType: s.type,
        definitionVersion: 1,
        correlationKey: s.orderId,
        transition,
        status,
        step,
        reason,
        at: at.toISOString(),
        instanceVersion: version,
      };
      out.push({
        topic: this.topics.lifecycle,
        message: await this.message(SagaTransition, payload, s.id, s, newMessageId(), cause, at, true),
      });
    };
    const items = [{ sku: 'SKU-1', quantity: 1, unitPrice: 1250 }];
    cause = await push(
      this.topics.orderEvents,
      OrderPlaced,
      { orderId: s.orderId, customerId: 'c-1', items, total: 1250 },
      s.orderId,
      false,
    );
    version = 1;
    await lifecycle('Started', 'RUNNING', null);
    cause = await push(
      this.topics.inventoryCommands,
      ReserveStock,
      { orderId: s.orderId, items: [{ sku: 'SKU-1', quantity: 1 }] },
      s.orderId,
    );
    if (ending === 'running') {
      await flush();
      return out;
    }
    cause = await push(
      this.topics.inventoryEvents,
      StockReserved,
      { orderId: s.orderId, items: [{ sku: 'SKU-1', quantity: 1 }] },
      s.orderId,
      false,
    );
    version = 2;
    await lifecycle('StepCompleted', 'RUNNING', 'reserveStock');
    cause = await push(
      this.topics.paymentCommands,
      ChargePayment,
      { orderId: s.orderId, customerId: 'c-1', amount: 1250 },
      s.orderId,
    );
    if (ending === 'completed') {
      cause = await push(
        this.topics.paymentEvents,
        PaymentCharged,
        { orderId: s.orderId, customerId: 'c-1', amount: 1250 },
        s.orderId,
        false,
      );
      version = 3;
      await lifecycle('StepCompleted', 'RUNNING', 'chargePayment');
      await lifecycle('Completed', 'COMPLETED', null);
      await flush();
      return out;
    }
    cause = await push(
      this.topics.paymentEvents,
      PaymentDeclined,
      { orderId: s.orderId, customerId: 'c-1', amount: 1250, reason: 'insufficient funds' },
      s.orderId,
      false,
    );
    version = 3;
    await lifecycle('Compensating', 'COMPENSATING', 'chargePayment', 'payment declined: insufficient funds');
    cause = await push(this.topics.inventoryCommands, ReleaseStock, { orderId: s.orderId }, s.orderId);
    if (ending === 'failed') {
      version = 4;
      await lifecycle(
        'Failed',
        'FAILED',
        'reserveStock',
        '[COMPENSATION_FAILED] ReleaseStock was not applied after 3 attempts',
      );
      await flush();
      return out;
    }
    cause = await push(
      this.topics.inventoryEvents,
      StockReleased,
      { orderId: s.orderId, items: [{ sku: 'SKU-1', quantity: 1 }] },
      s.orderId,
      false,
    );
    version = 4;
    await lifecycle('StepCompensated', 'COMPENSATING', 'reserveStock');
    await lifecycle('Compensated', 'COMPENSATED', null, 'payment declined: insufficient funds');
    await flush();
    return out;
  }

  /** A dead letter of `s`'s ReserveStock command, as saga-core's DeadLetterPublisher writes it. */
  async deadLetter(s: FakeSaga, code: string, message: string): Promise<OutRecord> {
    const m = await this.message(
      ReserveStock,
      { orderId: s.orderId, items: [{ sku: 'SKU-404', quantity: 1 }] },
      s.orderId,
      s,
      newMessageId(),
      undefined,
      new Date(),
      true,
    );
    m.headers = {
      ...m.headers,
      [DeadLetterHeader.errorCode]: code,
      [DeadLetterHeader.errorMessage]: message,
      [DeadLetterHeader.originalTopic]: this.topics.inventoryCommands,
      [DeadLetterHeader.originalPartition]: '0',
      [DeadLetterHeader.originalOffset]: '0',
      [DeadLetterHeader.consumer]: 'inventory-service',
      [DeadLetterHeader.attempts]: '5',
      [DeadLetterHeader.failedAt]: new Date().toISOString(),
    };
    return { topic: this.topics.inventoryCommandsDlt, message: m };
  }

  /** A saga definition record for `type` (two steps, each with its compensation but the last). */
  async definition(type: string, version = 1): Promise<OutRecord> {
    const document = {
      kind: 'saga',
      sagaType: type,
      version,
      timeoutMs: 60_000,
      steps: [
        {
          name: 'reserveStock',
          command: 'inventory.ReserveStock',
          commandTopic: this.topics.inventoryCommands,
          compensation: 'inventory.ReleaseStock',
          compensationTopic: this.topics.inventoryCommands,
          withoutCompensationReason: null,
          timeoutMs: 10_000,
        },
        {
          name: 'chargePayment',
          command: 'payment.ChargePayment',
          commandTopic: this.topics.paymentCommands,
          compensation: null,
          compensationTopic: null,
          withoutCompensationReason: 'pivot',
          timeoutMs: null,
        },
      ],
      handles: [],
    };
    const payload = {
      key: `saga:${type}`,
      kind: 'saga',
      name: type,
      version,
      service: 'order-service',
      document: JSON.stringify(document),
      publishedAt: new Date().toISOString(),
    };
    const s = SagaTraffic.saga('definitions');
    return {
      topic: this.topics.definitions,
      message: await this.message(
        DefinitionPublished,
        payload,
        payload.key,
        s,
        newMessageId(),
        undefined,
        new Date(),
        false,
      ),
    };
  }

  /** Sends records, in order per topic. */
  async send(records: readonly OutRecord[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const byTopic = new Map<string, Message[]>();
    for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.message]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    for (const [topic, messages] of byTopic)
      this.sent.set(topic, (this.sent.get(topic) ?? 0) + messages.length);
  }

  /** Records sent in all. */
  total(): number {
    return [...this.sent.values()].reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  /**
   * A trip saga's definition: a parallel group `reserve` (flight, hotel, car, each compensated), then
   * `confirm` — as saga-core publishes a saga with `sagaSteps().parallel(…)`.
   */
  async parallelDefinition(type: string): Promise<OutRecord> {
    const branch = (name: string, service: string) => ({
      name,
      command: `${service}.Reserve`,
      commandTopic: `${this.topics.prefix}.${service}.commands`,
      compensation: `${service}.Cancel`,
      compensationTopic: `${this.topics.prefix}.${service}.commands`,
      withoutCompensationReason: null,
      timeoutMs: 10_000,
      group: 'reserve',
      retry: null,
    });
    const document = {
      kind: 'saga',
      sagaType: type,
      version: 1,
      timeoutMs: 60_000,
      steps: [
        branch('flight', 'flight'),
        branch('hotel', 'hotel'),
        branch('car', 'car'),
        {
          name: 'confirm',
          command: 'trip.Confirm',
          commandTopic: `${this.topics.prefix}.trip.commands`,
          compensation: null,
          compensationTopic: null,
          withoutCompensationReason: 'pivot',
          timeoutMs: null,
          group: null,
          retry: null,
        },
      ],
      groups: [{ name: 'reserve', steps: ['flight', 'hotel', 'car'] }],
      handles: [],
    };
    const payload = {
      key: `saga:${type}`,
      kind: 'saga',
      name: type,
      version: 1,
      service: 'trip-service',
      document: JSON.stringify(document),
      publishedAt: new Date().toISOString(),
    };
    const s = SagaTraffic.saga('definitions');
    return {
      topic: this.topics.definitions,
      message: await this.message(
        DefinitionPublished,
        payload,
        payload.key,
        s,
        newMessageId(),
        undefined,
        new Date(),
        false,
      ),
    };
  }

  /**
   * The lifecycle of a trip whose car branch failed: flight and hotel had completed and are compensated,
   * then the saga ends Compensated — one `SagaTransitions` record per transaction, as saga-core writes.
   */
  async parallelFailureRecords(s: FakeSaga): Promise<OutRecord[]> {
    const at = (ms: number) => new Date(s.startedAt.getTime() + ms).toISOString();
    const tx = (version: number, ms: number, transitions: SagaTransitionEntry[]) =>
      this.message(
        SagaTransitions,
        {
          sagaId: s.id,
          sagaType: s.type,
          definitionVersion: 1,
          correlationKey: s.orderId,
          instanceVersion: version,
          transitions,
        },
        s.id,
        s,
        newMessageId(),
        undefined,
        new Date(at(ms)),
        true,
      );
    const entry = (
      transition: SagaTransitionEntry['transition'],
      status: SagaTransitionEntry['status'],
      step: string | null,
      ms: number,
      reason: string | null = null,
    ): SagaTransitionEntry => ({ transition, status, step, reason, at: at(ms) });
    const records = [
      await tx(1, 0, [entry('Started', 'RUNNING', null, 0)]),
      await tx(2, 100, [entry('StepCompleted', 'RUNNING', 'flight', 100)]),
      await tx(3, 200, [entry('StepCompleted', 'RUNNING', 'hotel', 200)]),
      await tx(4, 300, [
        entry('Compensating', 'COMPENSATING', 'car', 300, 'step "car" failed: no cars left'),
      ]),
      await tx(5, 400, [entry('StepCompensated', 'COMPENSATING', 'hotel', 400)]),
      await tx(6, 500, [
        entry('StepCompensated', 'COMPENSATING', 'flight', 500),
        entry('Compensated', 'COMPENSATED', null, 500),
      ]),
    ];
    return records.map((message) => ({ topic: this.topics.lifecycle, message }));
  }

  private async message(
    type: AnyMessageType,
    payload: unknown,
    key: string,
    s: FakeSaga,
    id: string,
    cause: string | undefined,
    at: Date,
    sagaType: boolean,
  ): Promise<Message> {
    const headers: Record<string, string> = {
      [Header.messageId]: id,
      [Header.messageType]: type.name,
      [Header.correlationId]: s.correlationId,
      [Header.source]: 'monitor-spec',
      [Header.occurredAt]: at.toISOString(),
      [Header.contentType]: ContentType.avro,
    };
    if (cause) headers[Header.causationId] = cause;
    if (sagaType) headers[Header.sagaType] = s.type;
    return { key, value: await this.codec.encode(type, payload), headers, timestamp: String(at.getTime()) };
  }
}
