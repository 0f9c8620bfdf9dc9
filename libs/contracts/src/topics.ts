/**
 * The demo's Kafka topics: `<service>.events` for domain events, `<service>.commands` for commands to
 * that service (DESIGN.md, "The message contract").
 */
export const Topics = Object.freeze({
  orderEvents: 'order.events',
  orderCommands: 'order.commands',
  inventoryEvents: 'inventory.events',
  inventoryCommands: 'inventory.commands',
  paymentEvents: 'payment.events',
  paymentCommands: 'payment.commands',
} as const);

/** Every message of the demo is about one order, so the order id is the Kafka key: one order's messages stay in order. */
export const byOrderId = (message: { orderId: string }): string => message.orderId;
