import type { MessageType } from '@sagaflow/outbox-relay';
import { ReleaseStock, ReserveStock } from './inventory/inventory-commands';
import {
  StockRejected,
  StockReleased,
  StockReserved,
  StockRestocked,
  StockRestockRefused,
} from './inventory/inventory-events';
import { ApproveOrder } from './order/order-commands';
import {
  OrderApproved,
  OrderCancellationRequested,
  OrderCancelled,
  OrderPlaced,
  OrderRejected,
} from './order/order-events';
import { ChargePayment, RefundPayment } from './payment/payment-commands';
import {
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
} from './payment/payment-events';

/**
 * A message type of any payload. `MessageType<T>` is invariant in `T` (its `key` takes a `T`, its phantom
 * `__payload` holds one), so only `any` accepts every message type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the one type every MessageType<T> is assignable to
export type AnyMessageType = MessageType<any>;

/** A frozen list typed as `MessageType[]`, what catalogs and `SagaflowModule.forRoot({ catalog })` take. */
const catalog = (...types: AnyMessageType[]): readonly MessageType[] => Object.freeze(types);

/** Every event and command of the demo. */
export const demoCatalog: readonly MessageType[] = catalog(
  OrderPlaced,
  ApproveOrder,
  OrderApproved,
  OrderRejected,
  OrderCancellationRequested,
  OrderCancelled,
  ReserveStock,
  ReleaseStock,
  StockReserved,
  StockRejected,
  StockReleased,
  StockRestocked,
  StockRestockRefused,
  ChargePayment,
  RefundPayment,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
);

/** What inventory-service consumes and writes. */
export const inventoryCatalog: readonly MessageType[] = catalog(
  ReserveStock,
  ReleaseStock,
  StockReserved,
  StockRejected,
  StockReleased,
  OrderCancellationRequested,
  StockRestocked,
  StockRestockRefused,
);

/** What payment-service consumes and writes. */
export const paymentCatalog: readonly MessageType[] = catalog(
  ChargePayment,
  RefundPayment,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  OrderCancellationRequested,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
);

/**
 * What order-service consumes and writes: its own messages, every command the OrderFulfilment saga
 * sends, every reply it handles, and the cancellation answers it reacts to — that is, all of them.
 */
export const orderCatalog: readonly MessageType[] = demoCatalog;
