/** Exponential backoff settings. */
export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`, with up
 * to 20% jitter below the cap so several relays do not retry in lockstep.
 * @param random a number in [0, 1), injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: number = Math.random(),
): number {
  const exp = settings.initialMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(settings.maxMs, exp);
  return Math.round(capped * (0.8 + 0.2 * random));
}
