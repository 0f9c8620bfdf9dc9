import { SagaflowError } from '@sagaflow/outbox-relay';

// Codes that mean the same message will fail the same way however often it is tried.
const permanent = new Set([
  'MESSAGE_INVALID',
  'CODEC_FAILED',
  'UNKNOWN_MESSAGE_TYPE',
  'DEFINITION_INVALID',
  'CONFIG_INVALID',
]);
// Codes that mean a part the service depends on is away: waited out, not counted against the message.
const outage = new Set(['DATABASE_UNAVAILABLE', 'BROKER_UNAVAILABLE', 'REGISTRY_UNAVAILABLE']);

/**
 * Where an error was raised, which decides its class (docs/decisions/0073):
 * - `sagaflow`: Sagaflow's own code and database client (connect, begin, inbox, load, writes, commit, and
 *   the statements a handler runs on the transaction's client): connection, resource and server-state
 *   errors there mean the service's database is away;
 * - `handler`: the user's handler code (its own HTTP calls, other clients): its errors are its failures,
 *   whatever their code, unless rolling its transaction back showed that our connection is gone.
 */
export type ErrorSource = { from: 'sagaflow' } | { from: 'handler'; connectionLost: boolean };

const ours: ErrorSource = { from: 'sagaflow' };

/**
 * Puts any error into the Sagaflow error family, so retry and dead-lettering decide from `code` and
 * `retriable` alone. From our own database client, a lost or refused connection, a server out of
 * resources (53xxx: too many connections, disk full), shutting down (57P01-03) or read-only after a
 * failover (25006) is DATABASE_UNAVAILABLE, waited out; serialization failures and deadlocks are
 * CONCURRENCY_CONFLICT. What a user handler threw is HANDLER_FAILED (retriable: it may be transient, and
 * attempts are bounded), even when it carries a socket code like ECONNREFUSED from the handler's own call.
 * @param origin who failed, for the message: `Saga OrderFulfilment`, `Class.method`, `batch transaction`.
 */
export function toSagaflowError(error: unknown, origin: string, source: ErrorSource = ours): SagaflowError {
  if (error instanceof SagaflowError) return error;
  const message = messageOf(error);
  if (source.from === 'handler') {
    if (source.connectionLost) return unavailable(origin, message, error);
    return handlerFailed(origin, message, error);
  }
  if (isDatabaseUnavailable(error)) return unavailable(origin, message, error);
  const code = codeOf(error);
  if (code === '40001' || code === '40P01') {
    return new SagaflowError('CONCURRENCY_CONFLICT', `${origin}: ${message}`, {
      retriable: true,
      cause: error,
    });
  }
  return handlerFailed(origin, message, error);
}

/**
 * Whether an error raised by our database client (pg, pg-pool) means the database cannot be used now:
 * the connection was refused, reset, timed out or terminated; the server is out of resources, shutting
 * down, starting up or read-only.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code) {
    if (/^(08|53)/.test(code)) return true;
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '25006') return true;
    if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(code))
      return true;
  }
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    messageOf(error),
  );
}

/** Whether retrying the same message cannot help (invalid, undecodable, unknown type): dead-letter at once. */
export function isPermanent(error: SagaflowError): boolean {
  return permanent.has(error.code) || !error.retriable;
}

/** Whether the error is a dependency outage: retried until it ends, not counted as an attempt. */
export function isOutage(error: SagaflowError): boolean {
  return outage.has(error.code);
}

function unavailable(origin: string, message: string, cause: unknown): SagaflowError {
  return new SagaflowError('DATABASE_UNAVAILABLE', `${origin}: database unavailable: ${message}`, {
    retriable: true,
    cause,
  });
}

function handlerFailed(origin: string, message: string, cause: unknown): SagaflowError {
  return new SagaflowError('HANDLER_FAILED', `${origin} failed: ${message}`, { retriable: true, cause });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
