import {
  ApproveOrder,
  ChargePayment,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  type StockLine,
} from '@sagaflow/contracts';
import { sagaSteps } from '@sagaflow/saga-core';

/** The OrderFulfilment saga's state: plain JSON, what the steps' commands are built from. */
export interface FulfilmentState {
  orderId: string;
  customerId: string;
  /** Units per SKU to reserve (prices stay with the order). */
  items: StockLine[];
  /** Cents to charge. */
  total: number;
}

/** Timeouts of the saga, in milliseconds (from ORDER_STEP_TIMEOUT and ORDER_COMPENSATION_TIMEOUT). */
export interface FulfilmentTimeouts {
  /** Wait for inventory's and payment's replies. */
  stepMs: number;
  /** Wait for a compensation's confirmation before re-sending it. */
  compensationMs: number;
}

/**
 * reserveStock → chargePayment → approveOrder, each beside its compensation. The two remote steps time
 * out; approveOrder is handled by the order service itself and needs none (see docs/decisions/0016).
 */
export function fulfilmentSteps(t: FulfilmentTimeouts) {
  return sagaSteps<FulfilmentState>()
    .step('reserveStock', ReserveStock, (s) => ({ orderId: s.orderId, items: s.items }), {
      timeout: t.stepMs,
    })
    .compensatedBy(ReleaseStock, (s) => ({ orderId: s.orderId }), { timeout: t.compensationMs })
    .step(
      'chargePayment',
      ChargePayment,
      (s) => ({ orderId: s.orderId, customerId: s.customerId, amount: s.total }),
      { timeout: t.stepMs },
    )
    .compensatedBy(RefundPayment, (s) => ({ orderId: s.orderId, customerId: s.customerId }), {
      timeout: t.compensationMs,
    })
    .step('approveOrder', ApproveOrder, (s) => ({ orderId: s.orderId }))
    .withoutCompensation(
      'approval is the pivot: the order service applies it locally and nothing after it can fail',
    );
}

/** The step names of the saga. */
export type FulfilmentStep = 'reserveStock' | 'chargePayment' | 'approveOrder';
