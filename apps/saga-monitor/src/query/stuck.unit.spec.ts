import { describe, expect, it } from 'vitest';
import { stuckReason } from './stuck';

const now = new Date('2025-01-01T01:00:00.000Z');
const minute = 60_000;

describe('stuckReason', () => {
  it('flags a running saga with no transition past the threshold', () => {
    expect(
      stuckReason({ status: 'RUNNING', updatedAt: '2025-01-01T00:54:59.000Z' }, false, now, 5 * minute),
    ).toBe('no-progress');
    expect(
      stuckReason({ status: 'COMPENSATING', updatedAt: '2025-01-01T00:55:01.000Z' }, false, now, 5 * minute),
    ).toBeNull();
  });

  it('flags a running saga with a dead letter at once', () => {
    expect(
      stuckReason({ status: 'RUNNING', updatedAt: '2025-01-01T00:59:59.000Z' }, true, now, 5 * minute),
    ).toBe('dead-letter');
  });

  it('never flags an ended saga, however old or dead-lettered', () => {
    for (const status of ['COMPLETED', 'COMPENSATED', 'FAILED'] as const) {
      expect(stuckReason({ status, updatedAt: '2020-01-01T00:00:00.000Z' }, true, now, minute)).toBeNull();
    }
  });
});
