import type { MessageHeaders, MessageType } from '@sagaflow/outbox-relay';
import type { SagaInstance, SagaStatus } from './saga-instance';

/** A command (or any message) a decision sends; the runtime writes it to the outbox with the saga's headers. */
export interface OutgoingMessage<T = unknown> {
  type: MessageType<T>;
  payload: T;
  /** Set for a step's command: the message-id it is written with (the same on every re-send). */
  messageId?: string;
  /** A re-send of a command already written once with this `messageId` (docs/decisions/0051). */
  resend?: boolean;
}

/** The lifecycle transitions published on `sagaflow.lifecycle` (DESIGN.md). */
export type LifecycleTransitionName =
  | 'Started'
  | 'StepCompleted'
  | 'Compensating'
  | 'StepCompensated'
  | 'Completed'
  | 'Compensated'
  | 'Failed'
  | 'TimedOut'
  /** A step timed out and its command was sent again under its retry policy. */
  | 'StepRetried'
  /** Every step of a parallel group completed. */
  | 'GroupJoined';

/** One transition of one instance, in the order it happened within a decision. */
export interface LifecycleTransition {
  transition: LifecycleTransitionName;
  /** Status after the transition. */
  status: SagaStatus;
  step?: string;
  reason?: string;
  /** The parallel group of `step` (for `GroupJoined`, the group joined). */
  group?: string;
  /** For `StepRetried`: which send this is (2 = the first re-send). */
  attempt?: number;
  at: string;
}

/** A deadline to (re)schedule: `name` is unique per instance; scheduling again replaces the due time. */
export interface DeadlineRequest {
  name: string;
  dueAt: Date;
}

/** A message handed to the engine, already decoded. */
export interface IncomingMessage<T = unknown> {
  /** Record full name (the `message-type` header). */
  type: string;
  payload: T;
  headers: MessageHeaders;
}

/** A deadline that fell due, handed to the engine by the scheduler. */
export interface DueDeadline {
  sagaId: string;
  name: string;
  dueAt: Date;
}

/**
 * What the engine decided for one message or deadline. The runtime applies all of it in one transaction:
 * save `instance` (insert when `created`, else update with a version check), write `send` and the
 * `lifecycle` events to the outbox, upsert `schedule` and delete `cancel` deadlines.
 */
export interface SagaOutcome<S = unknown> {
  /** The instance after the decision; undefined when nothing is to be saved (see `ignored`). */
  instance: SagaInstance<S> | undefined;
  created: boolean;
  send: OutgoingMessage[];
  lifecycle: LifecycleTransition[];
  schedule: DeadlineRequest[];
  cancel: string[];
  /** Set when the message changed nothing, with why; the runtime logs and counts it, never silently. */
  ignored?: { reason: string };
  /** Set when no instance correlates and the handler's policy says what to do. */
  missingInstance?: MissingInstanceResult;
  /** Keys associated with the instance by this decision (to store, unique per saga type). */
  associate?: string[];
  /** The saga ended in this decision and had associated keys: all of them are to be removed. */
  dissociateAll?: boolean;
}

/** What a handler's `onMissingInstance` policy asks for when no instance correlates. */
export type MissingInstanceResult =
  | { policy: 'fault'; reason: string }
  | { policy: 'discard'; reason: string }
  | { policy: 'execute'; reason: string; send: OutgoingMessage[] };
