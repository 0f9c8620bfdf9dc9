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
 * Puts any error into the Sagaflow error family, so retry and dead-lettering decide from `code` and
 * `retriable` alone. Lost database connections become DATABASE_UNAVAILABLE; serialization failures and
 * deadlocks CONCURRENCY_CONFLICT; anything else a user handler threw HANDLER_FAILED (retriable: it may be
 * transient, and attempts are bounded).
 */
export function toSagaflowError(error: unknown, origin: string): SagaflowError {
  if (error instanceof SagaflowError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (
    code &&
    (/^08/.test(code) ||
      code === '57P01' ||
      code === '57P02' ||
      code === '57P03' ||
      /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT)$/.test(code))
  ) {
    return new SagaflowError('DATABASE_UNAVAILABLE', `${origin}: database unavailable: ${message}`, {
      retriable: true,
      cause: error,
    });
  }
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)) {
    return new SagaflowError('DATABASE_UNAVAILABLE', `${origin}: database unavailable: ${message}`, {
      retriable: true,
      cause: error,
    });
  }
  if (code === '40001' || code === '40P01') {
    return new SagaflowError('CONCURRENCY_CONFLICT', `${origin}: ${message}`, {
      retriable: true,
      cause: error,
    });
  }
  return new SagaflowError('HANDLER_FAILED', `${origin} failed: ${message}`, {
    retriable: true,
    cause: error,
  });
}

/** Whether retrying the same message cannot help (invalid, undecodable, unknown type): dead-letter at once. */
export function isPermanent(error: SagaflowError): boolean {
  return permanent.has(error.code) || !error.retriable;
}

/** Whether the error is a dependency outage: retried until it ends, not counted as an attempt. */
export function isOutage(error: SagaflowError): boolean {
  return outage.has(error.code);
}
