/* eslint-disable @typescript-eslint/no-require-imports */
import { fixedKafkaJsVersion } from './kafkajs-request-queue-fix';

const applied = Symbol.for('sagaflow.kafkajs-stopped-fetcher-fix');

/** The part of KafkaJS's consumer `Runner` (src/consumer/runner.js) the fix reads. */
export interface RunnerState {
  running: boolean;
  fetchManager: { stop(): Promise<void> };
}

type Fetch = (this: RunnerState, nodeId: number) => Promise<unknown[]>;

/**
 * KafkaJS's `Runner.fetch`, except that a fetch asked for after the consumer stopped also stops the
 * fetchers instead of only answering "no batches". The original returns `[]` at once when the runner is not
 * running, and a fetcher loops on `fetch` for as long as it runs, with no I/O in between: a fetcher still
 * running after `consumer.stop()` spins on resolved promises and starves the event loop for good (no timer,
 * socket or HTTP request of the process runs again). It happens when the stop meets a fetcher rebalance: the
 * fetch manager, waiting for its old fetchers when the stop comes, then creates new ones (the node list
 * changed, e.g. a dead broker left the metadata) that the stop never sees. See
 * docs/decisions/0079-kafkajs-fetcher-after-stop.md.
 */
export function fetchUnlessStopped(original: Fetch): Fetch {
  return function fetch(this: RunnerState, nodeId: number): Promise<unknown[]> {
    if (this.running) return original.call(this, nodeId);
    // not awaited: stopping a fetcher waits for the fetch it is in, this one; the call marks every current
    // fetcher stopped before it returns, so the caller's loop ends after this answer
    void this.fetchManager.stop();
    return Promise.resolve([]);
  };
}

/**
 * Replaces `Runner.prototype.fetch` of the KafkaJS copy this package resolves, once per process, and only
 * when that copy is the version the fix was read against: another release is left as it is.
 * Applied when `@sagaflow/outbox-relay` is loaded (saga-core and the monitor load it), before any consumer runs.
 * @returns whether the fix is in place.
 */
export function applyKafkaJsStoppedFetcherFix(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== fixedKafkaJsVersion) return false;
  const Runner = require('kafkajs/src/consumer/runner') as { prototype: Record<PropertyKey, unknown> };
  if (Runner.prototype[applied] !== true) {
    Runner.prototype.fetch = fetchUnlessStopped(Runner.prototype.fetch as Fetch);
    Runner.prototype[applied] = true;
  }
  return true;
}
