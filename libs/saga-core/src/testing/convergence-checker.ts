import fc from 'fast-check';
import type { MessageType } from '@sagaflow/outbox-relay';
import { buildSagaDefinition, type SagaDefinition } from '../declaration/saga-definition';
import { SagaEngine, type SagaEngineOptions } from '../engine/saga-engine';
import { terminalStatuses, type SagaInstance } from '../engine/saga-instance';
import type { SagaOutcome } from '../engine/saga-outcome';

/* eslint-disable @typescript-eslint/no-explicit-any -- message payloads are the user's types */

/** A message in flight in the simulation. */
interface Envelope {
  id: string;
  type: MessageType<any>;
  payload: unknown;
}

/**
 * A model of a service that handles commands: a pure function of the world. It is run behind a
 * simulated inbox, so a redelivered command is not applied twice; a re-sent command (a new message) is,
 * which is exactly what real idempotence must absorb.
 */
export interface SimulatedParticipant<W> {
  /** The command type it handles. */
  handles: MessageType<any>;
  /** Outcomes the checker may choose for each delivery (e.g. `['ok', 'declined']`); default `['ok']`. */
  outcomes?: readonly string[];
  /** Returns the next world and the replies; must not mutate `world`. */
  handle(command: any, world: W, outcome: string): { world: W; replies?: Array<[MessageType<any>, unknown]> };
}

/** What {@link checkConvergence} explores. */
export interface ConvergenceSpec<W> {
  /** The saga class under test. */
  saga: abstract new (...args: never[]) => unknown;
  /** The saga object (default `new saga()`). */
  sagaObject?: object;
  /** The messages that start sagas (one saga each, distinct correlation keys). */
  starts: ReadonlyArray<[MessageType<any>, unknown]>;
  participants: ReadonlyArray<SimulatedParticipant<W>>;
  /** The world the participants act on (e.g. stock and balances). */
  world: W;
  /** The user's invariants over the final world and instances; throw or return false when one breaks. */
  invariants?: ReadonlyArray<(world: W, instances: ReadonlyArray<SagaInstance>) => boolean | void>;
  /** fast-check runs (default 200). */
  runs?: number;
  /** Actions per run before the drain (default 40). */
  maxActions?: number;
  /** Fixed seed, to reproduce a failure. */
  seed?: number;
  /**
   * Whether a participant may leave a command unanswered for good (it dead-lettered it: never applied,
   * never answered), default true. Every saga must still end terminal: one that can stay RUNNING forever
   * (e.g. a step with no timeout and no saga timeout) is reported. In a run where a command went
   * unanswered and a saga ended FAILED, the invariants are not checked: FAILED means an operator must act.
   */
  unansweredCommands?: boolean;
}

type Action =
  | { kind: 'deliver'; pick: number; outcome: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'crash'; pick: number }
  | { kind: 'unanswered'; pick: number }
  | { kind: 'tick'; ms: number };

type Weighted = { weight: number; arbitrary: fc.Arbitrary<Action> };

const baseActions: Weighted[] = [
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(50), outcome: fc.nat(10) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), pick: fc.nat(50) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 100, max: 40_000 }) }),
  },
];
const unansweredArb: Weighted = {
  weight: 1,
  arbitrary: fc.record({ kind: fc.constant('unanswered' as const), pick: fc.nat(50) }),
};

function actionsOf(unanswered: boolean): fc.Arbitrary<Action> {
  return fc.oneof(...(unanswered ? [...baseActions, unansweredArb] : baseActions));
}

/**
 * Property-checks a saga against the runtime's delivery semantics: messages of one key arrive in order
 * (the replies of a parallel group come from several topics, so they interleave in every order, also after
 * the group failed), a timed-out step's re-send carries its first message-id (a participant that had it
 * does nothing), keys a saga associates correlate later messages until it ends
 * but keys and topics interleave arbitrarily, every message may be delivered again, a handler may
 * crash before its transaction commits (the message comes back), a participant may dead-letter a command
 * (never applied, never answered), time jumps fire deadlines, and participants pick any of their
 * outcomes. After the drain it asserts DESIGN.md's guarantees — every saga terminal (one left RUNNING
 * with nothing in flight and no deadline pending could stay so forever); each completed step compensated once, never before a step that completed after it (a reply
 * that lands while an earlier step's compensation is already in flight is undone right after it); a
 * redelivered message changes nothing — and the user's invariants. On failure it throws with the
 * shrunk counter-example as a readable trace.
 */
export function checkConvergence<W>(spec: ConvergenceSpec<W>): void {
  checkConvergenceOf(spec, (definition, saga, options) => new SagaEngine(definition, saga, options));
}

/** Builds the engine a run explores; the checker's own tests pass a variant (e.g. an earlier rule). */
export type EngineFactory = (
  definition: SagaDefinition,
  saga: object,
  options: SagaEngineOptions,
) => SagaEngine;

/** {@link checkConvergence} on the engine `engineOf` builds. Internal: not exported from `testing`. */
export function checkConvergenceOf<W>(spec: ConvergenceSpec<W>, engineOf: EngineFactory): void {
  const definition = buildSagaDefinition(spec.saga);
  const saga = spec.sagaObject ?? new (spec.saga as unknown as new () => object)();
  const byCommand = new Map(spec.participants.map((p) => [p.handles.name, p]));
  const actionArb = actionsOf(spec.unansweredCommands ?? true);
  const details = fc.check(
    fc.property(fc.array(actionArb, { maxLength: spec.maxActions ?? 40 }), (actions) => {
      runOnce(
        spec,
        engineOf(definition, saga, { newId: counter('saga'), newMessageId: counter('cmd') }),
        byCommand,
        actions,
      );
    }),
    { numRuns: spec.runs ?? 200, seed: spec.seed },
  );
  if (details.failed) {
    const inner =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `checkConvergence: saga ${definition.className} breaks a guarantee (run ${details.numRuns}, shrunk ${details.numShrinks} times; ` +
        `reproduce with seed: ${details.seed}):\n${inner}`,
      { cause: details.errorInstance },
    );
  }
}

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

function runOnce<W>(
  spec: ConvergenceSpec<W>,
  engine: SagaEngine,
  participants: Map<string, SimulatedParticipant<W>>,
  actions: Action[],
): void {
  const trace: string[] = [];
  const nextId = counter('m');
  const undoable = new Set(engine.definition.steps.filter((s) => s.compensation).map((s) => s.name));
  let world = structuredClone(spec.world);
  let now = new Date('2026-01-01T00:00:00Z').getTime();
  const instances = new Map<string, SagaInstance>();
  const deadlines = new Map<string, Map<string, number>>();
  const transitions = new Map<string, StepEvent[]>();
  const compensationOf = new Map(
    engine.definition.steps.filter((s) => s.compensation).map((s) => [s.compensation!.command.name, s.name]),
  );
  const commandOf = new Map(engine.definition.steps.map((s) => [s.command.command.name, s.name]));
  const inbox = new Set<string>();
  const delivered: Envelope[] = [];
  // per-key FIFO queues: Kafka keeps one key's order within its topic
  const queues = new Map<string, Envelope[]>();
  /** Associated key → the instance's correlation key (removed when the saga ends, as the runtime does). */
  const associated = new Map<string, string>();
  const find = (key: string) => instances.get(key) ?? instances.get(associated.get(key) ?? '');
  // a step's re-sent command keeps its message-id, so a participant that had it finds it in its inbox
  const enqueue = (type: MessageType<any>, payload: unknown, messageId?: string) => {
    const e: Envelope = { id: messageId ?? nextId(), type, payload };
    const q = `${type.topic}|${type.key(payload)}`;
    queues.set(q, [...(queues.get(q) ?? []), e]);
  };
  const heads = () => [...queues.entries()].filter(([, q]) => q.length > 0).map(([k]) => k);
  const fail = (why: string): never => {
    throw new Error(`${why}\n  trace:\n    ${trace.join('\n    ')}`);
  };

  const applyOutcome = (o: SagaOutcome) => {
    if (o.missingInstance?.policy === 'fault') fail(`missing instance: ${o.missingInstance.reason}`);
    for (const m of o.send) enqueue(m.type, m.payload, m.messageId);
    const i = o.instance;
    if (!i) return;
    instances.set(i.correlationKey, i);
    for (const key of o.associate ?? []) {
      const owner = associated.get(key) ?? (instances.has(key) && key !== i.correlationKey ? key : undefined);
      if (owner !== undefined && owner !== i.correlationKey)
        fail(`saga ${i.correlationKey} associates ${key}, which instance ${owner} already answers to`);
      associated.set(key, i.correlationKey);
    }
    if (o.dissociateAll)
      for (const [key, owner] of associated) if (owner === i.correlationKey) associated.delete(key);
    const events: StepEvent[] = [];
    for (const t of o.lifecycle) {
      if (t.step && t.transition === 'StepCompleted') events.push({ kind: 'completed', step: t.step });
      if (t.step && t.transition === 'StepCompensated') events.push({ kind: 'compensated', step: t.step });
      if (t.group && t.transition === 'GroupJoined') events.push({ kind: 'joined', step: t.group });
    }
    for (const m of o.send) {
      const step = compensationOf.get(m.type.name);
      if (step) events.push({ kind: 'compensationSent', step });
      const forward = commandOf.get(m.type.name);
      if (forward && !m.resend) events.push({ kind: 'sent', step: forward });
    }
    transitions.set(i.id, [...(transitions.get(i.id) ?? []), ...events]);
    const map = deadlines.get(i.id) ?? new Map<string, number>();
    for (const n of o.cancel) map.delete(n);
    for (const d of o.schedule) map.set(d.name, d.dueAt.getTime());
    deadlines.set(i.id, map);
  };

  /** Handles one envelope as the runtime would: inbox first, then the participant model or the engine. */
  const handle = (e: Envelope, outcomeChoice: number, commit: boolean): void => {
    const consumer = participants.has(e.type.name) ? `participant:${e.type.name}` : 'saga';
    if (inbox.has(`${consumer}|${e.id}`)) {
      trace.push(`redeliver ${e.type.name}#${e.id} → inbox hit, nothing applied`);
      return;
    }
    const headers = {
      messageId: e.id,
      messageType: e.type.name,
      correlationId: `corr-${e.type.key(e.payload)}`,
      source: 'convergence-checker',
      occurredAt: new Date(now).toISOString(),
      contentType: 'application/json',
    };
    const participant = participants.get(e.type.name);
    if (participant) {
      const options = participant.outcomes ?? ['ok'];
      const choice = options[outcomeChoice % options.length]!;
      const result = participant.handle(structuredClone(e.payload), structuredClone(world), choice);
      trace.push(`${commit ? '' : 'CRASH before commit: '}${e.type.name}#${e.id} → participant (${choice})`);
      if (!commit) return;
      inbox.add(`${consumer}|${e.id}`);
      world = result.world;
      for (const [t, p] of result.replies ?? []) enqueue(t, p);
      return;
    }
    if (!engine.handles(e.type.name)) {
      trace.push(`${e.type.name}#${e.id} → nobody handles it (dropped from the simulation)`);
      return;
    }
    const message = { type: e.type.name, payload: e.payload, headers };
    const key = engine.correlationKey(message);
    const outcome = engine.handleMessage(find(key), message, new Date(now));
    trace.push(
      `${commit ? '' : 'CRASH before commit: '}${e.type.name}#${e.id} → saga ${key}${outcome.ignored ? ` (ignored: ${outcome.ignored.reason})` : ''}`,
    );
    if (!commit) return;
    inbox.add(`${consumer}|${e.id}`);
    applyOutcome(outcome);
  };

  let unanswered = 0;
  /** A participant dead-letters the command at the head of a queue: never applied, never answered. */
  const leaveUnanswered = (pick: number) => {
    const keys = heads().filter((k) => participants.has(queues.get(k)![0]!.type.name));
    if (keys.length === 0) return;
    const e = queues.get(keys[pick % keys.length]!)!.shift()!;
    unanswered++;
    trace.push(`${e.type.name}#${e.id} → dead-lettered by its participant: never applied, never answered`);
  };

  const deliver = (pick: number, outcome: number, commit: boolean) => {
    const keys = heads();
    if (keys.length === 0) return;
    const q = queues.get(keys[pick % keys.length]!)!;
    const e = q[0]!;
    handle(e, outcome, commit);
    if (commit) {
      q.shift();
      delivered.push(e);
    }
  };

  const fireDue = (until: number) => {
    for (;;) {
      let best: { sagaId: string; name: string; due: number } | undefined;
      for (const [sagaId, map] of deadlines)
        for (const [name, due] of map)
          if (due <= until && (!best || due < best.due)) best = { sagaId, name, due };
      if (!best) return;
      now = Math.max(now, best.due);
      deadlines.get(best.sagaId)!.delete(best.name);
      const instance = [...instances.values()].find((i) => i.id === best!.sagaId)!;
      trace.push(
        `t+${now - Date.parse('2026-01-01T00:00:00Z')}ms deadline ${best.name} of ${instance.correlationKey}`,
      );
      applyOutcome(
        engine.handleDeadline(
          instance,
          { sagaId: best.sagaId, name: best.name, dueAt: new Date(best.due) },
          new Date(now),
        ),
      );
    }
  };

  for (const [t, p] of spec.starts) enqueue(t, p);
  for (const a of actions) {
    if (a.kind === 'deliver') deliver(a.pick, a.outcome, true);
    else if (a.kind === 'crash') deliver(a.pick, 0, false);
    else if (a.kind === 'unanswered') leaveUnanswered(a.pick);
    else if (a.kind === 'duplicate' && delivered.length > 0) {
      const before = JSON.stringify([[...instances.values()], world]);
      handle(delivered[a.pick % delivered.length]!, 0, true);
      if (JSON.stringify([[...instances.values()], world]) !== before)
        fail('a redelivered message changed state');
    } else if (a.kind === 'tick') {
      trace.push(`advance ${a.ms} ms`);
      fireDue(now + a.ms);
      now += a.ms;
    }
  }
  // drain: deliver everything in order, let time pass until nothing is due
  for (let round = 0; round < 10_000; round++) {
    if (heads().length > 0) deliver(0, 0, true);
    else {
      const next = Math.min(...[...deadlines.values()].flatMap((m) => [...m.values()]));
      if (!Number.isFinite(next)) break;
      fireDue(next);
    }
  }

  if (instances.size !== spec.starts.length)
    fail(`${spec.starts.length} sagas started but ${instances.size} instances exist`);
  for (const i of instances.values()) {
    if (!terminalStatuses.has(i.status)) {
      const waits = Object.entries(i.steps)
        .filter(([, s]) => s.status === 'STARTED' || s.status === 'COMPENSATING')
        .map(([name, s]) => `${name} ${s.status}`);
      fail(
        `saga ${i.correlationKey} did not converge: it is ${i.status}${waits.length ? ` (${waits.join(', ')})` : ''} ` +
          `with no message in flight and no deadline pending: it can stay ${i.status} forever`,
      );
    }
    checkCompensationOrder(i, transitions.get(i.id) ?? [], undoable, fail);
    checkJoins(i, transitions.get(i.id) ?? [], engine.definition, fail);
  }
  // a FAILED saga after an unanswered command is surfaced for an operator: the world may be half done
  const surfaced = unanswered > 0 && [...instances.values()].some((i) => i.status === 'FAILED');
  for (const inv of surfaced ? [] : (spec.invariants ?? [])) {
    let ok: boolean | void = undefined;
    try {
      ok = inv(world, [...instances.values()]);
    } catch (error) {
      fail(`invariant broke: ${(error as Error).message}`);
    }
    if (ok === false) fail(`invariant ${inv.name || '(anonymous)'} returned false`);
  }
}

/** What happened to one step, in order: the facts the compensation rules are checked on. */
interface StepEvent {
  kind: 'sent' | 'completed' | 'compensationSent' | 'compensated' | 'joined';
  /** The step; for `joined`, the group. */
  step: string;
}

/**
 * Each step compensated at most once and only if it completed; a compensation is never sent while a
 * step that completed after it is still not undone (reverse order); and in a Compensated saga every
 * completed step that has a compensation was compensated.
 */
function checkCompensationOrder(
  i: SagaInstance,
  log: StepEvent[],
  undoable: ReadonlySet<string>,
  fail: (why: string) => never,
): void {
  const completed: string[] = [];
  const compensated = new Set<string>();
  const sent = new Set<string>();
  for (const e of log) {
    if (e.kind === 'completed') completed.push(e.step);
    const at = completed.lastIndexOf(e.step);
    if (e.kind === 'compensationSent') {
      if (at < 0)
        fail(`saga ${i.correlationKey}: compensation of ${e.step} sent but the step never completed`);
      // a re-send of a compensation already in flight is a retry, not a new choice of order
      if (sent.has(e.step)) continue;
      sent.add(e.step);
      for (const later of completed.slice(at + 1)) {
        if (undoable.has(later) && !compensated.has(later)) {
          fail(
            `saga ${i.correlationKey}: compensation of ${e.step} sent before ${later}, which completed after it, was undone`,
          );
        }
      }
    }
    if (e.kind === 'compensated') {
      if (compensated.has(e.step)) fail(`saga ${i.correlationKey}: step ${e.step} compensated twice`);
      if (at < 0) fail(`saga ${i.correlationKey}: step ${e.step} compensated but never completed`);
      compensated.add(e.step);
    }
  }
  if (i.status === 'COMPENSATED') {
    for (const step of completed) {
      if (undoable.has(step) && !compensated.has(step))
        fail(`saga ${i.correlationKey} ended Compensated but step ${step} was never compensated`);
    }
  }
}

/**
 * Parallel groups: a group joins only when every step of it completed, and no step declared after a
 * started group is sent before the group joined.
 */
function checkJoins(
  i: SagaInstance,
  log: StepEvent[],
  definition: SagaDefinition,
  fail: (why: string) => never,
): void {
  const order = definition.steps.map((s) => s.name);
  const groupOf = new Map(definition.steps.map((s) => [s.name, s.group]));
  const completed = new Set<string>();
  const started = new Set<string>();
  const joined = new Set<string>();
  for (const e of log) {
    if (e.kind === 'completed') completed.add(e.step);
    if (e.kind === 'sent') {
      const g = groupOf.get(e.step);
      if (g) started.add(g);
      for (const [group, members] of definition.groups) {
        if (group === g || !started.has(group) || joined.has(group)) continue;
        if (order.indexOf(members[0]!) < order.indexOf(e.step)) {
          fail(`saga ${i.correlationKey}: step ${e.step} was sent before parallel group ${group} joined`);
        }
      }
    }
    if (e.kind === 'joined') {
      const open = definition.groups.get(e.step)!.filter((m) => !completed.has(m));
      if (open.length > 0)
        fail(`saga ${i.correlationKey}: group ${e.step} joined while ${open.join(', ')} had not completed`);
      joined.add(e.step);
    }
  }
}
