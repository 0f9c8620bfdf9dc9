import { SagaflowError } from '@sagaflow/outbox-relay';
import type { SagaDefinition, StepDefinition } from '../declaration/saga-definition';
import { toMilliseconds } from '../declaration/duration';
import type { DecisionOp } from './decision';
import { DeadlineName, terminalStatuses, type SagaInstance } from './saga-instance';
import type {
  LifecycleTransitionName,
  OutgoingMessage,
  LifecycleTransition,
  SagaOutcome,
} from './saga-outcome';

/**
 * The mutable scratch copy one decision is applied to. Created per message, never shared; the engine
 * hands out an immutable {@link SagaOutcome} at the end.
 */
export class Working<S> {
  readonly send: OutgoingMessage[] = [];
  readonly lifecycle: LifecycleTransition[] = [];
  readonly schedule = new Map<string, Date>();
  readonly cancel = new Set<string>();
  readonly notes: string[] = [];

  constructor(
    readonly definition: SagaDefinition,
    readonly instance: SagaInstance<S>,
    readonly now: Date,
    /** Who decided, for errors: `Class.method`. */
    readonly origin: string,
  ) {}

  transition(transition: LifecycleTransitionName, extra: { step?: string; reason?: string } = {}): void {
    this.lifecycle.push({ transition, status: this.instance.status, at: this.now.toISOString(), ...extra });
  }

  scheduleAt(name: string, afterMs: number): void {
    this.schedule.set(name, new Date(this.now.getTime() + afterMs));
    this.cancel.delete(name);
  }

  unschedule(name: string): void {
    this.schedule.delete(name);
    this.cancel.add(name);
  }

  step(name: string): StepDefinition {
    const step = this.definition.steps.find((s) => s.name === name);
    if (!step) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin} names step "${name}", which saga ${this.definition.type} does not declare (steps: ${this.definition.steps.map((s) => s.name).join(', ')})`,
        { context: { sagaType: this.definition.type, step: name } },
      );
    }
    return step;
  }

  outcome(created: boolean): SagaOutcome<S> {
    const result: SagaOutcome<S> = {
      instance: this.instance,
      created,
      send: this.send,
      lifecycle: this.lifecycle,
      schedule: [...this.schedule].map(([name, dueAt]) => ({ name, dueAt })),
      cancel: [...this.cancel],
    };
    if (this.notes.length > 0 && this.lifecycle.length === 0 && this.send.length === 0) {
      result.ignored = { reason: this.notes.join('; ') };
    }
    return result;
  }
}

/** Applies a handler's instructions in order, under the rules that keep every saga convergent. */
export function applyDecision<S>(w: Working<S>, ops: readonly DecisionOp<S>[]): void {
  for (const op of ops) applyOp(w, op);
}

function applyOp<S>(w: Working<S>, op: DecisionOp<S>): void {
  const i = w.instance;
  switch (op.op) {
    case 'begin':
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${w.origin}: ctx.begin() is only allowed in the @StartSaga handler`,
      );
    case 'state':
      i.state = structuredClone(op.state);
      return;
    case 'run': {
      const step = w.step(op.step);
      if (i.status !== 'RUNNING') return void w.notes.push(`run("${op.step}") dropped: saga is ${i.status}`);
      if (i.steps[op.step])
        return void w.notes.push(`run("${op.step}") dropped: step already ${i.steps[op.step]!.status}`);
      i.steps[op.step] = { status: 'STARTED' };
      w.send.push({ type: step.command.command, payload: step.command.payload(i.state) });
      if (step.timeoutMs !== undefined) w.scheduleAt(DeadlineName.step(op.step), step.timeoutMs);
      return;
    }
    case 'stepCompleted': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (rec && rec.status !== 'STARTED' && rec.status !== 'FAILED') {
        return void w.notes.push(`step "${op.step}" already ${rec.status}`);
      }
      i.steps[op.step] = { status: 'COMPLETED' };
      i.completedSteps = [...i.completedSteps, op.step];
      w.unschedule(DeadlineName.step(op.step));
      w.transition('StepCompleted', { step: op.step });
      if (i.status === 'COMPENSATED' || i.status === 'FAILED') {
        // A reply that arrives after the saga compensated (e.g. on timeout) or failed is undone too.
        i.status = 'COMPENSATING';
        delete i.endedAt;
        w.transition('Compensating', {
          step: op.step,
          reason: `step "${op.step}" completed after the saga had ended`,
        });
        compensateNext(w);
      } else if (i.status === 'COMPLETED') {
        w.notes.push(`step "${op.step}" completed after the saga ended ${i.status}`);
      }
      // COMPENSATING: the step is now last in completedSteps, so it is undone next, in reverse order.
      return;
    }
    case 'stepFailed': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (rec && rec.status !== 'STARTED')
        return void w.notes.push(`stepFailed("${op.step}") dropped: step is ${rec.status}`);
      i.steps[op.step] = { status: 'FAILED' };
      w.unschedule(DeadlineName.step(op.step));
      beginCompensation(w, `step "${op.step}" failed: ${op.reason}`, false);
      return;
    }
    case 'compensated': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (rec?.status === 'COMPENSATION_FAILED' && i.status === 'FAILED') {
        // The confirmation came after we gave up on it: the step is undone after all, so carry on
        // undoing the rest; the saga can still end Compensated.
        i.steps[op.step] = { ...rec, status: 'COMPENSATED' };
        i.status = 'COMPENSATING';
        delete i.endedAt;
        w.transition('StepCompensated', { step: op.step });
        w.transition('Compensating', {
          step: op.step,
          reason: `late confirmation of the compensation of "${op.step}"`,
        });
        compensateNext(w);
        return;
      }
      if (!rec || rec.status !== 'COMPENSATING') {
        return void w.notes.push(
          `compensated("${op.step}") dropped: step is ${rec?.status ?? 'not started'}`,
        );
      }
      i.steps[op.step] = { ...rec, status: 'COMPENSATED' };
      w.unschedule(DeadlineName.compensation(op.step));
      w.transition('StepCompensated', { step: op.step });
      compensateNext(w);
      return;
    }
    case 'compensationFailed': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (!rec || rec.status !== 'COMPENSATING') {
        return void w.notes.push(
          `compensationFailed("${op.step}") dropped: step is ${rec?.status ?? 'not started'}`,
        );
      }
      i.steps[op.step] = { ...rec, status: 'COMPENSATION_FAILED' };
      fail(w, `compensation of step "${op.step}" failed: ${op.reason}`, op.step);
      return;
    }
    case 'abort':
      if (i.status !== 'RUNNING') return void w.notes.push(`abort dropped: saga is ${i.status}`);
      beginCompensation(w, op.reason, false);
      return;
    case 'complete':
      if (i.status !== 'RUNNING') return void w.notes.push(`complete dropped: saga is ${i.status}`);
      i.status = 'COMPLETED';
      i.endedAt = w.now.toISOString();
      cancelAll(w);
      w.transition('Completed');
      return;
    case 'send':
      w.send.push(op.message);
      return;
    case 'schedule':
      if (terminalStatuses.has(i.status))
        return void w.notes.push(`schedule("${op.name}") dropped: saga is ${i.status}`);
      if (!w.definition.deadlineHandlers.has(op.name)) {
        throw new SagaflowError(
          'HANDLER_FAILED',
          `${w.origin} schedules deadline "${op.name}", which no @OnDeadline("${op.name}") method handles`,
        );
      }
      w.scheduleAt(
        DeadlineName.user(op.name),
        toMilliseconds(op.after, `${w.origin}: schedule("${op.name}")`),
      );
      return;
    case 'cancelDeadline':
      w.unschedule(DeadlineName.user(op.name));
      return;
  }
}

/** RUNNING → COMPENSATING: stops the clock on everything and starts undoing completed steps in reverse. */
export function beginCompensation<S>(w: Working<S>, reason: string, timedOut: boolean): void {
  const i = w.instance;
  if (i.status !== 'RUNNING') return;
  if (timedOut) w.transition('TimedOut', { reason });
  i.status = 'COMPENSATING';
  i.reason = reason;
  cancelAll(w);
  w.transition('Compensating', { reason });
  compensateNext(w);
}

/**
 * Sends the compensation of the most recently completed step not yet undone, one at a time, so the
 * order is strictly the reverse of completion. None left → the saga ends Compensated.
 */
export function compensateNext<S>(w: Working<S>): void {
  const i = w.instance;
  if (Object.values(i.steps).some((s) => s.status === 'COMPENSATING')) return;
  for (let k = i.completedSteps.length - 1; k >= 0; k--) {
    const name = i.completedSteps[k]!;
    if (i.steps[name]?.status !== 'COMPLETED') continue;
    const step = w.step(name);
    if (!step.compensation) continue;
    i.steps[name] = { status: 'COMPENSATING', compensationAttempts: 1 };
    w.send.push({ type: step.compensation.command, payload: step.compensation.payload(i.state) });
    w.scheduleAt(DeadlineName.compensation(name), step.compensationTimeoutMs);
    return;
  }
  const failed = Object.entries(i.steps).find(([, s]) => s.status === 'COMPENSATION_FAILED');
  if (failed) {
    // everything else is undone, but one compensation never was: the saga stays Failed, surfaced
    fail(w, `compensation of step "${failed[0]}" was never confirmed`, failed[0]);
    return;
  }
  i.status = 'COMPENSATED';
  i.endedAt = w.now.toISOString();
  cancelAll(w);
  w.transition('Compensated', { reason: i.reason });
}

/** → FAILED: a compensation could not be applied. Surfaced in the lifecycle, never silent. */
export function fail<S>(w: Working<S>, reason: string, step?: string): void {
  const i = w.instance;
  i.status = 'FAILED';
  i.reason = reason;
  i.endedAt = w.now.toISOString();
  cancelAll(w);
  w.transition('Failed', { reason, step });
}

function cancelAll<S>(w: Working<S>): void {
  const i = w.instance;
  const names = [
    DeadlineName.sagaTimeout,
    ...w.definition.steps.map((s) => DeadlineName.step(s.name)),
    ...[...w.definition.deadlineHandlers.keys()].map(DeadlineName.user),
  ];
  // compensation deadlines stay while a compensation is in flight
  for (const s of w.definition.steps)
    if (i.steps[s.name]?.status !== 'COMPENSATING') names.push(DeadlineName.compensation(s.name));
  for (const n of names) w.unschedule(n);
}
