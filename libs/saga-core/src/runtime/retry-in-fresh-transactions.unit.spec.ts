import { ConcurrencyConflictError, SagaflowError } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import {
  RetriesExhausted,
  RetryAborted,
  retryInFreshTransactions,
  type RetrySettings,
} from './retry-in-fresh-transactions';

// no pause between attempts: the clock of the conflict window is the test's
const settings: RetrySettings = { attempts: 5, initialBackoffMs: 0, maxBackoffMs: 0 };
const conflict = () => new ConcurrencyConflictError('saga X 1 was changed by another transaction');
const failure = () => new SagaflowError('HANDLER_FAILED', 'handler failed', { retriable: true });

/** Runs `outcomes` in turn (an error is thrown, anything else returned), on a clock that each attempt advances by `stepMs`. */
async function run(outcomes: unknown[], conflictTimeoutMs: number | undefined, stepMs = 1_000) {
  let t = 0;
  let calls = 0;
  const result = await retryInFreshTransactions(
    settings,
    'Saga X',
    async () => {
      t += stepMs;
      const next = outcomes[calls++];
      if (next instanceof Error) throw next;
      return next;
    },
    { signal: new AbortController().signal, onRetry: () => undefined, conflictTimeoutMs, now: () => t },
  ).catch((error: unknown) => error);
  return { result, calls };
}

describe('retryInFreshTransactions: conflicts are bounded by time, failures by attempts', () => {
  it('twenty conflicts in a row do not use up five attempts while within the conflict timeout', async () => {
    const { result, calls } = await run([...Array.from({ length: 20 }, conflict), 'applied'], 30_000, 100);
    expect(result).toBe('applied');
    expect(calls).toBe(21);
  });

  it('conflicts past the timeout since the first one give up with the conflict', async () => {
    const { result, calls } = await run(Array.from({ length: 100 }, conflict), 5_000, 1_000);
    expect(result).toBeInstanceOf(RetriesExhausted);
    expect((result as RetriesExhausted).error.code).toBe('CONCURRENCY_CONFLICT');
    expect(calls).toBe(6); // the first conflict at 1 s, the one at 6 s is past 5 s after it
    expect((result as RetriesExhausted).attempts).toBe(6);
  });

  it('handler failures still count, conflicts between them do not', async () => {
    const outcomes = [
      failure(),
      conflict(),
      failure(),
      conflict(),
      conflict(),
      failure(),
      failure(),
      failure(),
    ];
    const { result, calls } = await run(outcomes, 30_000, 10);
    expect((result as RetriesExhausted).error.code).toBe('HANDLER_FAILED');
    expect(calls).toBe(8);
  });

  it('without a conflict timeout, conflicts count like failures', async () => {
    const { result, calls } = await run(Array.from({ length: 20 }, conflict), undefined);
    expect(result).toBeInstanceOf(RetriesExhausted);
    expect(calls).toBe(5);
  });
});

describe('retryInFreshTransactions: a version gap is held by time, and released by a rebalance', () => {
  const gap = () =>
    new SagaflowError('DEFINITION_VERSION_GAP', 'saga X 1 runs definition version 2', { retriable: true });

  async function hold(outcomes: unknown[], timeoutMs: number, release = new AbortController().signal) {
    let t = 0;
    let calls = 0;
    let first: number | undefined;
    const result = await retryInFreshTransactions(
      settings,
      'Saga X',
      async () => {
        t += 1_000;
        const next = outcomes[calls++];
        if (next instanceof Error) throw next;
        return next;
      },
      {
        signal: new AbortController().signal,
        onRetry: () => undefined,
        now: () => t,
        versionGap: { timeoutMs, since: (now) => (first ??= now), release },
      },
    ).catch((error: unknown) => error);
    return { result, calls };
  }

  it('twenty gaps in a row do not use up five attempts while within the bound: applied when the version comes', async () => {
    const { result, calls } = await hold([...Array.from({ length: 20 }, gap), 'applied'], 60_000);
    expect(result).toBe('applied');
    expect(calls).toBe(21);
  });

  it('gaps past the bound since the first one give up with DEFINITION_VERSION_GAP', async () => {
    const { result, calls } = await hold(Array.from({ length: 100 }, gap), 5_000);
    expect((result as RetriesExhausted).error.code).toBe('DEFINITION_VERSION_GAP');
    expect(calls).toBe(6);
  });

  it('a rebalance ends the hold uncommitted (RetryAborted), for the partition’s next owner', async () => {
    const release = new AbortController();
    release.abort();
    const { result, calls } = await hold(Array.from({ length: 100 }, gap), 60_000, release.signal);
    expect(result).toBeInstanceOf(RetryAborted);
    expect(calls).toBe(1);
  });

  it('without a hold, a gap counts like a failure', async () => {
    let calls = 0;
    const result = await retryInFreshTransactions(
      settings,
      'Saga X',
      async () => {
        calls++;
        throw gap();
      },
      { signal: new AbortController().signal, onRetry: () => undefined },
    ).catch((error: unknown) => error);
    expect(result).toBeInstanceOf(RetriesExhausted);
    expect(calls).toBe(5);
  });
});
