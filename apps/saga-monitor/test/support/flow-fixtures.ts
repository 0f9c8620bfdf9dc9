import type { DeclaredReaction } from '../../src/flows/declared-reactions';
import type { FlowMessage } from '../../src/flows/flow-message';

/**
 * Test data shared by the flow specs: the demo's cancellation, as declared and as it runs.
 * Not exported from the app; only specs import it.
 */
export const t0 = Date.parse('2025-01-01T00:00:00.000Z');

/** A record of a flow, `ms` after {@link t0}. */
export function msg(
  id: string,
  type: string,
  source: string,
  ms: number,
  causationId: string | null = null,
  extra: Partial<FlowMessage> = {},
): FlowMessage {
  return {
    topic: `${type.split('.')[0]}.events`,
    partition: 0,
    offset: String(ms),
    messageId: id,
    messageType: type,
    causationId,
    source,
    sagaType: null,
    at: new Date(t0 + ms).toISOString(),
    deadLetter: false,
    ...extra,
  };
}

/** What the demo services declare for the cancellation. */
export const cancellationReactions: DeclaredReaction[] = [
  {
    service: 'inventory-service',
    handler: 'InventoryMessageHandlers.onCancellation',
    consumes: 'order.OrderCancellationRequested',
    kind: 'event',
    emits: ['inventory.StockRestocked', 'inventory.StockRestockRefused'],
    from: 'reactions',
  },
  {
    service: 'payment-service',
    handler: 'PaymentMessageHandlers.onCancellation',
    consumes: 'order.OrderCancellationRequested',
    kind: 'event',
    emits: ['payment.PaymentRefundedForCancellation', 'payment.PaymentRefundRefused'],
    from: 'reactions',
  },
  {
    service: 'order-service',
    handler: 'OrderMessageHandlers.onRestocked',
    consumes: 'inventory.StockRestocked',
    kind: 'event',
    emits: ['order.OrderCancelled'],
    from: 'reactions',
  },
  {
    service: 'order-service',
    handler: 'OrderMessageHandlers.onRefunded',
    consumes: 'payment.PaymentRefundedForCancellation',
    kind: 'event',
    emits: ['order.OrderCancelled'],
    from: 'reactions',
  },
];

/** A finished cancellation: requested → restocked and refunded → cancelled (caused by the last answer). */
export const cancellation: FlowMessage[] = [
  msg('m1', 'order.OrderCancellationRequested', 'order-service', 0),
  msg('m2', 'inventory.StockRestocked', 'inventory-service', 40, 'm1'),
  msg('m3', 'payment.PaymentRefundedForCancellation', 'payment-service', 65, 'm1'),
  msg('m4', 'order.OrderCancelled', 'order-service', 90, 'm3'),
];
