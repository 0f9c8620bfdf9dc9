import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema, optionalString } from '../schema-parts';
import { byOrderId, Topics } from '../topics';
import { orderLinesField, type OrderLine } from './order-line';

/** A customer placed an order; it waits (PENDING) for the OrderFulfilment saga. Starts the saga. */
export interface OrderPlaced {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  /** Sum of quantity × unitPrice, in cents. */
  total: number;
}
/** The `order.OrderPlaced` event. */
export const OrderPlaced = defineMessage<OrderPlaced>({
  topic: Topics.orderEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'order',
    'OrderPlaced',
    'A customer placed an order; it is PENDING until the saga ends',
    [
      { name: 'customerId', type: 'string' },
      orderLinesField,
      { name: 'total', type: 'long', doc: 'Cents: the sum of quantity × unitPrice' },
    ],
  ),
});

/** The order is approved: stock is reserved and payment charged. Ends the saga Completed. */
export interface OrderApproved {
  orderId: string;
  customerId: string;
  total: number;
}
/** The `order.OrderApproved` event. */
export const OrderApproved = defineMessage<OrderApproved>({
  topic: Topics.orderEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema('order', 'OrderApproved', 'The order is approved: stock reserved, payment charged', [
    { name: 'customerId', type: 'string' },
    { name: 'total', type: 'long', doc: 'Cents charged' },
  ]),
});

/** The order is rejected; whatever the saga had done for it is undone. */
export interface OrderRejected {
  orderId: string;
  customerId: string;
  /** Why, in words a customer could read (e.g. "out of stock: SKU-1 (requested 3, available 1)"). */
  reason: string;
}
/** The `order.OrderRejected` event. */
export const OrderRejected = defineMessage<OrderRejected>({
  topic: Topics.orderEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'order',
    'OrderRejected',
    'The order is rejected; what the saga did for it has been undone',
    [
      { name: 'customerId', type: 'string' },
      { name: 'reason', type: 'string' },
    ],
  ),
});

/**
 * A customer asked to cancel an approved order. Choreographed, no coordinator: inventory restocks,
 * payment refunds, and the order service marks the order CANCELLED once both answered.
 */
export interface OrderCancellationRequested {
  orderId: string;
  customerId: string;
  /** The customer's reason, if given. */
  reason: string | null;
}
/** The `order.OrderCancellationRequested` event. */
export const OrderCancellationRequested = defineMessage<OrderCancellationRequested>({
  topic: Topics.orderEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'order',
    'OrderCancellationRequested',
    'A customer asked to cancel an approved order',
    [{ name: 'customerId', type: 'string' }, optionalString('reason', "The customer's reason, if given")],
  ),
});

/** The cancellation is done: inventory and payment both answered. */
export interface OrderCancelled {
  orderId: string;
  customerId: string;
  /** Whether the reserved stock went back on the shelf. */
  stockRestocked: boolean;
  /** Whether the charge was refunded. */
  paymentRefunded: boolean;
  /** Why a part could not be undone (e.g. "payment: already refunded"); empty when both were. */
  notes: string[];
}
/** The `order.OrderCancelled` event. */
export const OrderCancelled = defineMessage<OrderCancelled>({
  topic: Topics.orderEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'order',
    'OrderCancelled',
    'The cancellation finished: inventory and payment both answered',
    [
      { name: 'customerId', type: 'string' },
      { name: 'stockRestocked', type: 'boolean' },
      { name: 'paymentRefunded', type: 'boolean' },
      { name: 'notes', type: { type: 'array', items: 'string' }, doc: 'Why a part could not be undone' },
    ],
  ),
});
