import type { MessageHeaders, MessageType } from '@sagaflow/outbox-relay';
import type { Duration } from '../declaration/duration';
import type { OutgoingMessage } from './saga-outcome';

/** One instruction of a {@link Decision}, applied by the engine in order. */
export type DecisionOp<S> =
  | { op: 'begin'; state: S }
  | { op: 'state'; state: S }
  | { op: 'run'; step: string }
  | { op: 'stepCompleted'; step: string }
  | { op: 'stepFailed'; step: string; reason: string }
  | { op: 'compensated'; step: string }
  | { op: 'compensationFailed'; step: string; reason: string }
  | { op: 'abort'; reason: string }
  | { op: 'complete' }
  | { op: 'send'; message: OutgoingMessage }
  | { op: 'schedule'; name: string; after: Duration }
  | { op: 'cancelDeadline'; name: string }
  | { op: 'associate'; key: string };

const decisionBrand = Symbol.for('sagaflow.Decision');

/**
 * What a saga handler returns: an immutable list of instructions (new state, steps to run, steps
 * completed or failed, compensations confirmed, the end). Every method returns a new Decision;
 * handlers stay pure: state + message in, decision out. Time arrives as `ctx.now`, never `Date.now()`.
 *
 * Instructions that no longer apply are dropped by the engine, not by user code: once a saga
 * compensates, `run()` and `complete()` do nothing, and a step that completes late is compensated.
 */
export class Decision<S, N extends string = string> {
  /** @internal */
  readonly [decisionBrand] = true;

  /** @internal use the handler's `ctx` */
  constructor(readonly ops: readonly DecisionOp<S>[] = []) {}

  /** Whether `value` is a Decision (also from another copy of this package). */
  static is(value: unknown): value is Decision<unknown> {
    return typeof value === 'object' && value !== null && decisionBrand in value;
  }

  /** Only in a starter: the new instance's initial state. */
  begin(state: S): Decision<S, N> {
    return this.with({ op: 'begin', state });
  }

  /** Replaces the state. */
  state(state: S): Decision<S, N> {
    return this.with({ op: 'state', state });
  }

  /**
   * Sends the step's command (built from the state as it is after the instructions before this one).
   * Naming a parallel group sends every step of the group. A step declared after a group runs only once the
   * group has joined: until every group step completed, `run()` of it is dropped (so each branch's
   * handler may ask for it, and the last reply runs it).
   */
  run(step: N): Decision<S, N> {
    return this.with({ op: 'run', step });
  }

  /** The step's reply arrived: the step is done (and will be compensated if the saga compensates). */
  stepCompleted(step: N, state?: S): Decision<S, N> {
    const d = state === undefined ? this : this.state(state);
    return d.with({ op: 'stepCompleted', step });
  }

  /** The step failed: the saga compensates the completed steps, in reverse. */
  stepFailed(step: N, reason: string, state?: S): Decision<S, N> {
    const d = state === undefined ? this : this.state(state);
    return d.with({ op: 'stepFailed', step, reason });
  }

  /** A compensation was confirmed: the next one (in reverse order) is sent, or the saga ends Compensated. */
  compensated(step: N): Decision<S, N> {
    return this.with({ op: 'compensated', step });
  }

  /** A compensation could not be applied: the saga ends Failed, surfaced with `reason`. */
  compensationFailed(step: N, reason: string): Decision<S, N> {
    return this.with({ op: 'compensationFailed', step, reason });
  }

  /** Compensates without a failed step (e.g. a business rule says stop). */
  abort(reason: string): Decision<S, N> {
    return this.with({ op: 'abort', reason });
  }

  /** Ends the saga Completed. `@EndSaga` handlers do this implicitly. */
  complete(state?: S): Decision<S, N> {
    const d = state === undefined ? this : this.state(state);
    return d.with({ op: 'complete' });
  }

  /** Sends a message that is not a step's command (e.g. a notification). */
  send<T>(type: MessageType<T>, payload: T): Decision<S, N> {
    return this.with({ op: 'send', message: { type: type as MessageType<unknown>, payload } });
  }

  /** Schedules the `@OnDeadline(name)` handler after `after` (replacing an earlier schedule of that name). */
  schedule(name: string, after: Duration): Decision<S, N> {
    return this.with({ op: 'schedule', name, after });
  }

  /** Cancels a deadline scheduled with {@link Decision.schedule}. */
  cancelDeadline(name: string): Decision<S, N> {
    return this.with({ op: 'cancelDeadline', name });
  }

  /**
   * Associates a further key with the instance: from now on a handler whose `correlate` returns `key`
   * reaches this instance (e.g. a payment id learnt from `PaymentAuthorized`). Unique per saga type;
   * removed when the saga ends.
   */
  associate(key: string): Decision<S, N> {
    return this.with({ op: 'associate', key });
  }

  private with(op: DecisionOp<S>): Decision<S, N> {
    return new Decision<S, N>([...this.ops, op]);
  }
}

/**
 * The handler's view of the world: an empty {@link Decision} to build on, plus the facts it may
 * decide from (the time, the saga id, the message's headers). No services, no I/O.
 */
export class SagaContext<S, N extends string = string> extends Decision<S, N> {
  constructor(
    /** The time of this decision (a deadline's due time, or the runtime's clock when the message is handled). */
    readonly now: Date,
    /** The saga id; for a starter, the id the new instance will get. */
    readonly sagaId: string,
    /** Headers of the message being handled; undefined for deadlines. */
    readonly message: MessageHeaders | undefined,
  ) {
    super([]);
  }
}
