/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs?: number;
  /** Named in the timeout error, e.g. "Kafka at 127.0.0.1:9092 to answer". */
  description: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or the deadline passes.
 * A probe that throws counts as "not yet"; its last error becomes the timeout error's cause.
 *
 * @throws Error naming `description` and the deadline when the condition never held.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const interval = options.intervalMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.description}${reason}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
