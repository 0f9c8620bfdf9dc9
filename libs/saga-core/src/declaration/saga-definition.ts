import type { MessageCatalog, MessageType } from '@sagaflow/outbox-relay';
import { DefinitionError } from '@sagaflow/outbox-relay';
import { toMilliseconds } from './duration';
import { inheritedSagaMetadata, type HandlerMetadata } from './saga-metadata';
import type { StepCommand, StepDeclaration } from './saga-steps';

/** One step, resolved: durations in milliseconds. */
export interface StepDefinition {
  name: string;
  command: StepCommand<unknown>;
  compensation: StepCommand<unknown> | null;
  withoutCompensationReason?: string;
  timeoutMs?: number;
  compensationTimeoutMs: number;
  /** The parallel group the step belongs to; undefined when sequential. */
  group?: string;
  /** Re-sends on timeout before compensating; undefined = compensate on the first timeout. */
  retry?: StepRetryPolicy;
}

/** A step's retry policy, resolved. */
export interface StepRetryPolicy {
  /** Sends in all, the first included. */
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/** The retry policy, resolved. */
export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** A saga type, validated and frozen: what the engine runs and what `sagaflow.definitions` publishes. */
export interface SagaDefinition {
  type: string;
  version: number;
  className: string;
  timeoutMs?: number;
  /**
   * After the saga timeout, the wait for the reply of a step without compensation in flight then, before
   * the saga ends Failed (docs/decisions/0068). Set whenever `timeoutMs` is.
   */
  pivotTimeoutMs?: number;
  retry: RetryPolicy;
  compensationAttempts: number;
  steps: readonly StepDefinition[];
  /** Parallel groups: name → member step names, in declaration order. */
  groups: ReadonlyMap<string, readonly string[]>;
  /** By message full name. */
  handlers: ReadonlyMap<string, HandlerMetadata>;
  endMethods: ReadonlySet<string>;
  deadlineHandlers: ReadonlyMap<string, string>;
}

/** The document published on `sagaflow.definitions` (key: `saga:<type>`). */
export interface SagaDefinitionDocument {
  kind: 'saga';
  sagaType: string;
  version: number;
  timeoutMs: number | null;
  steps: Array<{
    name: string;
    command: string;
    commandTopic: string;
    compensation: string | null;
    compensationTopic: string | null;
    withoutCompensationReason: string | null;
    timeoutMs: number | null;
    /** The parallel group the step is in (its siblings share it); null when sequential. Absent in documents of older publishers. */
    group?: string | null;
    /** Re-sends on timeout; null = compensates on the first timeout. Absent in documents of older publishers. */
    retry?: StepRetryPolicy | null;
  }>;
  /** The parallel groups, in declaration order: what the monitor draws as branches and a join. Absent in documents of older publishers. */
  groups?: Array<{ name: string; steps: string[] }>;
  handles: Array<{ messageType: string; topic: string; method: string; starter: boolean; ends: boolean }>;
}

/** Options of {@link buildSagaDefinition}. */
export interface BuildSagaDefinitionOptions {
  /** The message types the service knows; a handled or sent type outside it is a misdeclaration. */
  catalog?: MessageCatalog;
}

/**
 * Reads the decorators of `sagaClass`, validates them, and returns the frozen definition.
 * @throws DefinitionError naming the class and method at fault.
 */
export function buildSagaDefinition(
  sagaClass: abstract new (...args: never[]) => unknown,
  options: BuildSagaDefinitionOptions = {},
): SagaDefinition {
  const name = sagaClass.name;
  const meta = inheritedSagaMetadata(sagaClass);
  const o = meta.options;
  if (!o) throw new DefinitionError(`class ${name} is not decorated with @Saga`);
  const where = `Saga ${name}`;
  if (typeof o.type !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(o.type)) {
    throw new DefinitionError(
      `${where}: type must be a name like OrderFulfilment; got ${JSON.stringify(o.type)}`,
    );
  }
  if (!Number.isInteger(o.version) || o.version < 1) {
    throw new DefinitionError(`${where}: version must be an integer ≥ 1; got ${JSON.stringify(o.version)}`);
  }
  const timeoutMs = o.timeout === undefined ? undefined : toMilliseconds(o.timeout, `${where}: timeout`);
  if (o.pivotTimeout !== undefined && timeoutMs === undefined) {
    throw new DefinitionError(
      `${where}: pivotTimeout is counted from the saga timeout, but the saga declares no timeout. Add timeout, or remove pivotTimeout`,
    );
  }
  const pivotTimeoutMs =
    o.pivotTimeout === undefined ? timeoutMs : toMilliseconds(o.pivotTimeout, `${where}: pivotTimeout`);
  const declared = o.steps?.steps;
  if (!Array.isArray(declared) || declared.length === 0) {
    throw new DefinitionError(
      `${where}: steps must list at least one step (use sagaSteps<State>().step(...))`,
    );
  }
  const defaultCompensationTimeout =
    o.compensationTimeout === undefined
      ? 30_000
      : toMilliseconds(o.compensationTimeout, `${where}: compensationTimeout`);
  const steps: StepDefinition[] = declared.map((s, i) => {
    if (s.group !== undefined && !s.compensation) {
      throw new DefinitionError(
        `${where}: step "${s.name}" of parallel group "${s.group}" declares no compensation: if a sibling fails, ` +
          `"${s.name}" could not be undone. Add .compensatedBy(...), or move the step out of the group`,
      );
    }
    if (s.group !== undefined && s.timeout === undefined) {
      throw new DefinitionError(
        `${where}: step "${s.name}" of parallel group "${s.group}" has no timeout: when a sibling fails, the saga ` +
          `waits for "${s.name}" to reply before undoing the steps before the group, and without a timeout it could wait forever. ` +
          `Add { timeout: ... }`,
      );
    }
    if (s.compensation === undefined && i < declared.length - 1) {
      throw new DefinitionError(
        `${where}: step "${s.name}" declares no compensation, but "${declared[i + 1]!.name}" follows it: ` +
          `if a later step fails, "${s.name}" could not be undone. Add .compensatedBy(...) or .withoutCompensation(reason)`,
      );
    }
    if (s.retry !== undefined && s.timeout === undefined) {
      throw new DefinitionError(
        `${where}: step "${s.name}" has a retry policy but no timeout: a re-send is triggered by the timeout. Add { timeout: ... }`,
      );
    }
    if (s.compensation === null && s.timeout !== undefined) {
      throw new DefinitionError(
        `${where}: step "${s.name}" has a timeout but no compensation: if it timed out and then succeeded, ` +
          `nothing could undo it. Remove the timeout (the saga then waits for its reply, after its own timeout for pivotTimeout more) or add .compensatedBy(...)`,
      );
    }
    return {
      name: s.name,
      command: { command: s.command, payload: s.payload },
      compensation: s.compensation ?? null,
      withoutCompensationReason: s.withoutCompensationReason,
      timeoutMs:
        s.timeout === undefined
          ? undefined
          : toMilliseconds(s.timeout, `${where}: timeout of step "${s.name}"`),
      compensationTimeoutMs:
        s.compensationTimeout === undefined
          ? defaultCompensationTimeout
          : toMilliseconds(s.compensationTimeout, `${where}: compensation timeout of step "${s.name}"`),
      group: s.group,
      retry: stepRetry(s, where),
    } as StepDefinition;
  });

  const groups = new Map<string, string[]>();
  for (const s of steps) if (s.group) groups.set(s.group, [...(groups.get(s.group) ?? []), s.name]);

  const handlers = new Map<string, HandlerMetadata>();
  for (const h of meta.handlers) {
    const taken = handlers.get(h.messageType.name);
    if (taken) {
      throw new DefinitionError(
        `${where}: methods ${taken.method} and ${h.method} both handle ${h.messageType.name}`,
      );
    }
    if (options.catalog && !options.catalog.find(h.messageType.name)) {
      throw new DefinitionError(
        `${where}: method ${h.method} handles ${h.messageType.name}, which no topic of this service carries (it is not in the service's message catalog)`,
      );
    }
    handlers.set(h.messageType.name, h);
  }
  const starters = meta.handlers.filter((h) => h.starter);
  if (starters.length === 0)
    throw new DefinitionError(
      `${where}: no method is decorated with @StartSaga, so no instance could ever start`,
    );
  for (const m of meta.endMethods) {
    if (!meta.handlers.some((h) => h.method === m)) {
      throw new DefinitionError(
        `${where}: method ${m} has @EndSaga but handles no message (add @SagaEventHandler)`,
      );
    }
  }
  if (meta.endMethods.size === 0) {
    throw new DefinitionError(`${where}: no handler has @EndSaga, so an instance could never complete`);
  }
  const proto = (sagaClass as unknown as { prototype: Record<string, unknown> }).prototype;
  for (const [deadline, method] of meta.deadlineHandlers) {
    if (typeof proto[method] !== 'function')
      throw new DefinitionError(
        `${where}: @OnDeadline("${deadline}") is on ${method}, which is not a method`,
      );
  }
  if (options.catalog) {
    for (const s of steps) {
      for (const c of [s.command, s.compensation]) {
        if (c && !options.catalog.find(c.command.name)) {
          throw new DefinitionError(
            `${where}: step "${s.name}" sends ${c.command.name}, which is not in the service's message catalog`,
          );
        }
      }
    }
  }
  const attempts = o.retry?.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new DefinitionError(`${where}: retry.attempts must be an integer ≥ 1; got ${attempts}`);
  const compensationAttempts = o.compensationAttempts ?? 3;
  if (!Number.isInteger(compensationAttempts) || compensationAttempts < 1) {
    throw new DefinitionError(
      `${where}: compensationAttempts must be an integer ≥ 1; got ${compensationAttempts}`,
    );
  }
  return Object.freeze({
    type: o.type,
    version: o.version,
    className: name,
    timeoutMs,
    pivotTimeoutMs,
    retry: Object.freeze({
      attempts,
      initialBackoffMs:
        o.retry?.initialBackoff === undefined
          ? 100
          : toMilliseconds(o.retry.initialBackoff, `${where}: retry.initialBackoff`),
      maxBackoffMs:
        o.retry?.maxBackoff === undefined
          ? 5_000
          : toMilliseconds(o.retry.maxBackoff, `${where}: retry.maxBackoff`),
    }),
    compensationAttempts,
    steps: Object.freeze(steps.map((s) => Object.freeze(s))),
    groups: new Map([...groups].map(([g, m]) => [g, Object.freeze(m)] as const)),
    handlers,
    endMethods: new Set(meta.endMethods),
    deadlineHandlers: new Map(meta.deadlineHandlers),
  });
}

function stepRetry<S>(s: StepDeclaration<S>, where: string): StepRetryPolicy | undefined {
  if (s.retry === undefined) return undefined;
  const at = `${where}: retry of step "${s.name}"`;
  const { attempts } = s.retry;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new DefinitionError(
      `${at}: attempts must be an integer ≥ 1 (sends in all, the first included); got ${JSON.stringify(attempts)}`,
    );
  }
  const backoffMs = s.retry.backoff === undefined ? 1_000 : toMilliseconds(s.retry.backoff, `${at}: backoff`);
  const maxBackoffMs =
    s.retry.maxBackoff === undefined ? 30_000 : toMilliseconds(s.retry.maxBackoff, `${at}: maxBackoff`);
  if (maxBackoffMs < backoffMs) {
    throw new DefinitionError(
      `${at}: maxBackoff (${maxBackoffMs} ms) cannot be less than its backoff (${backoffMs} ms)`,
    );
  }
  return Object.freeze({ attempts, backoffMs, maxBackoffMs });
}

/** Every message type a definition handles or sends. */
export function messageTypesOf(definition: SagaDefinition): MessageType[] {
  const types = new Map<string, MessageType>();
  for (const h of definition.handlers.values()) types.set(h.messageType.name, h.messageType);
  for (const s of definition.steps) {
    types.set(s.command.command.name, s.command.command);
    if (s.compensation) types.set(s.compensation.command.name, s.compensation.command);
  }
  return [...types.values()];
}

/** The document `sagaflow.definitions` carries for this saga type. */
export function describeSaga(definition: SagaDefinition): SagaDefinitionDocument {
  return {
    kind: 'saga',
    sagaType: definition.type,
    version: definition.version,
    timeoutMs: definition.timeoutMs ?? null,
    steps: definition.steps.map((s) => ({
      name: s.name,
      command: s.command.command.name,
      commandTopic: s.command.command.topic,
      compensation: s.compensation?.command.name ?? null,
      compensationTopic: s.compensation?.command.topic ?? null,
      withoutCompensationReason: s.withoutCompensationReason ?? null,
      timeoutMs: s.timeoutMs ?? null,
      group: s.group ?? null,
      retry: s.retry ? { ...s.retry } : null,
    })),
    groups: [...definition.groups].map(([name, members]) => ({ name, steps: [...members] })),
    handles: [...definition.handlers.values()].map((h) => ({
      messageType: h.messageType.name,
      topic: h.messageType.topic,
      method: h.method,
      starter: h.starter,
      ends: definition.endMethods.has(h.method),
    })),
  };
}
