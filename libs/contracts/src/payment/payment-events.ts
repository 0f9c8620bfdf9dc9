import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema } from '../schema-parts';
import { byOrderId, Topics } from '../topics';

const customerAndAmount = [
  { name: 'customerId', type: 'string' },
  { name: 'amount', type: 'long', doc: 'Cents' },
];

/** The order was charged to the customer's account. */
export interface PaymentCharged {
  orderId: string;
  customerId: string;
  amount: number;
}
/** The `payment.PaymentCharged` event. */
export const PaymentCharged = defineMessage<PaymentCharged>({
  topic: Topics.paymentEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'payment',
    'PaymentCharged',
    "The order was charged to the customer's account",
    customerAndAmount,
  ),
});

/** The charge was declined; nothing was charged. */
export interface PaymentDeclined {
  orderId: string;
  customerId: string;
  amount: number;
  /** Why, e.g. "credit limit exceeded: 12000 cents requested, 5000 available". */
  reason: string;
}
/** The `payment.PaymentDeclined` event. */
export const PaymentDeclined = defineMessage<PaymentDeclined>({
  topic: Topics.paymentEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema('payment', 'PaymentDeclined', 'The charge was declined; nothing was charged', [
    ...customerAndAmount,
    { name: 'reason', type: 'string' },
  ]),
});

/** The saga's compensation: the order's charge is refunded; `amount` is 0 when nothing was charged. */
export interface PaymentRefunded {
  orderId: string;
  customerId: string;
  amount: number;
}
/** The `payment.PaymentRefunded` event. */
export const PaymentRefunded = defineMessage<PaymentRefunded>({
  topic: Topics.paymentEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'payment',
    'PaymentRefunded',
    "Compensation confirmed: the order's charge is refunded (0 when none)",
    customerAndAmount,
  ),
});

/**
 * Choreography: an approved order was cancelled and its charge refunded. A type of its own, not
 * PaymentRefunded with a cause: see docs/decisions/0015-demo-message-contracts.md.
 */
export interface PaymentRefundedForCancellation {
  orderId: string;
  customerId: string;
  amount: number;
}
/** The `payment.PaymentRefundedForCancellation` event. */
export const PaymentRefundedForCancellation = defineMessage<PaymentRefundedForCancellation>({
  topic: Topics.paymentEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'payment',
    'PaymentRefundedForCancellation',
    "A cancelled order's charge was refunded",
    customerAndAmount,
  ),
});

/** Choreography: a cancelled order's charge could not be refunded, and why (e.g. already refunded). */
export interface PaymentRefundRefused {
  orderId: string;
  customerId: string;
  reason: string;
}
/** The `payment.PaymentRefundRefused` event. */
export const PaymentRefundRefused = defineMessage<PaymentRefundRefused>({
  topic: Topics.paymentEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'payment',
    'PaymentRefundRefused',
    "A cancelled order's charge could not be refunded",
    [
      { name: 'customerId', type: 'string' },
      { name: 'reason', type: 'string' },
    ],
  ),
});
