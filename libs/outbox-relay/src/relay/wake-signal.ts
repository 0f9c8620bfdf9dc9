/**
 * Wakes the relay when a NOTIFY arrives. A notification that lands while the relay is busy is
 * remembered, so the next `wait` returns at once instead of sleeping past new rows.
 */
export class WakeSignal {
  private notified = false;
  private waiter: (() => void) | undefined;

  /** Forget earlier notifications; call just before reading the outbox. */
  reset(): void {
    this.notified = false;
  }

  notify(): void {
    this.notified = true;
    this.waiter?.();
  }

  /** Resolves on the next notification (or a remembered one), or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
