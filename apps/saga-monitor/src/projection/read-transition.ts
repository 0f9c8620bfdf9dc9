import type { SagaTransitionEvent, SagaTransitionsEvent } from '@sagaflow/saga-core';
import type { ProjectedMessage } from './projected-message';

/** A lifecycle transition as the projection applies it. */
export interface TransitionRecord {
  messageId: string;
  /**
   * Position of the transition in its record: 0 for a `SagaTransition`, the index in `transitions` for
   * a `SagaTransitions`. With the message id it identifies the transition, so a redelivery changes nothing.
   */
  entry: number;
  sagaId: string;
  sagaType: string;
  correlationId: string | null;
  correlationKey: string;
  definitionVersion: number;
  transition: SagaTransitionEvent['transition'];
  status: SagaTransitionEvent['status'];
  step: string | null;
  reason: string | null;
  /** ISO-8601. */
  at: string;
  instanceVersion: number;
  topic: string;
  partition: number;
  offset: string;
}

/** Message type of one record per transition (saga-core before decision 0040). */
export const singleTransitionType = 'sagaflow.SagaTransition';
/** Message type of one record per transaction and saga instance, carrying its transitions in order. */
export const transitionsType = 'sagaflow.SagaTransitions';

/** The transition names the monitor projects; a test holds them equal to saga-core's lifecycle schema. */
export const transitionNames: ReadonlySet<string> = new Set<string>([
  'Started',
  'StepCompleted',
  'Compensating',
  'StepCompensated',
  'Completed',
  'Compensated',
  'Failed',
  'TimedOut',
  'StepRetried',
  'GroupJoined',
]);
const transitions = transitionNames;
const statuses = new Set<string>(['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED']);

type Read = { ok: true; value: TransitionRecord[] } | { ok: false; error: string };
type Fields = Record<string, unknown>;

/**
 * Reads the transitions of a decoded lifecycle record: a `sagaflow.SagaTransitions` (every entry, in
 * order) or a `sagaflow.SagaTransition` already on the topic (one). The `message-type` header says which;
 * without it, the payload's shape does.
 * @returns the transitions, or why the record holds none (stored beside the record, never dropped).
 */
export function readTransitions(m: ProjectedMessage): Read {
  if (m.messageId === null) return { ok: false, error: 'lifecycle record without a message-id header' };
  const p = m.payload as Fields | null;
  if (p === null || typeof p !== 'object') return { ok: false, error: 'lifecycle record without a payload' };
  const many =
    m.messageType === transitionsType || (m.messageType !== singleTransitionType && 'transitions' in p);
  return many ? readMany(m, m.messageId, p) : readOne(m, m.messageId, p);
}

function readOne(m: ProjectedMessage, messageId: string, p: Fields): Read {
  const faults: string[] = [];
  const head = readHead(p, faults);
  const t = readEntry(p, faults);
  if (faults.length > 0) return { ok: false, error: notA(singleTransitionType, faults) };
  return { ok: true, value: [{ ...base(m, messageId, head), ...t, entry: 0 }] };
}

function readMany(m: ProjectedMessage, messageId: string, p: Fields): Read {
  const faults: string[] = [];
  const head = readHead(p, faults);
  const list = p.transitions;
  if (!Array.isArray(list) || list.length === 0) faults.push('transitions');
  const entries = (Array.isArray(list) ? list : []).map((e: unknown, i) => {
    const f: string[] = [];
    const t = readEntry(e !== null && typeof e === 'object' ? (e as Fields) : {}, f);
    faults.push(...f.map((name) => `transitions[${i}].${name}`));
    return t;
  });
  if (faults.length > 0) return { ok: false, error: notA(transitionsType, faults) };
  const b = base(m, messageId, head);
  return { ok: true, value: entries.map((t, entry) => ({ ...b, ...t, entry })) };
}

type Head = Pick<
  SagaTransitionsEvent,
  'sagaId' | 'sagaType' | 'correlationKey' | 'definitionVersion' | 'instanceVersion'
>;
type Entry = Pick<TransitionRecord, 'transition' | 'status' | 'step' | 'reason' | 'at'>;

function readHead(p: Fields, faults: string[]): Head {
  return {
    sagaId: str(p, 'sagaId', faults),
    sagaType: str(p, 'sagaType', faults),
    correlationKey: str(p, 'correlationKey', faults),
    definitionVersion: int(p, 'definitionVersion', faults),
    instanceVersion: int(p, 'instanceVersion', faults),
  };
}

function readEntry(p: Fields, faults: string[]): Entry {
  const transition = str(p, 'transition', faults);
  const status = str(p, 'status', faults);
  const at = str(p, 'at', faults);
  if (transition && !transitions.has(transition)) faults.push('transition');
  if (status && !statuses.has(status)) faults.push('status');
  const time = Date.parse(at);
  if (at && Number.isNaN(time)) faults.push('at');
  return {
    transition: transition as Entry['transition'],
    status: status as Entry['status'],
    step: typeof p.step === 'string' ? p.step : null,
    reason: typeof p.reason === 'string' ? p.reason : null,
    at: Number.isNaN(time) ? at : new Date(time).toISOString(),
  };
}

function base(m: ProjectedMessage, messageId: string, head: Head) {
  return {
    messageId,
    ...head,
    correlationId: m.correlationId,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
  };
}

function str(p: Fields, k: string, faults: string[]): string {
  const v = p[k];
  if (typeof v === 'string' && v !== '') return v;
  faults.push(k);
  return '';
}

function int(p: Fields, k: string, faults: string[]): number {
  const v = p[k];
  if (Number.isInteger(v)) return v as number;
  faults.push(k);
  return 0;
}

function notA(type: string, faults: string[]): string {
  return `not a ${type}: bad or missing ${[...new Set(faults)].join(', ')}`;
}
