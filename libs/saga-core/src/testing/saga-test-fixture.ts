import { newMessageId, type MessageHeaders, type MessageType } from '@sagaflow/outbox-relay';
import { toMilliseconds, type Duration } from '../declaration/duration';
import { buildSagaDefinition, type SagaDefinition } from '../declaration/saga-definition';
import { OperatorCommandName } from '../engine/operator-decisions';
import { SagaEngine } from '../engine/saga-engine';
import type { SagaInstance, SagaStatus } from '../engine/saga-instance';
import type { LifecycleTransition, OutgoingMessage, SagaOutcome } from '../engine/saga-outcome';

/** A message the fixture saw a saga send, with the instance that sent it. */
export interface SentMessage {
  sagaId: string;
  type: string;
  payload: unknown;
  /** The message-id a step's command carries (the same on its re-sends); undefined for other messages. */
  messageId?: string;
  /** Whether this is a re-send of a timed-out step's command. */
  resend?: boolean;
}

/** A lifecycle transition with the instance it belongs to. */
export interface RecordedTransition extends LifecycleTransition {
  sagaId: string;
}

/** Options of {@link SagaTestFixture}. */
export interface SagaTestFixtureOptions {
  /** The clock's start (default 2026-01-01T00:00:00Z). */
  start?: Date | string;
  /** The saga object (default `new SagaClass()`); pass one when the class takes constructor arguments. */
  saga?: object;
}

type SagaClass = abstract new (...args: never[]) => unknown;

/**
 * Runs one saga type in memory with a clock the test controls — no Kafka, no PostgreSQL, the same pure
 * engine the runtime uses. Feed it messages, advance time, and assert what was sent, the state, the status
 * and the lifecycle. Instances are found by correlation key or by any key they associated
 * (`ctx.associate`), as the runtime finds them; associations go when the saga ends.
 *
 * @example
 * const f = new SagaTestFixture(OrderFulfilment);
 * f.receive(OrderPlaced, { orderId: 'o1', ... });
 * f.receive(StockReserved, { orderId: 'o1', ... });
 * f.advanceTime('11s');                       // the payment step times out
 * expect(f.sentTypes()).toEqual(['inventory.ReserveStock', 'payment.ChargePayment', 'inventory.ReleaseStock']);
 * expect(f.status('o1')).toBe('COMPENSATING');
 */
export class SagaTestFixture {
  readonly definition: SagaDefinition;
  private readonly engine: SagaEngine;
  private readonly instances = new Map<string, SagaInstance>();
  /** Associated key → the instance's correlation key. */
  private readonly associated = new Map<string, string>();
  private readonly deadlines = new Map<string, Map<string, Date>>();
  private readonly sentLog: SentMessage[] = [];
  private readonly transitions: RecordedTransition[] = [];
  private clock: Date;
  private ids = 0;

  constructor(sagaClass: SagaClass, options: SagaTestFixtureOptions = {}) {
    this.definition = buildSagaDefinition(sagaClass);
    const saga = options.saga ?? new (sagaClass as unknown as new () => object)();
    this.engine = new SagaEngine(this.definition, saga, {
      newId: () => `saga-${++this.ids}`,
      newMessageId: () => newMessageId(this.clock.getTime()),
    });
    this.clock = new Date(options.start ?? '2026-01-01T00:00:00Z');
  }

  /** The fixture's current time. */
  get now(): Date {
    return new Date(this.clock);
  }

  /**
   * Delivers one message to the saga, as the runtime would (including the missing-instance policy).
   * @returns the engine's outcome; throws what the handler or engine throws.
   */
  receive<T>(type: MessageType<T>, payload: T, headers: Partial<MessageHeaders> = {}): SagaOutcome {
    type.validate(payload);
    const full: MessageHeaders = {
      messageId: newMessageId(this.clock.getTime()),
      messageType: type.name,
      correlationId: headers.correlationId ?? `corr-${type.key(payload)}`,
      source: 'saga-test-fixture',
      occurredAt: this.clock.toISOString(),
      contentType: 'application/json',
      ...headers,
    };
    const message = { type: type.name, payload, headers: full };
    const key = this.engine.correlationKey(message);
    const outcome = this.engine.handleMessage(this.find(key), message, this.now);
    this.apply(outcome);
    return outcome;
  }

  /**
   * Delivers an operator's `cancel` or `resume` (what the saga monitor sends, docs/decisions/0076) to the
   * instance of a correlation key, as the runtime would.
   * @returns the engine's outcome (`ignored` with why when the command has no effect).
   * @throws Error when no instance has that key.
   * @example f.operatorCommand('cancel', 'o1', { operator: 'alice', reason: 'customer called' });
   */
  operatorCommand(
    kind: 'cancel' | 'resume',
    correlationKey: string,
    by: { operator: string; reason: string },
  ): SagaOutcome {
    const i = this.find(correlationKey);
    if (!i) throw new Error(`SagaTestFixture: no ${this.definition.type} instance for key ${correlationKey}`);
    const actionId = newMessageId(this.clock.getTime());
    const payload = {
      actionId,
      sagaId: i.id,
      sagaType: i.type,
      operator: by.operator,
      reason: by.reason,
      requestedAt: this.clock.toISOString(),
    };
    const headers: MessageHeaders = {
      messageId: actionId,
      messageType: OperatorCommandName[kind],
      correlationId: i.correlationId,
      source: 'saga-test-fixture',
      occurredAt: this.clock.toISOString(),
      contentType: 'application/json',
      sagaType: i.type,
    };
    const message = { type: OperatorCommandName[kind], payload, headers };
    const outcome = this.engine.handleOperatorCommand(i, message, this.now);
    this.apply(outcome);
    return outcome;
  }

  /**
   * Moves the clock forward and fires every deadline that falls due, in due order (a deadline scheduled by
   * a fired one fires too if it is due before the new time).
   */
  advanceTime(by: Duration): SagaOutcome[] {
    const until = this.clock.getTime() + toMilliseconds(by, 'SagaTestFixture.advanceTime');
    const outcomes: SagaOutcome[] = [];
    for (;;) {
      const next = this.nextDue(until);
      if (!next) break;
      this.clock = next.dueAt;
      this.deadlines.get(next.sagaId)!.delete(next.name);
      const instance = [...this.instances.values()].find((i) => i.id === next.sagaId)!;
      const outcome = this.engine.handleDeadline(instance, next, this.now);
      this.apply(outcome);
      outcomes.push(outcome);
    }
    this.clock = new Date(until);
    return outcomes;
  }

  /** The instance of a correlation key (or of a key it associated), or undefined. */
  instance<S = unknown>(correlationKey: string): SagaInstance<S> | undefined {
    return this.find(correlationKey) as SagaInstance<S> | undefined;
  }

  /** The status of the instance of a correlation key (or of a key it associated). @throws when there is none */
  status(correlationKey: string): SagaStatus {
    const i = this.find(correlationKey);
    if (!i) throw new Error(`SagaTestFixture: no ${this.definition.type} instance for key ${correlationKey}`);
    return i.status;
  }

  /** Every message sent so far, in order. */
  sent(): readonly SentMessage[] {
    return this.sentLog;
  }

  /** The full names of every message sent so far, in order. */
  sentTypes(): string[] {
    return this.sentLog.map((m) => m.type);
  }

  /** Lifecycle transitions so far (of one instance when a key is given). */
  lifecycle(correlationKey?: string): RecordedTransition[] {
    if (correlationKey === undefined) return [...this.transitions];
    const id = this.instances.get(correlationKey)?.id;
    return this.transitions.filter((t) => t.sagaId === id);
  }

  /** Pending deadlines of an instance: name → due time. */
  scheduledDeadlines(correlationKey: string): Record<string, string> {
    const id = this.instances.get(correlationKey)?.id;
    const map = id ? this.deadlines.get(id) : undefined;
    return Object.fromEntries([...(map ?? new Map<string, Date>())].map(([n, d]) => [n, d.toISOString()]));
  }

  private apply(outcome: SagaOutcome): void {
    const i = outcome.instance;
    if (outcome.missingInstance?.policy === 'fault')
      throw new Error(`SagaTestFixture: ${outcome.missingInstance.reason}`);
    for (const m of outcome.send as OutgoingMessage[]) {
      const type: MessageType = m.type;
      type.validate(m.payload);
      this.sentLog.push({
        sagaId: i?.id ?? '(no instance)',
        type: m.type.name,
        payload: m.payload,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        ...(m.resend ? { resend: true } : {}),
      });
    }
    if (!i) return;
    this.instances.set(i.correlationKey, i);
    for (const key of outcome.associate ?? []) {
      const owner = this.associated.get(key);
      if (owner !== undefined && owner !== i.correlationKey)
        throw new Error(`SagaTestFixture: key ${key} is already associated with instance ${owner}`);
      this.associated.set(key, i.correlationKey);
    }
    if (outcome.dissociateAll)
      for (const [key, owner] of this.associated) if (owner === i.correlationKey) this.associated.delete(key);
    for (const t of outcome.lifecycle) this.transitions.push({ ...t, sagaId: i.id });
    const map = this.deadlines.get(i.id) ?? new Map<string, Date>();
    for (const name of outcome.cancel) map.delete(name);
    for (const d of outcome.schedule) map.set(d.name, d.dueAt);
    this.deadlines.set(i.id, map);
  }

  private find(key: string): SagaInstance | undefined {
    return this.instances.get(key) ?? this.instances.get(this.associated.get(key) ?? '');
  }

  private nextDue(until: number): { sagaId: string; name: string; dueAt: Date } | undefined {
    let best: { sagaId: string; name: string; dueAt: Date } | undefined;
    for (const [sagaId, map] of this.deadlines) {
      for (const [name, dueAt] of map) {
        if (dueAt.getTime() <= until && (!best || dueAt < best.dueAt)) best = { sagaId, name, dueAt };
      }
    }
    return best;
  }
}
