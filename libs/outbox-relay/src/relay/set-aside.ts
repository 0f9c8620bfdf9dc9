import type { Pool } from 'pg';
import type { SagaflowError } from '../errors/sagaflow-error';

/** A row the relay could not publish, with the error that stopped it. */
export interface SetAsideMessage {
  id: string;
  messageId: string;
  topic: string;
  key: string;
  messageType: string;
  attempts: number;
  failedAt: Date;
  errorCode: string;
  errorMessage: string;
}

/** The first set-aside row of a held-back key. */
export interface SetAsideKey {
  topic: string;
  key: string;
  id: string;
}

/** The held-back keys, each with its first set-aside row (reads a tiny partial index). */
export async function readSetAsideKeys(db: Pool): Promise<SetAsideKey[]> {
  const result = await db.query<SetAsideKey>(/* sql */ `select topic, message_key as key, min(id)::text as id
       from sagaflow.outbox
      where failed_at is not null and published_at is null
      group by topic, message_key`);
  return result.rows;
}

/** Marks a row as set aside: it and every later row of its key wait until it is retried or removed. */
export async function setAsideRow(db: Pool, id: string, error: SagaflowError): Promise<void> {
  await db.query(
    /* sql */ `update sagaflow.outbox
       set failed_at = now(), attempts = attempts + 1, error_code = $2, error_message = $3
     where id = $1`,
    [id, error.code, error.message],
  );
}

/**
 * Makes set-aside rows eligible again (e.g. after the catalog learned their type); the last error stays
 * on the row until it is published. @returns how many rows were released.
 */
export async function retrySetAside(db: Pool): Promise<number> {
  const result = await db.query(
    /* sql */ `update sagaflow.outbox set failed_at = null where failed_at is not null and published_at is null`,
  );
  return result.rowCount ?? 0;
}

/** The rows currently set aside, oldest first: what an operator looks at when a key is stuck. */
export async function listSetAside(db: Pool, limit = 100): Promise<SetAsideMessage[]> {
  const result = await db.query<SetAsideMessage>(
    /* sql */ `select id, message_id as "messageId", topic, message_key as key, message_type as "messageType",
            attempts, failed_at as "failedAt", error_code as "errorCode", error_message as "errorMessage"
       from sagaflow.outbox
      where failed_at is not null and published_at is null
      order by id
      limit $1`,
    [limit],
  );
  return result.rows;
}
