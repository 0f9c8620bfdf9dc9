import type { MessageType } from '@sagaflow/outbox-relay';
import { DefinitionError } from '@sagaflow/outbox-relay';
import type { Duration } from './duration';

/** The command a step (or its compensation) sends, built from the saga's state. */
export interface StepCommand<S, T = unknown> {
  command: MessageType<T>;
  payload: (state: S) => T;
}

/** One declared step: its forward command, its compensation beside it, its timeout. */
export interface StepDeclaration<S> extends StepCommand<S> {
  name: string;
  timeout?: Duration;
  /** Re-sends on timeout before the saga compensates. */
  retry?: StepRetryOptions;
  /** The parallel group the step belongs to ({@link SagaStepsBuilder.parallel}); undefined when sequential. */
  group?: string;
  /** `null` when declared `withoutCompensation(reason)`; undefined when not declared at all. */
  compensation: StepCommand<S> | null | undefined;
  withoutCompensationReason?: string;
  compensationTimeout?: Duration;
}

/**
 * A step's retry policy: when its `timeout` passes without a reply, the same command (same message-id,
 * so a participant that did get it finds it in its inbox and does not act twice) is sent again after a
 * backoff, up to `attempts` sends in all; only then does the saga compensate.
 */
export interface StepRetryOptions {
  /** Sends in all, the first included (≥ 1; 1 = no re-send). */
  attempts: number;
  /** Pause between a timeout and the re-send (default 1s); doubles each time. */
  backoff?: Duration;
  /** Upper bound of the pause (default 30s). */
  maxBackoff?: Duration;
}

/** Options of {@link SagaStepsBuilder.step}. */
export interface StepOptions {
  /** No reply within this time → the command is re-sent (see `retry`) or the saga compensates (and the step may still complete late). */
  timeout?: Duration;
  /** Re-send the command on timeout before compensating; needs `timeout`. */
  retry?: StepRetryOptions;
}

/** Options of {@link SagaStepsBuilder.compensatedBy}. */
export interface CompensationOptions {
  /** No confirmation within this time → the compensation is sent again, up to the saga's `compensationRetries`. */
  timeout?: Duration;
}

/**
 * The ordered steps of a saga, each declared beside its compensation. Built with {@link sagaSteps};
 * `N` is the union of step names, so `ctx.run('typo')` fails to compile.
 */
export interface SagaSteps<S, N extends string> {
  readonly steps: readonly StepDeclaration<S>[];
  /** Phantom members carrying the types; never set. */
  readonly __state?: S;
  readonly __names?: N;
}

/** The step-name union of a {@link SagaSteps}. */
export type StepName<T> =
  T extends SagaSteps<unknown, infer N> ? N : T extends SagaSteps<never, infer N> ? N : string;
/** The state type of a {@link SagaSteps}. */
export type StepsState<T> = T extends SagaSteps<infer S, string> ? S : never;

/** Fluent builder returned by {@link sagaSteps}. */
export class SagaStepsBuilder<S, N extends string = never> implements SagaSteps<S, N> {
  declare readonly __state?: S;
  declare readonly __names?: N;

  constructor(readonly steps: readonly StepDeclaration<S>[] = []) {}

  /**
   * Appends a step that sends `command` with the payload built from the state.
   * @throws DefinitionError when the name is taken.
   */
  step<K extends string, T>(
    name: K,
    command: MessageType<T>,
    payload: (state: S) => T,
    options: StepOptions = {},
  ): SagaStepsBuilder<S, N | K> {
    if (this.steps.some((s) => s.name === name || s.group === name)) {
      throw new DefinitionError(`sagaSteps: step "${name}" is declared twice`);
    }
    const step: StepDeclaration<S> = {
      name,
      command: command as MessageType<unknown>,
      payload: payload as (state: S) => unknown,
      timeout: options.timeout,
      retry: options.retry,
      compensation: undefined,
    };
    return new SagaStepsBuilder<S, N | K>([...this.steps, step]);
  }

  /**
   * Appends a parallel group: its steps are sent together by `ctx.run(group)` and joined — a step declared
   * after the group runs only once every step of the group completed. The first failure or timeout in the
   * group compensates every group step that completed (and any that completes later), then the steps
   * before the group, in reverse. Each group step declares its compensation and a timeout.
   * @throws DefinitionError when the group name is taken, the group has fewer than two steps, or nests a group.
   * @example
   * sagaSteps<Trip>()
   *   .parallel('reserve', (g) => g
   *     .step('reserveFlight', ReserveFlight, (s) => ({ tripId: s.tripId }), { timeout: '10s' })
   *     .compensatedBy(CancelFlight, (s) => ({ tripId: s.tripId }))
   *     .step('reserveHotel', ReserveHotel, (s) => ({ tripId: s.tripId }), { timeout: '10s' })
   *     .compensatedBy(CancelHotel, (s) => ({ tripId: s.tripId })))
   *   .step('confirm', ConfirmTrip, (s) => ({ tripId: s.tripId }))
   *   .withoutCompensation('the pivot');
   */
  parallel<G extends string, M extends string>(
    group: G,
    build: (g: SagaStepsBuilder<S>) => SagaStepsBuilder<S, M>,
  ): SagaStepsBuilder<S, N | G | M> {
    if (this.steps.some((s) => s.name === group || s.group === group)) {
      throw new DefinitionError(`sagaSteps: parallel group "${group}" reuses a step or group name`);
    }
    const built = build(new SagaStepsBuilder<S>()).steps;
    if (built.length < 2) {
      throw new DefinitionError(
        `sagaSteps: parallel group "${group}" has ${built.length} step(s); a group needs at least two (declare a single step with .step())`,
      );
    }
    for (const s of built) {
      if (s.group !== undefined) {
        throw new DefinitionError(
          `sagaSteps: parallel group "${group}" contains group "${s.group}"; groups do not nest`,
        );
      }
      if (s.name === group || this.steps.some((t) => t.name === s.name || t.group === s.name)) {
        throw new DefinitionError(`sagaSteps: step "${s.name}" of group "${group}" is declared twice`);
      }
    }
    const members = built.map((s) => ({ ...s, group }));
    return new SagaStepsBuilder<S, N | G | M>([...this.steps, ...members]);
  }

  /** Declares how the step just added is undone: the command sent when the saga compensates it. */
  compensatedBy<T>(
    command: MessageType<T>,
    payload: (state: S) => T,
    options: CompensationOptions = {},
  ): SagaStepsBuilder<S, N> {
    const last = this.lastStep('compensatedBy');
    const updated: StepDeclaration<S> = {
      ...last,
      compensation: { command: command as MessageType<unknown>, payload: payload as (state: S) => unknown },
      compensationTimeout: options.timeout,
    };
    return new SagaStepsBuilder<S, N>([...this.steps.slice(0, -1), updated]);
  }

  /** States that the step just added needs no compensation, and why (kept in the published definition). */
  withoutCompensation(reason: string): SagaStepsBuilder<S, N> {
    const last = this.lastStep('withoutCompensation');
    if (!reason.trim())
      throw new DefinitionError(`sagaSteps: withoutCompensation() of step "${last.name}" needs a reason`);
    return new SagaStepsBuilder<S, N>([
      ...this.steps.slice(0, -1),
      { ...last, compensation: null, withoutCompensationReason: reason },
    ]);
  }

  private lastStep(method: string): StepDeclaration<S> {
    const last = this.steps.at(-1);
    if (!last) throw new DefinitionError(`sagaSteps: ${method}() must follow a step()`);
    if (last.compensation !== undefined) {
      throw new DefinitionError(`sagaSteps: step "${last.name}" already declares its compensation`);
    }
    return last;
  }
}

/**
 * Starts the ordered step list of a saga whose state is `S`.
 * @example
 * export const orderSteps = sagaSteps<OrderState>()
 *   .step('reserveStock', ReserveStock, (s) => ({ orderId: s.orderId, items: s.items }), { timeout: '10s' })
 *   .compensatedBy(ReleaseStock, (s) => ({ orderId: s.orderId }))
 *   .step('chargePayment', ChargePayment, (s) => ({ orderId: s.orderId, amount: s.total }), { timeout: '10s' })
 *   .compensatedBy(RefundPayment, (s) => ({ orderId: s.orderId }))
 *   .step('approveOrder', ApproveOrder, (s) => ({ orderId: s.orderId }))
 *   .withoutCompensation('approval is the last step: nothing after it can fail');
 */
export function sagaSteps<S>(): SagaStepsBuilder<S> {
  return new SagaStepsBuilder<S>();
}
