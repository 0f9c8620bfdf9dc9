/** One service's answer to a cancellation: done, or refused with its reason. */
export interface CancellationPart {
  /** `RESTOCKED` / `REFUNDED` when undone; `REFUSED` when the service could not (see `note`). */
  outcome: 'RESTOCKED' | 'REFUNDED' | 'REFUSED';
  /** The service's reason when refused; null otherwise. */
  note: string | null;
}

/** An order's cancellation as `GET /orders/:id` shows it. */
export interface CancellationView {
  /** The customer's reason, if given. */
  reason: string | null;
  requestedAt: string;
  /** inventory-service's answer; null until it arrived. */
  stock: CancellationPart | null;
  /** payment-service's answer; null until it arrived. */
  payment: (CancellationPart & { refundedAmount: number | null }) | null;
  /** When both had answered and the order became CANCELLED. */
  completedAt: string | null;
}
