import type { OperatorCommandFields } from '../lifecycle/operator-commands';
import { beginCompensation, type Working } from './apply-decision';
import { DeadlineName, terminalStatuses } from './saga-instance';

/** The `message-type` of the two operator commands (docs/decisions/0061). */
export const OperatorCommandName = Object.freeze({
  cancel: 'sagaflow.CancelSaga',
  resume: 'sagaflow.ResumeSaga',
});

/** The reason a cancelled saga carries: who cancelled it and why, as the operator wrote it. */
export function cancelReason(c: Pick<OperatorCommandFields, 'operator' | 'reason'>): string {
  return `cancelled by ${c.operator}: ${c.reason}`;
}

/** The reason on the transitions a resume makes. */
export function resumeReason(c: Pick<OperatorCommandFields, 'operator' | 'reason'>): string {
  return `resumed by ${c.operator}: ${c.reason}`;
}

/**
 * An operator cancels the saga (docs/decisions/0076): a RUNNING saga compensates its completed steps in
 * reverse, as for a failure, with the operator's reason as its reason. Anything else is a note, so the
 * outcome is `ignored` with why: a saga that ended or already compensates, or one past its pivot (a step
 * that cannot be undone is in flight or done, so the saga can only go forward, as on a saga timeout).
 */
export function cancelByOperator<S>(w: Working<S>, c: OperatorCommandFields): void {
  const i = w.instance;
  const by = `cancel by ${c.operator} (action ${c.actionId}) has no effect`;
  if (i.status === 'COMPENSATING') return void w.notes.push(`${by}: the saga is compensating already`);
  if (i.status !== 'RUNNING') return void w.notes.push(`${by}: the saga has ended ${i.status}`);
  const pivot = w.definition.steps.find((s) => {
    const status = i.steps[s.name]?.status;
    return s.compensation === null && (status === 'STARTED' || status === 'COMPLETED');
  });
  if (pivot) {
    const status = i.steps[pivot.name]!.status === 'STARTED' ? 'is in flight' : 'is done';
    return void w.notes.push(`${by}: step "${pivot.name}" cannot be compensated and ${status}`);
  }
  beginCompensation(w, cancelReason(c), false);
}

/**
 * An operator resumes the saga (docs/decisions/0076): the work it waits on is sent again now. RUNNING:
 * each step in flight gets its command again with the message-id of its first send (a participant that
 * applied it finds it in its inbox; one that dead-lettered it applies it now), its step timeout starts
 * again and a pending retry pause is dropped; each re-send is a `StepRetried` carrying the operator's
 * reason. COMPENSATING: the compensation in flight is sent again and its timeout starts again, shown as
 * `Compensating` with the reason. Each send counts as an attempt under the step's policies. An ended
 * saga, or one with nothing in flight, is a note: the outcome is `ignored` with why.
 */
export function resumeByOperator<S>(w: Working<S>, c: OperatorCommandFields): void {
  const i = w.instance;
  const by = `resume by ${c.operator} (action ${c.actionId}) has no effect`;
  if (terminalStatuses.has(i.status)) return void w.notes.push(`${by}: the saga has ended ${i.status}`);
  const reason = resumeReason(c);
  let sent = 0;
  for (const step of w.definition.steps) {
    const rec = i.steps[step.name];
    if (i.status === 'RUNNING' && rec?.status === 'STARTED') {
      const attempt = (rec.attempts ?? 1) + 1;
      i.steps[step.name] = { ...rec, attempts: attempt };
      w.send.push({
        type: step.command.command,
        payload: step.command.payload(i.state),
        ...(rec.messageId ? { messageId: rec.messageId, resend: true } : {}),
      });
      w.unschedule(DeadlineName.retry(step.name));
      if (step.timeoutMs !== undefined) w.scheduleAt(DeadlineName.step(step.name), step.timeoutMs);
      w.transition('StepRetried', { step: step.name, attempt, reason });
      sent++;
    } else if (i.status === 'COMPENSATING' && rec?.status === 'COMPENSATING' && step.compensation) {
      i.steps[step.name] = { ...rec, compensationAttempts: (rec.compensationAttempts ?? 1) + 1 };
      w.send.push({ type: step.compensation.command, payload: step.compensation.payload(i.state) });
      w.scheduleAt(DeadlineName.compensation(step.name), step.compensationTimeoutMs);
      w.transition('Compensating', {
        step: step.name,
        reason: `${reason} (compensation of "${step.name}" sent again)`,
      });
      sent++;
    }
  }
  if (sent === 0)
    w.notes.push(`${by}: the saga is ${i.status} with no step command or compensation in flight`);
}
