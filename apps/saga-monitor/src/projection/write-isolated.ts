import type { PoolClient } from 'pg';
import type { TopicRoles } from '../kafka/monitored-topics';
import { planBatch, type BatchPlan } from './plan-batch';
import type { ProjectedMessage } from './projected-message';
import type { SagaRow } from './saga-row';
import { writePlan, type WrittenPlan } from './write-plan';

/** What {@link writeBatch} wrote: the plan as applied (unreadable records substituted) and its effects. */
export interface WrittenBatch extends WrittenPlan {
  plan: BatchPlan;
}

/**
 * Writes a batch's records inside the caller's transaction: the whole plan at once, set-based, and only
 * when PostgreSQL refuses some of it as data (a NUL character in a text or jsonb value, a value too
 * big) record by record under savepoints. A refused record is stored as unreadable (no payload, the
 * error in `decode_error`), so one bad record never wedges its partition and its neighbours are
 * applied as they would have been (docs/decisions/0043-one-bad-record-in-a-batch.md).
 * @param records one partition's records, in offset order, none applied before.
 */
export async function writeBatch(
  client: PoolClient,
  records: readonly ProjectedMessage[],
  roles: TopicRoles,
): Promise<WrittenBatch> {
  const plan = planBatch(records, roles);
  await client.query('savepoint whole_batch');
  try {
    const written = await writePlan(client, plan);
    await client.query('release savepoint whole_batch');
    return { ...written, plan };
  } catch (error) {
    if (!isRefusedData(error)) throw error;
    await client.query('rollback to savepoint whole_batch');
  }
  const parts: WrittenBatch[] = [];
  for (const r of records) parts.push(await writeOne(client, r, roles));
  return merge(parts);
}

async function writeOne(client: PoolClient, r: ProjectedMessage, roles: TopicRoles): Promise<WrittenBatch> {
  const plan = planBatch([r], roles);
  await client.query('savepoint one_record');
  let why: string;
  try {
    const written = await writePlan(client, plan);
    await client.query('release savepoint one_record');
    return { ...written, plan };
  } catch (error) {
    if (!isRefusedData(error)) throw error;
    await client.query('rollback to savepoint one_record');
    why = (error as Error).message;
  }
  const u = unreadable(r, why);
  const fallback = planBatch([u], roles);
  return { ...(await writePlan(client, fallback)), plan: fallback };
}

function merge(parts: WrittenBatch[]): WrittenBatch {
  const sagas = new Map<string, SagaRow>();
  for (const p of parts) for (const s of p.sagas) sagas.set(s.sagaId, s);
  return {
    plan: {
      messages: parts.flatMap((p) => p.plan.messages),
      transitions: parts.flatMap((p) => p.plan.transitions),
      deadLetters: parts.flatMap((p) => p.plan.deadLetters),
      definitions: parts.flatMap((p) => p.plan.definitions),
    },
    newTransitions: parts.flatMap((p) => p.newTransitions),
    sagas: [...sagas.values()],
  };
}

const clean = (s: string | null): string | null => (s === null ? null : s.replaceAll('\u0000', '\uFFFD'));

/**
 * A record PostgreSQL refused, reduced to what it surely accepts: its position, ids and headers with
 * every NUL replaced, no payload, and why it could not be stored. Kept, never dropped.
 */
export function unreadable(r: ProjectedMessage, why: string): ProjectedMessage {
  return {
    ...r,
    messageId: clean(r.messageId),
    messageType: clean(r.messageType),
    correlationId: clean(r.correlationId),
    causationId: clean(r.causationId),
    sagaType: clean(r.sagaType),
    source: clean(r.source),
    key: clean(r.key),
    contentType: clean(r.contentType),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [clean(k)!, clean(v)!])),
    payload: null,
    decodeError: clean(`PostgreSQL refused the record: ${why}`),
  };
}

/**
 * Whether PostgreSQL refused the values themselves (SQLSTATE class 22 "data exception", 54 "program
 * limit exceeded", a not-null or check violation): writing the same record again would fail again.
 */
export function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return code.startsWith('22') || code.startsWith('54') || code === '23502' || code === '23514';
}
