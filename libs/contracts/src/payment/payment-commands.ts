import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema } from '../schema-parts';
import { byOrderId, Topics } from '../topics';

/** Charge an order to its customer's account → PaymentCharged | PaymentDeclined. Idempotent per order. */
export interface ChargePayment {
  orderId: string;
  customerId: string;
  /** Cents, > 0. */
  amount: number;
}
/** The `payment.ChargePayment` command. */
export const ChargePayment = defineMessage<ChargePayment>({
  topic: Topics.paymentCommands,
  kind: 'command',
  key: byOrderId,
  schema: messageSchema('payment', 'ChargePayment', "Charge an order to its customer's account", [
    { name: 'customerId', type: 'string' },
    { name: 'amount', type: 'long', doc: 'Cents' },
  ]),
});

/** Compensation of ChargePayment → PaymentRefunded (always, amount 0 when nothing was charged). */
export interface RefundPayment {
  orderId: string;
  customerId: string;
}
/** The `payment.RefundPayment` command. */
export const RefundPayment = defineMessage<RefundPayment>({
  topic: Topics.paymentCommands,
  kind: 'command',
  key: byOrderId,
  schema: messageSchema(
    'payment',
    'RefundPayment',
    "Refund an order's charge; confirmed even when nothing was charged",
    [{ name: 'customerId', type: 'string' }],
  ),
});
