import type { OrderLine } from '@sagaflow/contracts';

/** Where an order is. PENDING until its saga ends; CANCELLING/CANCELLED belong to the cancellation flow. */
export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLING' | 'CANCELLED';

/** An order as `GET /orders/:id` shows it. Money in cents. */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  /** Why it was rejected (or what a cancellation could not undo); null otherwise. */
  reason: string | null;
  total: number;
  items: OrderLine[];
  /** The OrderFulfilment saga's id, once it started. */
  sagaId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The order's total in cents: Σ quantity × unitPrice. */
export function orderTotal(items: readonly OrderLine[]): number {
  return items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
}
