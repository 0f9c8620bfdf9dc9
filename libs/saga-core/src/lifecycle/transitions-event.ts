import type { SagaInstance } from '../engine/saga-instance';
import type { LifecycleTransition } from '../engine/saga-outcome';
import type { SagaTransitionsEvent } from './saga-transitions-message';

/**
 * The `SagaTransitions` record of one decision: every transition it made to `instance`, in order, with
 * the step's parallel group and the send number of a retry (docs/decisions/0053).
 * @returns undefined when the decision made no transition (no record is written then).
 */
export function transitionsEvent(
  instance: SagaInstance,
  lifecycle: readonly LifecycleTransition[],
): SagaTransitionsEvent | undefined {
  if (lifecycle.length === 0) return undefined;
  return {
    sagaId: instance.id,
    sagaType: instance.type,
    definitionVersion: instance.definitionVersion,
    correlationKey: instance.correlationKey,
    instanceVersion: instance.version,
    transitions: lifecycle.map((t) => ({
      transition: t.transition,
      status: t.status,
      step: t.step ?? null,
      reason: t.reason ?? null,
      at: t.at,
      group: t.group ?? null,
      attempt: t.attempt ?? null,
    })),
  };
}
