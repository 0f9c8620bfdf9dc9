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
  /**
   * With it, `DEFINITION_VERSION_GAP` (the instance runs a definition version this replica lacks) is
   * held, not counted against `attempts`: retried until `timeoutMs` after the first gap `since` remembers
   * for this message, then given up (docs/decisions/0069). Without it, a gap counts like any failure.
   */
  versionGap?: VersionGapHold;
}

/** How a message held for a version gap is bounded and released. */
export interface VersionGapHold {
  timeoutMs: number;
  /** When this message first met the gap on this replica (kept across redeliveries of it). */
  since: (now: number) => number;
  /** Aborted when the partition may be moving to another replica (a rebalance): the hold ends uncommitted. */
  release: AbortSignal;
}

/**
 * Calls `attempt` (which opens its own transaction each time) until it succeeds. Transient errors are
 * retried with backoff up to `attempts` in all; conflicts too, or, with `conflictTimeoutMs`, for that long
 * after the first conflict however many there are; with `versionGap`, a version gap is held the same way
 * (bounded by time from its first gap, ended uncommitted by a rebalance); permanent errors give up at
 * once; outages (database, broker, registry away) are waited out without counting, until `signal` aborts.
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
  let gaps = 0;
  let firstConflictAt = 0;
  for (;;) {
    if (hooks.signal.aborted) throw new RetryAborted();
    try {
      return await attempt(counted + conflicts + gaps + 1);
    } catch (raw) {
      const error = toSagaflowError(raw, origin);
      const timedConflict = hooks.conflictTimeoutMs !== undefined && error.code === 'CONCURRENCY_CONFLICT';
      const gap = hooks.versionGap !== undefined && error.code === 'DEFINITION_VERSION_GAP';
      if (isOutage(error)) outages++;
      else if (gap) {
        // another replica may have the version: let it take the partition, or wait for it to
        if (hooks.versionGap!.release.aborted) throw new RetryAborted();
        if (now() - hooks.versionGap!.since(now()) >= hooks.versionGap!.timeoutMs)
          throw new RetriesExhausted(error, counted + conflicts + ++gaps);
        gaps++;
      } else if (timedConflict) {
        // a conflict says only that another transaction was first: the message is fine, try it again
        if (conflicts++ === 0) firstConflictAt = now();
        else if (now() - firstConflictAt >= hooks.conflictTimeoutMs!)
          throw new RetriesExhausted(error, counted + conflicts);
      } else {
        counted++;
        if (isPermanent(error) || counted >= settings.attempts)
          throw new RetriesExhausted(error, counted + conflicts);
      }
      const n = isOutage(error) ? outages : timedConflict ? conflicts : gap ? gaps : counted;
      const delayMs = backoff(settings, n);
      hooks.onRetry(error, counted + conflicts + gaps, delayMs);
      const wake = gap ? AbortSignal.any([hooks.signal, hooks.versionGap!.release]) : hooks.signal;
      try {
        await sleep(delayMs, undefined, { signal: wake });
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
