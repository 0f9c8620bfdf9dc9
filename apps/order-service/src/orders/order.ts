import type { OrderLine } from '@sagaflow/contracts';
import type { CancellationView } from '../cancellation/cancellation-view';

/**
 * Where an order is. PENDING until its saga ends (APPROVED or REJECTED); an APPROVED order can be
 * cancelled: CANCELLATION_REQUESTED until inventory and payment both answered, then CANCELLED.
 */
export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLATION_REQUESTED' | 'CANCELLED';

/** An order as `GET /orders/:id` shows it. Money in cents. */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  /** Why it was rejected (or what its cancellation could not undo); null otherwise. */
  reason: string | null;
  total: number;
  items: OrderLine[];
  /** The OrderFulfilment saga's id, once it started. */
  sagaId: string | null;
  /** The cancellation, once requested: each service's answer as it arrived. */
  cancellation: CancellationView | null;
  createdAt: string;
  updatedAt: string;
}

/** The order's total in cents: Σ quantity × unitPrice. */
export function orderTotal(items: readonly OrderLine[]): number {
  return items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
}
