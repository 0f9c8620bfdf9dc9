import {
  AvroRegistryCodec,
  ContentType,
  Header,
  newMessageId,
  type AnyMessageType,
} from '@sagaflow/outbox-relay';
import {
  OrderCancellationRequested,
  OrderCancelled,
  PaymentRefundedForCancellation,
  StockRestocked,
} from '@sagaflow/contracts';
import {
  DefinitionPublished,
  type DefinitionPublishedEvent,
  type ReactionsDocument,
} from '@sagaflow/saga-core';
import type { Message } from 'kafkajs';
import type { SuiteTopics } from './monitor-env';
import type { OutRecord } from './saga-traffic';

/** A cancellation the tests make up: its correlation id and the message id of each step. */
export interface FakeCancellation {
  correlationId: string;
  orderId: string;
  ids: { requested: string; restocked: string; refunded?: string; cancelled?: string; undeclared?: string };
}

/** The topic a made-up service nobody declared writes to. */
export const loyaltyTopic = (topics: SuiteTopics) => `${topics.prefix}.loyalty.events`;

/**
 * Produces what the demo services would for a choreographed cancellation, with the contract headers
 * (`source`, correlation and causation ids), and the reactions documents they publish at start-up.
 */
export class FlowTraffic {
  private readonly codec: AvroRegistryCodec;

  constructor(
    readonly topics: SuiteTopics,
    registryUrl: string,
  ) {
    this.codec = new AvroRegistryCodec({ registryUrl });
  }

  /**
   * The reactions documents of inventory, payment and order for the cancellation, plus two made-up
   * services whose declared reactions form a loop (never produced, so no flow awaits them).
   */
  async reactionsDefinitions(): Promise<OutRecord[]> {
    const t = this.topics;
    const docs: ReactionsDocument[] = [
      {
        kind: 'reactions',
        service: 'inventory-service',
        reactions: [
          {
            consumes: OrderCancellationRequested.name,
            topic: t.orderEvents,
            kind: 'event',
            handler: 'InventoryMessageHandlers.onCancellation',
            emits: ['inventory.StockRestocked', 'inventory.StockRestockRefused'],
          },
        ],
      },
      {
        kind: 'reactions',
        service: 'payment-service',
        reactions: [
          {
            consumes: OrderCancellationRequested.name,
            topic: t.orderEvents,
            kind: 'event',
            handler: 'PaymentMessageHandlers.onCancellation',
            emits: ['payment.PaymentRefundedForCancellation', 'payment.PaymentRefundRefused'],
          },
        ],
      },
      {
        kind: 'reactions',
        service: 'order-service',
        reactions: [
          {
            consumes: StockRestocked.name,
            topic: t.inventoryEvents,
            kind: 'event',
            handler: 'OrderMessageHandlers.onRestocked',
            emits: ['order.OrderCancelled'],
          },
          {
            consumes: PaymentRefundedForCancellation.name,
            topic: t.paymentEvents,
            kind: 'event',
            handler: 'OrderMessageHandlers.onRefunded',
            emits: ['order.OrderCancelled'],
          },
        ],
      },
      {
        kind: 'reactions',
        service: 'billing-service',
        reactions: [
          {
            consumes: 'ledger.Posted',
            topic: `${t.prefix}.ledger.events`,
            kind: 'event',
            handler: 'Billing.onPosted',
            emits: ['billing.InvoiceIssued'],
          },
        ],
      },
      {
        kind: 'reactions',
        service: 'ledger-service',
        reactions: [
          {
            consumes: 'billing.InvoiceIssued',
            topic: `${t.prefix}.billing.events`,
            kind: 'event',
            handler: 'Ledger.onInvoice',
            emits: ['ledger.Posted'],
          },
        ],
      },
    ];
    return Promise.all(docs.map((doc) => this.reactionsDefinition(doc)));
  }

  /** The `sagaflow.definitions` record a service publishes for its reactions document. */
  async reactionsDefinition(doc: ReactionsDocument): Promise<OutRecord> {
    const payload: DefinitionPublishedEvent = {
      key: `reactions:${doc.service}`,
      kind: 'reactions',
      name: doc.service,
      version: 1,
      service: doc.service,
      document: JSON.stringify(doc),
      publishedAt: new Date().toISOString(),
    };
    return {
      topic: this.topics.definitions,
      message: await this.message(DefinitionPublished, payload, payload.key, {
        id: newMessageId(),
        correlationId: newMessageId(),
        source: doc.service,
        at: new Date(),
      }),
    };
  }

  /**
   * A cancellation at `at`: requested by order; restocked by inventory 40 ms later; unless `stallPayment`,
   * refunded by payment 70 ms after the request and cancelled by order 25 ms after that (caused by the
   * refund: it is the second answer). With `undeclared`, a loyalty service nobody declared reacts too.
   */
  async cancellation(
    at: Date,
    options: { stallPayment?: boolean; undeclared?: boolean } = {},
  ): Promise<{ flow: FakeCancellation; records: OutRecord[] }> {
    const t = this.topics;
    const correlationId = newMessageId();
    const orderId = `order-${correlationId.slice(-12)}`;
    const ids: FakeCancellation['ids'] = { requested: newMessageId(), restocked: newMessageId() };
    const when = (ms: number) => new Date(at.getTime() + ms);
    const meta = (id: string, source: string, ms: number, causationId?: string) => ({
      id,
      correlationId,
      source,
      at: when(ms),
      causationId,
    });
    const records: OutRecord[] = [
      {
        topic: t.orderEvents,
        message: await this.message(
          OrderCancellationRequested,
          { orderId, customerId: 'c-1', reason: 'changed my mind' },
          orderId,
          meta(ids.requested, 'order-service', 0),
        ),
      },
      {
        topic: t.inventoryEvents,
        message: await this.message(
          StockRestocked,
          { orderId, items: [{ sku: 'SKU-1', quantity: 1 }] },
          orderId,
          meta(ids.restocked, 'inventory-service', 40, ids.requested),
        ),
      },
    ];
    if (!options.stallPayment) {
      ids.refunded = newMessageId();
      ids.cancelled = newMessageId();
      records.push(
        {
          topic: t.paymentEvents,
          message: await this.message(
            PaymentRefundedForCancellation,
            { orderId, customerId: 'c-1', amount: 1250 },
            orderId,
            meta(ids.refunded, 'payment-service', 70, ids.requested),
          ),
        },
        {
          topic: t.orderEvents,
          message: await this.message(
            OrderCancelled,
            { orderId, customerId: 'c-1', stockRestocked: true, paymentRefunded: true, notes: [] },
            orderId,
            meta(ids.cancelled, 'order-service', 95, ids.refunded),
          ),
        },
      );
    }
    if (options.undeclared) {
      ids.undeclared = newMessageId();
      // JSON: a service outside the registry's world, as a user without a registry would run it
      records.push({
        topic: loyaltyTopic(t),
        message: {
          key: orderId,
          value: Buffer.from(JSON.stringify({ orderId, points: 125 })),
          timestamp: String(when(55).getTime()),
          headers: {
            [Header.messageId]: ids.undeclared,
            [Header.messageType]: 'loyalty.PointsRevoked',
            [Header.correlationId]: correlationId,
            [Header.causationId]: ids.requested,
            [Header.source]: 'loyalty-service',
            [Header.occurredAt]: when(55).toISOString(),
            [Header.contentType]: ContentType.json,
          },
        },
      });
    }
    return { flow: { correlationId, orderId, ids }, records };
  }

  private async message(
    type: AnyMessageType,
    payload: unknown,
    key: string,
    m: { id: string; correlationId: string; source: string; at: Date; causationId?: string },
  ): Promise<Message> {
    const headers: Record<string, string> = {
      [Header.messageId]: m.id,
      [Header.messageType]: type.name,
      [Header.correlationId]: m.correlationId,
      [Header.source]: m.source,
      [Header.occurredAt]: m.at.toISOString(),
      [Header.contentType]: ContentType.avro,
    };
    if (m.causationId) headers[Header.causationId] = m.causationId;
    return { key, value: await this.codec.encode(type, payload), headers, timestamp: String(m.at.getTime()) };
  }
}
