import type { Pool } from 'pg';

/**
 * Routes to `onError` every error a connection of `pool` raises on its own — the database restarted,
 * the network was cut — instead of letting it crash the process. `pg` emits such an error on the
 * client: the pool listens only while the client is idle, so one checked out between two queries (a
 * handler running inside its transaction) had no listener, and Node threw it as uncaught. The client's
 * next query then fails and is retried as a database outage; the pool discards it when it is released.
 * @param onError called once per error with the line to log, the error, and whether the connection was in use.
 */
export function watchConnectionErrors(
  pool: Pool,
  onError: (message: string, error: Error, checkedOut: boolean) => void,
): void {
  const inUse = new WeakSet<object>();
  pool.on('acquire', (client) => inUse.add(client));
  pool.on('release', (_error, client) => inUse.delete(client));
  // an idle client's error reaches the pool's listener; the pool then discards the client
  pool.on('error', (error) => onError('idle database connection failed', error, false));
  pool.on('connect', (client) =>
    client.on('error', (error: Error) => {
      if (inUse.has(client)) onError('database connection lost while in use', error, true);
    }),
  );
}
