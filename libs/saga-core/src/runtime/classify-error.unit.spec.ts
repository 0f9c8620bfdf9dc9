import { ConcurrencyConflictError } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { isOutage, isPermanent, toSagaflowError, type ErrorSource } from './classify-error';

const sagaflow: ErrorSource = { from: 'sagaflow' };
const handler: ErrorSource = { from: 'handler', connectionLost: false };

/** A socket error as Node raises it (net.connect, http.request), whoever made the call. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, syscall: 'connect' });
}

/** A server error as pg raises it (a DatabaseError carries the SQLSTATE in `code`). */
function postgresError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

describe('toSagaflowError: an error is classed by where it came from', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])(
    "%s thrown by a handler's own call is the handler's failure, counted and dead-lettered",
    (code) => {
      const error = toSagaflowError(socketError(code), 'Shipping.ship', handler);
      expect(error.code).toBe('HANDLER_FAILED');
      expect(isOutage(error)).toBe(false);
      expect(isPermanent(error)).toBe(false);
      expect(error.message).toContain('Shipping.ship failed');
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])(
    '%s raised by our database client is a database outage, waited out',
    (code) => {
      const error = toSagaflowError(socketError(code), 'consuming transaction', sagaflow);
      expect(error.code).toBe('DATABASE_UNAVAILABLE');
      expect(isOutage(error)).toBe(true);
    },
  );

  it.each([
    ['53300', 'sorry, too many clients already'],
    ['53100', 'could not extend file: No space left on device'],
    ['53200', 'out of memory'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
  ])(
    'Postgres %s (%s) from our database client is a database outage, not a handler failure',
    (code, text) => {
      const error = toSagaflowError(postgresError(code, text), 'consuming transaction', sagaflow);
      expect(error.code).toBe('DATABASE_UNAVAILABLE');
      expect(isOutage(error)).toBe(true);
    },
  );

  it('a lost connection is recognised by its message too (pg raises plain errors for it)', () => {
    for (const text of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect'])
      expect(toSagaflowError(new Error(text), 'x', sagaflow).code).toBe('DATABASE_UNAVAILABLE');
  });

  it('a handler failure whose transaction could not be rolled back (the connection is gone) is an outage', () => {
    const error = toSagaflowError(new Error('could not save the charge'), 'Payments.charge', {
      from: 'handler',
      connectionLost: true,
    });
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('a Postgres-looking code thrown by handler code (another database of its own) stays its failure', () => {
    expect(toSagaflowError(postgresError('53300', 'too many clients'), 'h', handler).code).toBe(
      'HANDLER_FAILED',
    );
  });

  it('serialization failures and deadlocks of our statements are concurrency conflicts', () => {
    for (const code of ['40001', '40P01'])
      expect(toSagaflowError(postgresError(code, 'conflict'), 'x', sagaflow).code).toBe(
        'CONCURRENCY_CONFLICT',
      );
  });

  it('other errors of our statements are failures counted against the message', () => {
    const error = toSagaflowError(postgresError('23505', 'duplicate key'), 'x', sagaflow);
    expect(error.code).toBe('HANDLER_FAILED');
    expect(isOutage(error)).toBe(false);
  });

  it('a Sagaflow error keeps its class whatever its source', () => {
    const conflict = new ConcurrencyConflictError('changed by another transaction');
    expect(toSagaflowError(conflict, 'x', handler)).toBe(conflict);
    expect(toSagaflowError(conflict, 'x', sagaflow)).toBe(conflict);
  });
});
