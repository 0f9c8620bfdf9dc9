import type { PoolClient } from 'pg';

// The errors our database client raised, so a handler that lets one through is not blamed for it.
const raised = new WeakSet<object>();

/**
 * The transaction's client as consumers and handlers get it: the same connection, whose query errors are
 * remembered as raised by the database client. A handler's own calls (HTTP, other clients) can fail with
 * the same socket codes (ECONNREFUSED); only this tells the two apart (docs/decisions/0073).
 */
export function markingDatabaseErrors(client: PoolClient): PoolClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') return (...args: unknown[]) => query(target, args);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Whether `error` was raised by a client made by {@link markingDatabaseErrors}. */
export function raisedByDatabaseClient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && raised.has(error);
}

function query(target: PoolClient, args: unknown[]): unknown {
  const callback = args.at(-1);
  if (typeof callback === 'function') {
    args[args.length - 1] = (error: unknown, result: unknown) => {
      mark(error);
      return (callback as (e: unknown, r: unknown) => unknown)(error, result);
    };
  }
  let result: unknown;
  try {
    result = (target.query as (...a: unknown[]) => unknown)(...args);
  } catch (error) {
    mark(error);
    throw error;
  }
  // a Submittable (cursor, stream) reports its errors itself; a promise is marked when it rejects
  if (result instanceof Promise)
    return result.catch((error: unknown) => {
      mark(error);
      throw error;
    });
  return result;
}

function mark(error: unknown): void {
  if (typeof error === 'object' && error !== null) raised.add(error);
}
