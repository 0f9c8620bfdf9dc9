import type { OrderCancelled } from '@sagaflow/contracts';
import type { OrderStatus } from '../orders/order';

/** Whether `POST /orders/:id/cancel` may go ahead. */
export type CancelRequestDecision = { ok: true } | { ok: false; httpStatus: 404 | 409; message: string };

const whyNot: Record<Exclude<OrderStatus, 'APPROVED'>, string> = {
  PENDING: 'its saga has not decided yet; cancel it once it is APPROVED',
  REJECTED: 'it was rejected, so nothing was kept for it',
  CANCELLATION_REQUESTED: 'its cancellation is already under way',
  CANCELLED: 'it is already cancelled',
};

/**
 * Only an APPROVED order can be cancelled: before that its saga is still reserving and charging (and a
 * cancellation racing it could not know what to undo); after REJECTED nothing is held.
 */
export function decideCancelRequest(
  orderId: string,
  order: { status: OrderStatus } | undefined,
): CancelRequestDecision {
  if (!order) return { ok: false, httpStatus: 404, message: `no order ${orderId}` };
  if (order.status === 'APPROVED') return { ok: true };
  return {
    ok: false,
    httpStatus: 409,
    message: `order ${orderId} is ${order.status} and cannot be cancelled: ${whyNot[order.status]} (only an APPROVED order can be cancelled)`,
  };
}

/** A service's answer to OrderCancellationRequested, as the order service records it. */
export interface CancellationAnswer {
  part: 'stock' | 'payment';
  /** Restocked / refunded (true), or refused (false). */
  done: boolean;
  /** The service's reason when refused. */
  note: string | null;
  /** The amount refunded (payment, when done). */
  refundedAmount?: number;
}

/** What the order has recorded so far about its cancellation. */
export interface CancellationState {
  orderId: string;
  status: OrderStatus;
  customerId: string;
  /** undefined when no cancellation was requested for this order. */
  stock: { done: boolean; note: string | null } | null | undefined;
  payment: { done: boolean; note: string | null } | null | undefined;
}

/** What to do with an answer. */
export type AnswerDecision =
  | { kind: 'ignore'; why: string }
  | { kind: 'record'; complete: null }
  | { kind: 'record'; complete: { event: OrderCancelled; reason: string | null } };

/**
 * Records a service's answer; the second of the two completes the cancellation: the order becomes
 * CANCELLED either way, since neither service can be asked to undo what it did for the cancellation,
 * and a refusal means there was nothing left to undo on its side. What could not be undone is said in
 * the order's `reason` and `OrderCancelled.notes` (docs/decisions/0035). An answer recorded already (a
 * re-sent event with a new message-id) or for an order with no cancellation changes nothing.
 */
export function decideCancellationAnswer(
  state: CancellationState,
  answer: CancellationAnswer,
): AnswerDecision {
  const recorded = state[answer.part];
  if (recorded === undefined)
    return { kind: 'ignore', why: `no cancellation was requested (order is ${state.status})` };
  if (recorded !== null) return { kind: 'ignore', why: `the ${answer.part} answer is recorded already` };
  const mine = { done: answer.done, note: answer.note };
  const stock = answer.part === 'stock' ? mine : state.stock;
  const payment = answer.part === 'payment' ? mine : state.payment;
  if (!stock || !payment) return { kind: 'record', complete: null };
  const notes = [
    ...(stock.done ? [] : [`stock not restocked: ${stock.note ?? 'no reason given'}`]),
    ...(payment.done ? [] : [`payment not refunded: ${payment.note ?? 'no reason given'}`]),
  ];
  return {
    kind: 'record',
    complete: {
      event: {
        orderId: state.orderId,
        customerId: state.customerId,
        stockRestocked: stock.done,
        paymentRefunded: payment.done,
        notes,
      },
      reason: notes.length > 0 ? `cancelled, but ${notes.join('; ')}` : null,
    },
  };
}
