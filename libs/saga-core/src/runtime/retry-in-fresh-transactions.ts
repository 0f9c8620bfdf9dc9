import { setTimeout as sleep } from 'node:timers/promises';
import type { SagaflowError } from '@sagaflow/outbox-relay';
import { isOutage, isPermanent, toSagaflowError } from './classify-error';

/** Bounded retries with exponential backoff. */
export interface RetrySettings {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Why {@link retryInFreshTransactions} gave up. */
export class RetriesExhausted extends Error {
  constructor(
    readonly error: SagaflowError,
    readonly attempts: number,
  ) {
    super(error.message, { cause: error });
  }
}

/** Thrown when the runtime stops while a message waits for a retry; its offset is not committed. */
export class RetryAborted extends Error {
  constructor() {
    super('stopped while retrying');
  }
}

/** How {@link retryInFreshTransactions} reports and bounds its retries. */
export interface RetryHooks {
  signal: AbortSignal;
  onRetry: (error: SagaflowError, attempt: number, delayMs: number) => void;
  /**
   * With it, optimistic-concurrency conflicts are retried for this long after the first one, without
   * counting against `attempts` (docs/decisions/0074); without it, they count like any failure.
   */
  conflictTimeoutMs?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

/**
 * Calls `attempt` (which opens its own transaction each time) until it succeeds. Transient errors are
 * retried with backoff up to `attempts` in all; conflicts too, or, with `conflictTimeoutMs`, for that long
 * after the first conflict however many there are; permanent errors give up at once; outages (database,
 * broker, registry away) are waited out without counting, until `signal` aborts.
 * @throws RetriesExhausted with the last error and the attempts made.
 * @throws RetryAborted when `signal` aborts.
 */
export async function retryInFreshTransactions<T>(
  settings: RetrySettings,
  origin: string,
  attempt: (n: number) => Promise<T>,
  hooks: RetryHooks,
): Promise<T> {
  const now = hooks.now ?? Date.now;
  let counted = 0;
  let outages = 0;
  let conflicts = 0;
  let firstConflictAt = 0;
  for (;;) {
    if (hooks.signal.aborted) throw new RetryAborted();
    try {
      return await attempt(counted + conflicts + 1);
    } catch (raw) {
      const error = toSagaflowError(raw, origin);
      const timedConflict = hooks.conflictTimeoutMs !== undefined && error.code === 'CONCURRENCY_CONFLICT';
      if (isOutage(error)) outages++;
      else if (timedConflict) {
        // a conflict says only that another transaction was first: the message is fine, try it again
        if (conflicts++ === 0) firstConflictAt = now();
        else if (now() - firstConflictAt >= hooks.conflictTimeoutMs!)
          throw new RetriesExhausted(error, counted + conflicts);
      } else {
        counted++;
        if (isPermanent(error) || counted >= settings.attempts)
          throw new RetriesExhausted(error, counted + conflicts);
      }
      const n = isOutage(error) ? outages : timedConflict ? conflicts : counted;
      const delayMs = backoff(settings, n);
      hooks.onRetry(error, counted + conflicts, delayMs);
      try {
        await sleep(delayMs, undefined, { signal: hooks.signal });
      } catch {
        throw new RetryAborted();
      }
    }
  }
}

/** Exponential backoff with jitter: half fixed, half random, so retrying consumers spread out. */
export function backoff(settings: RetrySettings, failures: number): number {
  const base = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}
