import { MessageValidationError, newMessageId, SagaflowError } from '@sagaflow/outbox-relay';
import type { SagaDefinition } from '../declaration/saga-definition';
import type { HandlerMetadata } from '../declaration/saga-metadata';
import {
  applyDecision,
  beginCompensation,
  compensateNext,
  fail,
  resendStep,
  retryBackoffMs,
  Working,
} from './apply-decision';
import { Decision, SagaContext, type DecisionOp } from './decision';
import { frozenCopy } from './deep-freeze';
import type { OperatorCommandFields } from '../lifecycle/operator-commands';
import { cancelByOperator, OperatorCommandName, resumeByOperator } from './operator-decisions';
import { DeadlineName, terminalStatuses, type SagaInstance } from './saga-instance';
import type { DueDeadline, IncomingMessage, SagaOutcome } from './saga-outcome';

/** Options of {@link SagaEngine}. */
export interface SagaEngineOptions {
  /** New saga ids; a fixture passes a deterministic one. Default: UUIDv7. */
  newId?: () => string;
  /** Message ids of step commands (kept for their re-sends); a fixture passes a deterministic one. Default: UUIDv7. */
  newMessageId?: () => string;
}

/**
 * The pure core of one saga type: given the stored instance (or none), a message or a due deadline, and
 * the time, it returns what must change. It never touches Kafka, PostgreSQL or the clock; the runtime
 * wraps it in a transaction, and the test fixture runs it in memory.
 */
export class SagaEngine<S = unknown> {
  private readonly newId: () => string;
  private readonly newMessageId: () => string;

  constructor(
    readonly definition: SagaDefinition,
    /** The object whose decorated methods are called (the Nest provider, or `new SagaClass()`). */
    private readonly saga: object,
    options: SagaEngineOptions = {},
  ) {
    this.newId = options.newId ?? (() => newMessageId());
    this.newMessageId = options.newMessageId ?? (() => newMessageId());
  }

  /** Whether this saga type handles messages of this full name. */
  handles(messageType: string): boolean {
    return this.definition.handlers.has(messageType);
  }

  /** Whether messages of this full name start an instance. */
  isStarter(messageType: string): boolean {
    return this.definition.handlers.get(messageType)?.starter === true;
  }

  /**
   * The correlation key of a message (the instance it belongs to), from the handler's typed `correlate`.
   * @throws MessageValidationError when `correlate` yields no non-empty string.
   */
  correlationKey(message: IncomingMessage): string {
    const handler = this.handler(message.type);
    const key = handler.correlate(message.payload);
    if (typeof key !== 'string' || key.length === 0) {
      throw new MessageValidationError(
        `Saga ${this.definition.className}: correlate of ${handler.method} returned ${JSON.stringify(key)} for ${message.type} ${message.headers.messageId}; it must return a non-empty string`,
        ['correlate'],
        { sagaType: this.definition.type, messageId: message.headers.messageId },
      );
    }
    return key;
  }

  /**
   * Decides what a message does to `instance` (undefined when none correlates).
   * @throws SagaflowError HANDLER_FAILED when the handler throws or returns something that is not a Decision.
   */
  handleMessage(instance: SagaInstance<S> | undefined, message: IncomingMessage, now: Date): SagaOutcome<S> {
    const handler = this.handler(message.type);
    const key = this.correlationKey(message);
    if (handler.starter) {
      if (instance)
        return ignored(
          `instance ${instance.id} already exists for ${this.definition.type} key ${key}; a second start is not applied`,
        );
      return this.start(handler, key, message, now);
    }
    if (!instance) return this.missing(handler, key, message);
    this.assertOwn(instance);
    const working = new Working<S>(
      this.definition,
      cloneInstance(instance),
      now,
      this.origin(handler.method),
      this.newMessageId,
    );
    const ctx = new SagaContext<S>(now, instance.id, message.headers);
    const decision = this.call(handler.method, [
      frozenCopy(instance.state),
      frozenCopy(message.payload),
      ctx,
    ]);
    applyDecision(working, decision.ops);
    if (this.definition.endMethods.has(handler.method)) applyDecision(working, [{ op: 'complete' }]);
    return this.finish(working, false);
  }

  /** Decides what a due deadline does: saga and step timeouts compensate, compensation timeouts re-send or fail. */
  handleDeadline(instance: SagaInstance<S>, deadline: DueDeadline, now: Date): SagaOutcome<S> {
    this.assertOwn(instance);
    const working = new Working<S>(
      this.definition,
      cloneInstance(instance),
      now,
      `Saga ${this.definition.className} deadline ${deadline.name}`,
      this.newMessageId,
    );
    working.unschedule(deadline.name);
    const i = working.instance;
    if (terminalStatuses.has(i.status)) {
      working.notes.push(`deadline ${deadline.name} fell due after the saga ended ${i.status}`);
      return this.finish(working, false);
    }
    if (deadline.name === DeadlineName.sagaTimeout) {
      this.sagaTimedOut(working);
    } else if (deadline.name.startsWith('pivot:')) {
      this.pivotUnanswered(working, deadline.name.slice('pivot:'.length));
    } else if (deadline.name.startsWith('step:')) {
      this.stepTimedOut(working, deadline.name.slice('step:'.length));
    } else if (deadline.name.startsWith('retry:')) {
      const step = deadline.name.slice('retry:'.length);
      if (i.status === 'RUNNING' && i.steps[step]?.status === 'STARTED')
        resendStep(working, working.step(step));
      else working.notes.push(`deadline ${deadline.name}: step is ${i.steps[step]?.status ?? 'not started'}`);
    } else if (deadline.name.startsWith('compensation:')) {
      this.compensationTimedOut(working, deadline.name.slice('compensation:'.length));
    } else if (deadline.name.startsWith('user:')) {
      const name = deadline.name.slice('user:'.length);
      const method = this.definition.deadlineHandlers.get(name);
      if (!method) working.notes.push(`no @OnDeadline("${name}") handler`);
      else {
        const ctx = new SagaContext<S>(now, i.id, undefined);
        const decision = this.call(method, [frozenCopy(i.state), { name, dueAt: deadline.dueAt }, ctx]);
        applyDecision(working, decision.ops);
      }
    } else {
      working.notes.push(`unknown deadline ${deadline.name}`);
    }
    return this.finish(working, false);
  }

  /**
   * Decides what an operator command (`sagaflow.CancelSaga`, `sagaflow.ResumeSaga`) does to `instance`,
   * like any message: state and command in, new state and commands out (docs/decisions/0076). A command
   * with no effect (the saga ended, compensates already, has nothing in flight) comes back `ignored` with why.
   * @throws SagaflowError UNKNOWN_MESSAGE_TYPE for any other message type.
   */
  handleOperatorCommand(
    instance: SagaInstance<S>,
    message: IncomingMessage<OperatorCommandFields>,
    now: Date,
  ): SagaOutcome<S> {
    this.assertOwn(instance);
    const decide =
      message.type === OperatorCommandName.cancel
        ? cancelByOperator
        : message.type === OperatorCommandName.resume
          ? resumeByOperator
          : undefined;
    if (!decide)
      throw new SagaflowError(
        'UNKNOWN_MESSAGE_TYPE',
        `${message.type} is not an operator command (expected ${OperatorCommandName.cancel} or ${OperatorCommandName.resume})`,
      );
    const working = new Working<S>(
      this.definition,
      cloneInstance(instance),
      now,
      `Saga ${this.definition.className} operator command ${message.type}`,
      this.newMessageId,
    );
    decide(working, frozenCopy(message.payload));
    return this.finish(working, false);
  }

  /**
   * The saga timeout fell due. Before the pivot it compensates. With a step that cannot be compensated in
   * flight it cannot: that step may have taken effect, so its reply decides. The saga stays RUNNING, shows
   * `TimedOut` on the pivot, and waits `pivotTimeoutMs` more for that reply (docs/decisions/0068).
   */
  private sagaTimedOut(w: Working<S>): void {
    const i = w.instance;
    if (i.status !== 'RUNNING') return void w.notes.push(`saga timeout: the saga is ${i.status} already`);
    const after = `saga timed out after ${this.definition.timeoutMs} ms`;
    const pivot = this.definition.steps.find(
      (s) => s.compensation === null && i.steps[s.name]?.status === 'STARTED',
    );
    if (!pivot) return beginCompensation(w, after, true);
    const waitMs = this.definition.pivotTimeoutMs ?? this.definition.timeoutMs ?? 0;
    w.scheduleAt(DeadlineName.pivot(pivot.name), waitMs);
    w.transition('TimedOut', {
      step: pivot.name,
      reason: `${after} while step "${pivot.name}", which cannot be compensated, was in flight: its reply decides; waiting up to ${waitMs} ms for it`,
    });
  }

  /**
   * The pivot gave no reply within `pivotTimeoutMs` after the saga timed out: the saga ends FAILED,
   * surfaced, with the steps before the pivot left as they are (undoing them could contradict a pivot
   * that took effect). A late reply still decides (see `stepCompleted` / `stepFailed`).
   */
  private pivotUnanswered(w: Working<S>, name: string): void {
    const i = w.instance;
    const rec = i.steps[name];
    if (i.status !== 'RUNNING' || rec?.status !== 'STARTED')
      return void w.notes.push(
        `deadline pivot:${name}: step is ${rec?.status ?? 'not started'}, saga is ${i.status}`,
      );
    fail(
      w,
      `step "${name}" cannot be compensated and gave no reply within ${this.definition.pivotTimeoutMs} ms after the saga timed out: ` +
        `whether it took effect is unknown, so the steps before it were not undone; its reply, if it comes, still decides`,
      name,
    );
  }

  /**
   * A step's reply did not come in time. Running: re-send after the backoff while the retry policy
   * allows, else compensate. Compensating (a group sibling the saga waited for): give up on it and let
   * compensation move on; if it completes later it is undone then.
   */
  private stepTimedOut(w: Working<S>, name: string): void {
    const i = w.instance;
    const rec = i.steps[name];
    if (rec?.status !== 'STARTED')
      return void w.notes.push(`deadline step:${name}: step is ${rec?.status ?? 'not started'}`);
    const step = w.step(name);
    if (i.status === 'COMPENSATING') {
      i.steps[name] = { ...rec, status: 'FAILED' };
      w.notes.push(`group step "${name}" gave no reply while the saga compensated`);
      compensateNext(w);
      return;
    }
    if (i.status !== 'RUNNING') return void w.notes.push(`deadline step:${name}: saga is ${i.status}`);
    const attempts = rec.attempts ?? 1;
    if (step.retry && attempts < step.retry.attempts) {
      w.scheduleAt(DeadlineName.retry(name), retryBackoffMs(step, attempts + 1));
      return;
    }
    const tries = attempts > 1 ? ` (${attempts} sends)` : '';
    // a group step that timed out is not waited for like its in-flight siblings; a late reply still counts
    if (step.group) i.steps[name] = { ...rec, status: 'FAILED' };
    beginCompensation(w, `step "${name}" got no reply within ${step.timeoutMs} ms${tries}`, true, name);
  }

  private compensationTimedOut(w: Working<S>, step: string): void {
    const rec = w.instance.steps[step];
    if (rec?.status !== 'COMPENSATING')
      return void w.notes.push(`compensation deadline of "${step}": step is ${rec?.status}`);
    const attempts = rec.compensationAttempts ?? 1;
    const def = w.step(step);
    if (attempts < this.definition.compensationAttempts && def.compensation) {
      w.instance.steps[step] = { status: 'COMPENSATING', compensationAttempts: attempts + 1 };
      w.send.push({ type: def.compensation.command, payload: def.compensation.payload(w.instance.state) });
      w.scheduleAt(DeadlineName.compensation(step), def.compensationTimeoutMs);
      return;
    }
    w.instance.steps[step] = { status: 'COMPENSATION_FAILED', compensationAttempts: attempts };
    fail(w, `compensation of step "${step}" was not confirmed after ${attempts} attempts`, step);
  }

  private start(handler: HandlerMetadata, key: string, message: IncomingMessage, now: Date): SagaOutcome<S> {
    const id = this.newId();
    const ctx = new SagaContext<S>(now, id, message.headers);
    const decision = this.call(handler.method, [frozenCopy(message.payload), ctx]);
    const [first, ...rest] = decision.ops as DecisionOp<S>[];
    if (first?.op !== 'begin') {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin(handler.method)} must start its decision with ctx.begin(initialState)`,
        {
          context: { sagaType: this.definition.type },
        },
      );
    }
    const at = now.toISOString();
    const instance: SagaInstance<S> = {
      id,
      correlationId: message.headers.correlationId,
      type: this.definition.type,
      definitionVersion: this.definition.version,
      correlationKey: key,
      status: 'RUNNING',
      state: structuredClone(first.state),
      steps: {},
      completedSteps: [],
      version: 0,
      startedAt: at,
      updatedAt: at,
    };
    const working = new Working<S>(
      this.definition,
      instance,
      now,
      this.origin(handler.method),
      this.newMessageId,
    );
    working.transition('Started');
    if (this.definition.timeoutMs !== undefined)
      working.scheduleAt(DeadlineName.sagaTimeout, this.definition.timeoutMs);
    applyDecision(working, rest);
    if (this.definition.endMethods.has(handler.method)) applyDecision(working, [{ op: 'complete' }]);
    return this.finish(working, true);
  }

  private missing(handler: HandlerMetadata, key: string, message: IncomingMessage): SagaOutcome<S> {
    const reason = `no ${this.definition.type} instance correlates with key ${key} (message ${message.type} ${message.headers.messageId}, handler ${handler.method})`;
    const base = { instance: undefined, created: false, send: [], lifecycle: [], schedule: [], cancel: [] };
    const policy = handler.onMissingInstance;
    if (policy === 'fault' || policy === 'discard') return { ...base, missingInstance: { policy, reason } };
    const send = policy(frozenCopy(message.payload));
    return { ...base, send, missingInstance: { policy: 'execute', reason, send } };
  }

  private finish(working: Working<S>, created: boolean): SagaOutcome<S> {
    working.instance.updatedAt = working.now.toISOString();
    working.instance.version = working.instance.version + 1;
    return working.outcome(created);
  }

  private call(method: string, args: unknown[]): Decision<S> {
    const fn = (this.saga as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin(method)} is not a function on the saga object`,
      );
    }
    let result: unknown;
    try {
      result = fn.apply(this.saga, args);
    } catch (cause) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin(method)} threw: ${(cause as Error)?.message ?? String(cause)}`,
        {
          cause,
          context: { sagaType: this.definition.type, method },
        },
      );
    }
    if (!Decision.is(result)) {
      const what =
        result instanceof Promise ? 'a Promise (handlers must be synchronous and pure)' : typeof result;
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.origin(method)} returned ${what}; it must return a Decision built from ctx`,
        {
          context: { sagaType: this.definition.type, method },
        },
      );
    }
    return result as Decision<S>;
  }

  private handler(messageType: string): HandlerMetadata {
    const h = this.definition.handlers.get(messageType);
    if (!h)
      throw new SagaflowError(
        'UNKNOWN_MESSAGE_TYPE',
        `Saga ${this.definition.className} has no handler for ${messageType}`,
      );
    return h;
  }

  private assertOwn(instance: SagaInstance<S>): void {
    if (instance.type !== this.definition.type) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `instance ${instance.id} is a ${instance.type}, not a ${this.definition.type}`,
      );
    }
  }

  private origin(method: string): string {
    return `Saga ${this.definition.className}.${method}`;
  }
}

function cloneInstance<S>(instance: SagaInstance<S>): SagaInstance<S> {
  return structuredClone(instance);
}

function ignored<S>(reason: string): SagaOutcome<S> {
  return {
    instance: undefined,
    created: false,
    send: [],
    lifecycle: [],
    schedule: [],
    cancel: [],
    ignored: { reason },
  };
}
