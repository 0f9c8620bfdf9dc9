import { unresolvedDeadLetterSql } from '../actions/action-store';
import { terminalStatuses, type SagaStatus } from '../projection/saga-row';

/** Why a saga counts as stuck. */
export type StuckReason = 'no-progress' | 'dead-letter';

/**
 * The stuck rule (docs/decisions/0022-stuck-sagas.md): a saga that has not ended is stuck when its last
 * transition is older than the threshold, or when a message of its correlation id was dead-lettered
 * (it waits for a reply that will not come until someone acts). Ended sagas are never stuck. A dead letter an
 * operator retried or discarded no longer counts.
 */
export function stuckReason(
  saga: { status: SagaStatus; updatedAt: string },
  hasDeadLetter: boolean,
  now: Date,
  stuckAfterMs: number,
): StuckReason | null {
  if (terminalStatuses.has(saga.status)) return null;
  if (hasDeadLetter) return 'dead-letter';
  return now.getTime() - Date.parse(saga.updatedAt) > stuckAfterMs ? 'no-progress' : null;
}

/**
 * The same rule as a SQL condition on `monitor.saga` aliased `s`, for filtering.
 * @param cutoffParam placeholder of `now - threshold` (timestamptz), e.g. `$3`.
 */
export function stuckSql(cutoffParam: string): string {
  return /* sql */ `(s.status in ('RUNNING', 'COMPENSATING') and (s.updated_at < ${cutoffParam}
    or exists (select 1 from monitor.dead_letter d where d.correlation_id = s.correlation_id
      and ${unresolvedDeadLetterSql})))`;
}
