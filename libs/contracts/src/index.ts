/**
 * @sagaflow/contracts — the demo system's events and commands: Avro record schemas (namespace = owning
 * service), their TypeScript shapes (an interface and a message type of the same name), topics and
 * per-service catalogs. Every message is keyed by `orderId`; money is integer cents.
 *
 * @example
 * import { OrderPlaced, ReserveStock, inventoryCatalog } from '@sagaflow/contracts';
 * const e: OrderPlaced = { orderId, customerId, items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }], total: 2500 };
 * OrderPlaced.validate(e); // throws MessageValidationError naming the field at fault
 */
export { Topics, byOrderId } from './topics';
export type { StockLine } from './schema-parts';
export type { OrderLine } from './order/order-line';
export { ApproveOrder } from './order/order-commands';
export {
  OrderPlaced,
  OrderApproved,
  OrderRejected,
  OrderCancellationRequested,
  OrderCancelled,
} from './order/order-events';
export { ReserveStock, ReleaseStock } from './inventory/inventory-commands';
export {
  StockReserved,
  StockRejected,
  StockReleased,
  StockRestocked,
  StockRestockRefused,
  type StockShortage,
} from './inventory/inventory-events';
export { ChargePayment, RefundPayment } from './payment/payment-commands';
export {
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
} from './payment/payment-events';
export { demoCatalog, inventoryCatalog, paymentCatalog, orderCatalog, type AnyMessageType } from './catalog';
