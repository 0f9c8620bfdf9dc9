import { describe, expect, it } from 'vitest';
import '../index';
import {
  applyKafkaJsRequestQueueFix,
  scheduleCheckPendingRequests,
  type RequestQueueState,
} from './kafkajs-request-queue-fix';

function queue(overrides: Partial<RequestQueueState> = {}): RequestQueueState & { checks: number } {
  const q = {
    throttledUntil: -1,
    throttleCheckTimeoutId: null,
    pending: [],
    checks: 0,
    checkPendingRequests() {
      q.checks += 1;
    },
    ...overrides,
  };
  return q;
}

describe('the KafkaJS RequestQueue fix (TimeoutNegativeWarning, the 1 ms loop)', () => {
  it('arms no timer when no request waits and no throttle is in force', () => {
    const q = queue();
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('re-checks waiting requests after 10 ms, as KafkaJS does', async () => {
    const q = queue({ pending: [{}] });
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(q.checks).toBe(1);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks when a throttle ends, even with nothing waiting', () => {
    const q = queue({ throttledUntil: Date.now() + 60_000 });
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(q.throttleCheckTimeoutId!);
  });

  it('is in place on the KafkaJS this package uses once the package is loaded', () => {
    expect(applyKafkaJsRequestQueueFix()).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue');
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });
});
