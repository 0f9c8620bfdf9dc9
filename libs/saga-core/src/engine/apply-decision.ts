import { SagaflowError } from '@sagaflow/outbox-relay';
import type { SagaDefinition, StepDefinition } from '../declaration/saga-definition';
import { toMilliseconds } from '../declaration/duration';
import type { DecisionOp } from './decision';
import { DeadlineName, terminalStatuses, type SagaInstance, type StepRecord } from './saga-instance';
import type {
  LifecycleTransitionName,
  OutgoingMessage,
  LifecycleTransition,
  SagaOutcome,
} from './saga-outcome';

/** The ends after which associated keys are removed (docs/decisions/0052). */
const endsForGood: ReadonlySet<SagaInstance['status']> = new Set(['COMPLETED', 'COMPENSATED']);

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
  readonly associate: string[] = [];
  /** `associate` instructions of this decision, applied at its end (see {@link Working.outcome}). */
  readonly pendingAssociations: string[] = [];
  /** The status the instance had before this decision. */
  readonly statusBefore: SagaInstance<S>['status'];

  constructor(
    readonly definition: SagaDefinition,
    readonly instance: SagaInstance<S>,
    readonly now: Date,
    /** Who decided, for errors: `Class.method`. */
    readonly origin: string,
    /** Message ids for step commands (the engine's id source; no clock read here). */
    readonly newId: () => string = () => {
      throw new SagaflowError('HANDLER_FAILED', `${origin}: no message-id source for step commands`);
    },
  ) {
    this.statusBefore = instance.status;
  }

  transition(
    transition: LifecycleTransitionName,
    extra: { step?: string; reason?: string; group?: string; attempt?: number } = {},
  ): void {
    const group =
      extra.group ??
      (extra.step ? this.definition.steps.find((s) => s.name === extra.step)?.group : undefined);
    this.lifecycle.push({
      transition,
      status: this.instance.status,
      at: this.now.toISOString(),
      ...extra,
      ...(group ? { group } : {}),
    });
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
    if (!step && this.definition.groups.has(name)) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin} names parallel group "${name}" where a step is expected; only run() takes a group (its steps: ${this.definition.groups.get(name)!.join(', ')})`,
        { context: { sagaType: this.definition.type, step: name } },
      );
    }
    if (!step) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin} names step "${name}", which saga ${this.definition.type} does not declare (steps: ${this.definition.steps.map((s) => s.name).join(', ')})`,
        { context: { sagaType: this.definition.type, step: name } },
      );
    }
    return step;
  }

  private applyAssociations(): void {
    const i = this.instance;
    for (const key of this.pendingAssociations) {
      if (terminalStatuses.has(i.status)) {
        this.notes.push(`associate("${key}") dropped: saga is ${i.status}`);
        continue;
      }
      if (key === i.correlationKey || i.associations?.includes(key)) continue;
      i.associations = [...(i.associations ?? []), key];
      this.associate.push(key);
    }
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
    this.applyAssociations();
    if (this.associate.length > 0) result.associate = [...this.associate];
    // FAILED keeps its keys: a late confirmation (which may correlate by one) resumes the compensation
    // an instance that never associated a key has nothing to remove: no statement for it
    if (endsForGood.has(this.instance.status) && !endsForGood.has(this.statusBefore)) {
      if (this.instance.associations?.length) result.dissociateAll = true;
      delete this.instance.associations;
    }
    if (
      this.notes.length > 0 &&
      this.lifecycle.length === 0 &&
      this.send.length === 0 &&
      this.associate.length === 0
    ) {
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
      if (i.status !== 'RUNNING') return void w.notes.push(`run("${op.step}") dropped: saga is ${i.status}`);
      const members = w.definition.groups.get(op.step);
      if (members) {
        const waiting = unjoinedBefore(w, op.step);
        if (waiting) return void w.notes.push(`run("${op.step}") waits for ${waiting}`);
        for (const m of members) runStep(w, w.step(m));
        return;
      }
      const step = w.step(op.step);
      if (step.group) {
        throw new SagaflowError(
          'HANDLER_FAILED',
          `${w.origin} runs step "${op.step}" alone, but it is in parallel group "${step.group}": run the group with run("${step.group}")`,
          { context: { sagaType: w.definition.type, step: op.step } },
        );
      }
      const waiting = unjoinedBefore(w, op.step);
      if (waiting) return void w.notes.push(`run("${op.step}") waits for ${waiting}`);
      runStep(w, step);
      return;
    }
    case 'stepCompleted': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (rec && rec.status !== 'STARTED' && rec.status !== 'FAILED') {
        return void w.notes.push(`step "${op.step}" already ${rec.status}`);
      }
      const forward = failedWaitingForPivot(w, op.step);
      i.steps[op.step] = { ...keepSend(rec), status: 'COMPLETED' };
      i.completedSteps = [...i.completedSteps, op.step];
      w.unschedule(DeadlineName.step(op.step));
      w.unschedule(DeadlineName.retry(op.step));
      w.unschedule(DeadlineName.pivot(op.step));
      if (forward) {
        // the pivot took effect after all: the saga goes on forward, as it would have on time (decision 0068)
        i.status = 'RUNNING';
        delete i.endedAt;
        delete i.reason;
        w.transition('StepCompleted', {
          step: op.step,
          reason: `late reply of step "${op.step}", which the saga had failed waiting for: it goes on`,
        });
        return;
      }
      w.transition('StepCompleted', { step: op.step });
      const group = w.step(op.step).group;
      if (group && i.status === 'RUNNING' && joined(w, group)) w.transition('GroupJoined', { group });
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
      // COMPENSATING: the step is now last in completedSteps, so it is undone next, in reverse order
      // (now, if the saga was waiting for this in-flight group step before undoing earlier ones).
      if (i.status === 'COMPENSATING') compensateNext(w);
      return;
    }
    case 'stepFailed': {
      w.step(op.step);
      const rec = i.steps[op.step];
      if (rec && rec.status !== 'STARTED')
        return void w.notes.push(`stepFailed("${op.step}") dropped: step is ${rec.status}`);
      if (failedWaitingForPivot(w, op.step)) {
        // the pivot did not take effect: the steps before it can be undone now (decision 0068)
        i.status = 'RUNNING';
        delete i.endedAt;
      }
      i.steps[op.step] = { ...keepSend(rec), status: 'FAILED' };
      w.unschedule(DeadlineName.step(op.step));
      w.unschedule(DeadlineName.retry(op.step));
      w.unschedule(DeadlineName.pivot(op.step));
      if (i.status === 'COMPENSATING') compensateNext(w);
      else beginCompensation(w, `step "${op.step}" failed: ${op.reason}`, false, op.step);
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
    case 'associate': {
      if (typeof op.key !== 'string' || op.key.length === 0) {
        throw new SagaflowError(
          'HANDLER_FAILED',
          `${w.origin} associates ${JSON.stringify(op.key)}; a key must be a non-empty string`,
        );
      }
      // applied once the whole decision is: a late reply may re-open an ended saga after this op
      w.pendingAssociations.push(op.key);
      return;
    }
  }
}

/**
 * Whether the saga ended FAILED waiting for this step, which cannot be compensated, to reply after the
 * saga timed out: the step is still in flight and nothing was undone. Its late reply decides.
 */
function failedWaitingForPivot<S>(w: Working<S>, name: string): boolean {
  const i = w.instance;
  if (i.status !== 'FAILED' || i.steps[name]?.status !== 'STARTED') return false;
  if (w.step(name).compensation !== null) return false;
  return Object.values(i.steps).every(
    (s) => s.status !== 'COMPENSATING' && s.status !== 'COMPENSATED' && s.status !== 'COMPENSATION_FAILED',
  );
}

/** Sends a step's command, first attempt, with the message-id every re-send will reuse. */
function runStep<S>(w: Working<S>, step: StepDefinition): void {
  const i = w.instance;
  const rec = i.steps[step.name];
  if (rec) return void w.notes.push(`run("${step.name}") dropped: step already ${rec.status}`);
  const messageId = w.newId();
  i.steps[step.name] = { status: 'STARTED', attempts: 1, messageId };
  w.send.push({ type: step.command.command, payload: step.command.payload(i.state), messageId });
  if (step.timeoutMs !== undefined) w.scheduleAt(DeadlineName.step(step.name), step.timeoutMs);
}

/** Re-sends a timed-out step's command under its retry policy: same payload rule, same message-id. */
export function resendStep<S>(w: Working<S>, step: StepDefinition): void {
  const i = w.instance;
  const rec = i.steps[step.name]!;
  const attempt = (rec.attempts ?? 1) + 1;
  i.steps[step.name] = { ...rec, attempts: attempt };
  w.send.push({
    type: step.command.command,
    payload: step.command.payload(i.state),
    ...(rec.messageId ? { messageId: rec.messageId, resend: true } : {}),
  });
  w.scheduleAt(DeadlineName.step(step.name), step.timeoutMs!);
  w.transition('StepRetried', { step: step.name, attempt });
}

/** The pause before re-send number `attempt` (2 = the first re-send): doubling, capped. */
export function retryBackoffMs(step: StepDefinition, attempt: number): number {
  const r = step.retry!;
  return Math.min(r.backoffMs * 2 ** (attempt - 2), r.maxBackoffMs);
}

/** Whether every step of the group completed. */
function joined<S>(w: Working<S>, group: string): boolean {
  return w.definition.groups.get(group)!.every((m) => w.instance.steps[m]?.status === 'COMPLETED');
}

/**
 * Why `name` (a step or group) cannot run yet: a group declared before it was started and has not joined.
 * @returns undefined when nothing holds it back.
 */
function unjoinedBefore<S>(w: Working<S>, name: string): string | undefined {
  const steps = w.definition.steps;
  const at = steps.findIndex((s) => s.name === name || s.group === name);
  for (const [group, members] of w.definition.groups) {
    if (group === name) continue;
    const first = steps.findIndex((s) => s.group === group);
    if (first > at) continue;
    const started = members.some((m) => w.instance.steps[m]);
    const open = members.filter((m) => w.instance.steps[m]?.status !== 'COMPLETED');
    if (started && open.length > 0) {
      return `the join of group "${group}" (${open.map((m) => `${m} is ${w.instance.steps[m]?.status ?? 'not started'}`).join(', ')})`;
    }
  }
  return undefined;
}

function keepSend(rec: StepRecord | undefined): Partial<StepRecord> {
  if (!rec) return {};
  const kept: Partial<StepRecord> = {};
  if (rec.attempts !== undefined) kept.attempts = rec.attempts;
  if (rec.messageId !== undefined) kept.messageId = rec.messageId;
  return kept;
}

/** Group steps still in flight: while one is, the steps before its group are not undone yet. */
export function inFlightGroupSteps<S>(w: Working<S>): StepDefinition[] {
  return w.definition.steps.filter((s) => s.group && w.instance.steps[s.name]?.status === 'STARTED');
}

/** RUNNING → COMPENSATING: stops the clock on everything and starts undoing completed steps in reverse. */
export function beginCompensation<S>(
  w: Working<S>,
  reason: string,
  timedOut: boolean,
  /** The step that failed or timed out, when one did (the monitor marks it). */
  step?: string,
): void {
  const i = w.instance;
  if (i.status !== 'RUNNING') return;
  const at = step ? { step } : {};
  if (timedOut) w.transition('TimedOut', { reason, ...at });
  i.status = 'COMPENSATING';
  i.reason = reason;
  cancelAll(w);
  // Group siblings still in flight get one more timeout to reply (no re-sends while compensating): a
  // reply is compensated before the steps before the group; no reply → compensation moves on.
  for (const s of inFlightGroupSteps(w)) w.scheduleAt(DeadlineName.step(s.name), s.timeoutMs!);
  w.transition('Compensating', { reason, ...at });
  compensateNext(w);
}

/**
 * Sends the compensation of the most recently completed step not yet undone, one at a time, so the
 * order is strictly the reverse of completion. None left → the saga ends Compensated.
 */
export function compensateNext<S>(w: Working<S>): void {
  const i = w.instance;
  if (Object.values(i.steps).some((s) => s.status === 'COMPENSATING')) return;
  const waitingFor = new Set(inFlightGroupSteps(w).map((s) => s.group!));
  for (let k = i.completedSteps.length - 1; k >= 0; k--) {
    const name = i.completedSteps[k]!;
    if (i.steps[name]?.status !== 'COMPLETED') continue;
    const step = w.step(name);
    if (!step.compensation) continue;
    // a step outside a group whose sibling is still in flight waits: that sibling may yet complete, and
    // the group's steps are undone before the steps before it
    if (waitingFor.size > 0 && !(step.group && waitingFor.has(step.group))) return;
    i.steps[name] = { status: 'COMPENSATING', compensationAttempts: 1 };
    w.send.push({ type: step.compensation.command, payload: step.compensation.payload(i.state) });
    w.scheduleAt(DeadlineName.compensation(name), step.compensationTimeoutMs);
    return;
  }
  if (waitingFor.size > 0) return; // ends once the in-flight group steps replied or timed out
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
    ...w.definition.steps.filter((s) => s.retry).map((s) => DeadlineName.retry(s.name)),
    ...w.definition.steps.filter((s) => s.compensation === null).map((s) => DeadlineName.pivot(s.name)),
    ...[...w.definition.deadlineHandlers.keys()].map(DeadlineName.user),
  ];
  // compensation deadlines stay while a compensation is in flight
  for (const s of w.definition.steps)
    if (i.steps[s.name]?.status !== 'COMPENSATING') names.push(DeadlineName.compensation(s.name));
  for (const n of names) w.unschedule(n);
}
