/* eslint-disable @typescript-eslint/no-require-imports */

/** The one KafkaJS release this fix was read against (both libraries pin it exactly). */
export const fixedKafkaJsVersion = '2.2.4';
/** KafkaJS's own re-check interval for a queue whose requests wait (`CHECK_PENDING_REQUESTS_INTERVAL`). */
const checkPendingRequestsIntervalMs = 10;
const applied = Symbol.for('sagaflow.kafkajs-request-queue-fix');

/** The part of KafkaJS's `RequestQueue` (src/network/requestQueue/index.js) the fix reads and writes. */
export interface RequestQueueState {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

/**
 * KafkaJS's `RequestQueue.scheduleCheckPendingRequests`, less its empty case. The original computes
 * `throttledUntil - Date.now()` and arms a timer with it even when no request waits and no throttle is in
 * force; `throttledUntil` starts at -1, so the delay is about `-Date.now()`. Node 23+ prints
 * `TimeoutNegativeWarning` for it (once per process, on every start), every Node clamps it to 1 ms, and since
 * the timer's callback schedules the next one, each broker connection woke the event loop every millisecond
 * for its whole life (tulios/kafkajs#1751 and #1704; the upstream fixes are unmerged, 2.2.4 is the last
 * release). Here: nothing waits and no throttle is in force → no timer. A request that is enqueued later calls
 * this again with `pending` non-empty; one that completes calls `checkPendingRequests` itself.
 */
export function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  let delayMs = this.throttledUntil - Date.now();
  if (this.pending.length > 0) {
    delayMs = delayMs > 0 ? delayMs : checkPendingRequestsIntervalMs;
  } else if (delayMs <= 0) {
    return;
  }
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delayMs);
}

/**
 * Replaces the method on the `RequestQueue` of the KafkaJS copy this package resolves, once per process,
 * and only when that copy is {@link fixedKafkaJsVersion}: another release is left exactly as it is.
 * Applied when `@sagaflow/outbox-relay` is loaded (saga-core and the monitor load it), before any connection.
 * @returns whether the fix is in place.
 */
export function applyKafkaJsRequestQueueFix(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== fixedKafkaJsVersion) return false;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as {
    prototype: Record<PropertyKey, unknown>;
  };
  if (RequestQueue.prototype[applied] !== true) {
    RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    RequestQueue.prototype[applied] = true;
  }
  return true;
}
