import type { TransitionRecord } from './read-transition';
import { terminalStatuses, type SagaRow } from './saga-row';

/**
 * Applies one lifecycle transition to a saga's projected row (or creates it). Pure, and safe in any order
 * across batches: start and last-progress times are min/max, and status follows the highest instance
 * version, so a transition re-published after a newer one changes nothing but the count.
 */
export function foldTransition(saga: SagaRow | undefined, t: TransitionRecord): SagaRow {
  const base: SagaRow = saga ?? {
    sagaId: t.sagaId,
    sagaType: t.sagaType,
    correlationId: t.correlationId,
    correlationKey: t.correlationKey,
    definitionVersion: t.definitionVersion,
    status: t.status,
    lastTransition: t.transition,
    currentStep: t.step,
    reason: t.reason,
    instanceVersion: t.instanceVersion,
    startedAt: t.at,
    updatedAt: t.at,
    endedAt: null,
    durationMs: null,
    transitionCount: 0,
  };
  const newer = saga === undefined || t.instanceVersion >= saga.instanceVersion;
  const startedAt = earliest(base.startedAt, t.at);
  const next: SagaRow = {
    ...base,
    startedAt,
    updatedAt: latest(base.updatedAt, t.at),
    transitionCount: base.transitionCount + 1,
  };
  if (newer) {
    next.status = t.status;
    next.lastTransition = t.transition;
    next.instanceVersion = t.instanceVersion;
    next.definitionVersion = t.definitionVersion;
    next.currentStep = t.step ?? base.currentStep;
    next.reason = t.reason ?? base.reason;
    next.correlationId = t.correlationId ?? base.correlationId;
    if (terminalStatuses.has(t.status)) next.endedAt = t.at;
  }
  next.durationMs = next.endedAt === null ? null : Date.parse(next.endedAt) - Date.parse(startedAt);
  return next;
}

function earliest(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function latest(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
